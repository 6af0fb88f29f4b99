package io.greenshank.profiles.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.greenshank.profiles.reconcile.ControllerSettings;
import io.greenshank.profiles.reconcile.ReconcileOutcome;
import io.greenshank.testing.net.FaultProxy;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reconcile storm (every Profile created at once) with the Kubernetes API made unreachable in the middle of it, by a
 * {@link FaultProxy} between the controller and the API stand-in: refused (the API server's process is gone), then,
 * in a second case, black-holed (a dropped route). The stand-in keeps its state, as etcd would across an API server
 * restart; the controller is never restarted. Afterwards every Profile must be Ready and the cluster must hold exactly
 * what a clean storm of the same Profiles wrote (the reference, taken in this run): nothing missing, nothing extra,
 * nothing twice, nothing half-written. While the API is unreachable, a Profile that says Ready must already have all
 * its objects. Figures are printed as {@code RELIABILITY ...} lines for docs/benchmarks.md.
 */
class ReconcileStormOutageTest {

    /** CI runs 300 Profiles (about a minute for all three storms); {@code -Dfaults.profiles=1000} for the full size. */
    static final int PROFILES = Integer.getInteger("faults.profiles", 300);
    /** How long the API stays unreachable; {@code -Dfaults.apiOutageMillis=60000} for a minute. */
    static final long OUTAGE_MILLIS = Long.getLong("faults.apiOutageMillis", 4_000);
    static final int WORKERS = 4;
    static final ControllerSettings SETTINGS = ControllerSettings.defaults().withWorkers(WORKERS);

    static ClusterSnapshot reference;
    static Storm clean;

    /** What one storm measured. */
    record Storm(long stormMillis, long restoreToReadyMillis, long attempts, long attemptsDuringOutage,
            long connectionsDuringOutage, double reconcileErrors, ClusterSnapshot atRestore, ClusterSnapshot after) {
    }

    enum Fault { NONE, REFUSE, BLACK_HOLE }

    static Profile profile(int i) {
        // A third with a quota, a third with a plugin, so every kind the reconciler writes is in the storm.
        ResourceQuotaSpec quota = i % 3 == 0 ? new ResourceQuotaSpec(Map.of("cpu", new Quantity("4")), null, null) : null;
        return new Profile("storm-" + i, new ProfileSpec(
                new Subject("rbac.authorization.k8s.io", "User", "owner" + i + "@example.com", null), quota, null));
    }

    @BeforeAll
    static void cleanStormIsTheReference() throws Exception {
        clean = storm(Fault.NONE);
        reference = clean.after();
        assertThat(reference.duplicates()).isEmpty();
        assertThat(reference.readiness().values()).hasSize(PROFILES).containsOnly("True");
        // The reference is a complete reconcile: per profile a namespace, 3 RoleBindings, 2 ServiceAccounts, the
        // owner's AuthorizationPolicy and the Profile (and a quota for every third).
        assertThat(reference.of("storm-0")).hasSize(9);
        assertThat(reference.of("storm-1")).hasSize(8);
    }

    @Test
    void api_server_refused_mid_storm() throws Exception {
        check("refused", storm(Fault.REFUSE));
    }

    @Test
    void api_server_black_holed_mid_storm() throws Exception {
        check("black-holed", storm(Fault.BLACK_HOLE));
    }

    static void check(String fault, Storm s) {
        assertThat(s.after().differencesFrom(reference)).as("cluster after the %s outage vs the clean reconcile", fault).isEmpty();
        assertThat(s.after().readiness().values()).as("every Profile Ready").hasSize(PROFILES).containsOnly("True");
        // Safety while the API was unreachable: a Profile that said Ready had every object already, exactly right.
        for (Map.Entry<String, String> e : s.atRestore().readiness().entrySet()) {
            if (e.getValue().equals("True")) {
                assertThat(s.atRestore().of(e.getKey())).as("objects of %s, Ready during the outage", e.getKey())
                        .isEqualTo(reference.of(e.getKey()));
            }
        }
        assertThat(s.atRestore().duplicates()).isEmpty();
        // No hot loop: fabric8 retries a failed request with exponential backoff (100 ms doubling to 3.2 s, 10
        // retries) and informers re-watch with backoff, so the attempts per second while refused stay bounded by
        // what the workers and informers can schedule, not by how fast a refusal comes back.
        double perSecond = s.attemptsDuringOutage() * 1000.0 / OUTAGE_MILLIS;
        assertThat(perSecond).as("request attempts per second while the API was unreachable").isLessThan(20 * (WORKERS + 6));
        System.out.printf("%nRELIABILITY controller storm %s: %d profiles, %d workers, outage %d ms (load average %.1f):"
                        + " storm %d ms (clean %d ms), all Ready %d ms after restore, API requests %d (clean %d),"
                        + " attempts during the outage %d (%.1f/s), connections the proxy accepted during it %d,"
                        + " reconcile errors %.0f; Ready at restore %d of %d%n",
                fault, PROFILES, WORKERS, OUTAGE_MILLIS, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                s.stormMillis(), clean.stormMillis(), s.restoreToReadyMillis(), s.attempts(), clean.attempts(),
                s.attemptsDuringOutage(), perSecond, s.connectionsDuringOutage(), s.reconcileErrors(),
                s.atRestore().readiness().values().stream().filter("True"::equals).count(), PROFILES);
    }

    static Storm storm(Fault fault) throws Exception {
        try (EmbeddedApiServer api = EmbeddedApiServer.start();
                KubernetesClient direct = api.newClient();
                FaultProxy proxy = FaultProxy.toLoopback(URI.create(api.url()).getPort())) {
            ApiCalls calls = new ApiCalls("profile-controller");
            try (Replica controller = new Replica(ApiCalls.client(direct.getConfiguration(),
                    "http://127.0.0.1:" + proxy.port(), calls), calls, SETTINGS, Optional.empty())) {
                long t0 = System.nanoTime();
                ExecutorService creators = Executors.newFixedThreadPool(4);
                List<Future<?>> created = new ArrayList<>();
                for (int i = 0; i < PROFILES; i++) {
                    int n = i;
                    created.add(creators.submit(() -> direct.resource(profile(n)).create()));
                }
                ClusterSnapshot atRestore = null;
                long attemptsDuringOutage = 0;
                long connectionsDuringOutage = 0;
                long restoredAt = t0;
                if (fault != Fault.NONE) {
                    // Mid-storm: a third of the Profiles reconciled.
                    while (controller.reconciles(ReconcileOutcome.READY) < PROFILES / 3.0) {
                        Thread.sleep(5);
                    }
                    long attemptsBefore = calls.attempts();
                    long connectionsBefore = proxy.connectionsAccepted();
                    if (fault == Fault.REFUSE) {
                        proxy.refuse();
                    } else {
                        proxy.blackHole();
                    }
                    Thread.sleep(OUTAGE_MILLIS);
                    attemptsDuringOutage = calls.attempts() - attemptsBefore;
                    connectionsDuringOutage = proxy.connectionsAccepted() - connectionsBefore;
                    atRestore = ClusterSnapshot.take(direct, SETTINGS.istio());
                    proxy.restore();
                    restoredAt = System.nanoTime();
                }
                for (Future<?> f : created) {
                    f.get();
                }
                creators.shutdown();
                long deadline = System.nanoTime() + 600_000_000_000L;
                while (direct.resources(Profile.class).list().getItems().stream()
                        .filter(p -> ClusterSnapshot.ready(p).equals("True")).count() < PROFILES) {
                    assertThat(System.nanoTime()).as("all Ready within 10 minutes").isLessThan(deadline);
                    Thread.sleep(50);
                }
                long done = System.nanoTime();
                // Quiet: nothing left queued, so the snapshot is the end state and not a moment in a reconcile.
                while (!controller.controller.queue().idle()) {
                    Thread.sleep(20);
                }
                ClusterSnapshot after = ClusterSnapshot.take(direct, SETTINGS.istio());
                // The same workers and informers throughout: recovered without a restart.
                assertThat(controller.controller.running()).as("controller still running").isTrue();
                assertThat(controller.cache.synced()).as("informers synced again").isTrue();
                return new Storm((done - t0) / 1_000_000, fault == Fault.NONE ? 0 : (done - restoredAt) / 1_000_000,
                        calls.attempts(), attemptsDuringOutage, connectionsDuringOutage, controller.reconcileErrors(),
                        atRestore, after);
            }
        }
    }
}
