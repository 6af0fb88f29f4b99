package io.greenshank.profiles.fault;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.leader.LeaderElection;
import io.greenshank.profiles.leader.LeaderSettings;
import io.greenshank.profiles.reconcile.ControllerMetrics;
import io.greenshank.profiles.reconcile.ControllerSettings;
import io.greenshank.profiles.reconcile.ProfileController;
import io.greenshank.profiles.reconcile.ProfileReconciler;
import io.greenshank.profiles.reconcile.ReconcileOutcome;
import io.greenshank.profiles.reconcile.WorkQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One profile-controller replica wired as {@code ProfilesRuntime} wires it (cache, work queue, reconciler, workers,
 * and, when given lease settings, the product's leader election), on its own client, without CDI.
 */
final class Replica implements AutoCloseable {

    final ApiCalls calls;
    final KubernetesClient client;
    final ClusterCache cache;
    final ProfileController controller;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Optional<LeaderElection> election;
    private volatile long startedLeadingNanos = -1;

    Replica(KubernetesClient client, ApiCalls calls, ControllerSettings settings, Optional<LeaderSettings> lease) {
        this.calls = calls;
        this.client = client;
        cache = new ClusterCache(client, settings.istio(), new SubjectKeys(true), settings.resync());
        WorkQueue queue = new WorkQueue(settings.maxBackoff());
        controller = new ProfileController(cache, new ProfileReconciler(client, cache, settings, Clock.systemUTC()),
                settings, queue, new ControllerMetrics(registry, queue::depth));
        cache.start(Duration.ofSeconds(60));
        election = lease.map(l -> new LeaderElection(client, l, () -> {
            startedLeadingNanos = System.nanoTime();
            controller.start();
        }, controller::stop));
        election.ifPresentOrElse(LeaderElection::start, controller::start);
    }

    boolean leading() {
        return election.map(LeaderElection::isLeader).orElse(controller.running());
    }

    long startedLeadingNanos() {
        return startedLeadingNanos;
    }

    double reconciles(ReconcileOutcome outcome) {
        Counter c = registry.find("greenshank.profiles.reconciles").tag("outcome", outcome.name().toLowerCase()).counter();
        return c == null ? 0 : c.count();
    }

    double reconcileErrors() {
        Counter c = registry.find("greenshank.profiles.reconcile.errors").counter();
        return c == null ? 0 : c.count();
    }

    /**
     * As a killed process: the connection to the API server goes first (nothing more can be sent, the Lease is not
     * released), then the threads stop.
     */
    void crash() {
        client.close();
        close();
    }

    /** Orderly shutdown, as the application's shutdown hook does it: leadership is given up and the Lease released. */
    @Override
    public void close() {
        election.ifPresent(LeaderElection::close);
        controller.close();
        cache.close();
        client.close();
    }
}
