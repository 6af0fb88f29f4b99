package io.greenshank.profiles.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** A controller wired to its own embedded API server, the way the application wires it, minus CDI. */
public final class ControllerHarness implements AutoCloseable {

    public final EmbeddedApiServer api;
    public final KubernetesClient client;
    public final ClusterCache cache;
    final ProfileController controller;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ControllerMetrics metrics;

    public ControllerHarness(ControllerSettings settings) {
        this(EmbeddedApiServer.start(), settings);
    }

    ControllerHarness(EmbeddedApiServer api, ControllerSettings settings) {
        this.api = api;
        this.client = api.newClient();
        this.cache = new ClusterCache(client, settings.istio(), new SubjectKeys(true), settings.resync());
        WorkQueue queue = new WorkQueue(settings.maxBackoff());
        this.metrics = new ControllerMetrics(registry, queue::depth);
        ProfileReconciler reconciler = new ProfileReconciler(client, cache, settings, Clock.systemUTC());
        this.controller = new ProfileController(cache, reconciler, settings, queue, metrics);
        cache.start(Duration.ofSeconds(30));
        controller.start();
    }

    @Override
    public void close() {
        controller.close();
        cache.close();
        client.close();
        api.close();
    }
}
