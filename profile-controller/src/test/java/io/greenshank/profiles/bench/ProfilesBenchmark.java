package io.greenshank.profiles.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.cache.SubjectKeys;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.crd.ProfileCondition;
import io.greenshank.profiles.crd.ProfileSpec;
import io.greenshank.profiles.istio.IstioKinds;
import io.greenshank.profiles.istio.IstioPolicies;
import io.greenshank.profiles.istio.IstioSettings;
import io.greenshank.profiles.kube.EmbeddedApiServer;
import io.greenshank.profiles.reconcile.ControllerMetrics;
import io.greenshank.profiles.reconcile.ControllerSettings;
import io.greenshank.profiles.reconcile.ProfileController;
import io.greenshank.profiles.reconcile.ProfileReconciler;
import io.greenshank.profiles.reconcile.WorkQueue;
import io.greenshank.profiles.sharing.Binding;
import io.greenshank.profiles.sharing.SharingService;
import io.greenshank.profiles.sharing.SharingSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Not part of {@code verify} (the name matches no surefire include). Run with
 * {@code mvn -B -pl profile-controller -am verify -Dtest=ProfilesBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 * Sizes: {@code -Dprofiles.bench.count=1000}.
 */
class ProfilesBenchmark {

    static final int COUNT = Integer.getInteger("profiles.bench.count", 1000);
    static final int WORKERS = Integer.getInteger("profiles.bench.workers", 4);

    static Profile profile(int i) {
        return new Profile("team-" + i, new ProfileSpec(new Subject("rbac.authorization.k8s.io", "User", "owner" + i + "@example.com", null),
                new ResourceQuotaSpec(Map.of("cpu", new Quantity("4")), null, null), null));
    }

    static void parallel(int n, int threads, IntFunction<Object> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int start = t;
                fs.add(pool.submit(() -> {
                    for (int i = start; i < n; i += threads) {
                        task.apply(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void coldStartUntilAllReady() throws Exception {
        ControllerSettings settings = ControllerSettings.defaults().withWorkers(WORKERS);
        // Floor: the same objects written blind by the same number of threads, no reads, no controller.
        double floorMs;
        int floorCalls;
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient()) {
            IstioPolicies istio = new IstioPolicies(IstioSettings.KUBEFLOW_DEFAULT);
            int before = api.requestCount();
            long t0 = System.nanoTime();
            parallel(COUNT, WORKERS, i -> {
                Profile p = k.resource(profile(i)).create();
                String ns = p.getMetadata().getName();
                k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                for (String[] rb : new String[][] {{"namespaceAdmin", "kubeflow-admin"}, {"default-editor", "kubeflow-edit"}, {"default-viewer", "kubeflow-view"}}) {
                    k.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName(rb[0]).endMetadata()
                            .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", rb[1]))
                            .withSubjects(p.getSpec().owner()).build()).create();
                }
                for (String sa : List.of("default-editor", "default-viewer")) {
                    k.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build()).create();
                }
                k.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("kf-resource-quota")
                        .endMetadata().withSpec(p.getSpec().resourceQuotaSpec()).build()).create();
                GenericKubernetesResource ap = istio.ownerAuthorizationPolicy(ns, p.getSpec().owner(), new ObjectMetaBuilder().build());
                k.genericKubernetesResources(IstioKinds.authorizationPolicy("v1beta1")).inNamespace(ns).resource(ap).create();
                return null;
            });
            floorMs = (System.nanoTime() - t0) / 1e6;
            floorCalls = api.requestCount() - before;
        }

        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient()) {
            parallel(COUNT, WORKERS, i -> k.resource(profile(i)).create());
            int before = api.requestCount();
            long t0 = System.nanoTime();
            ClusterCache cache = new ClusterCache(k, settings.istio(), new SubjectKeys(true), settings.resync());
            WorkQueue queue = new WorkQueue(settings.maxBackoff());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ProfileController controller = new ProfileController(cache,
                    new ProfileReconciler(k, cache, settings, Clock.systemUTC()), settings, queue, new ControllerMetrics(registry, queue::depth));
            cache.start(Duration.ofSeconds(60));
            controller.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (cache.profiles().stream().filter(p -> p.getStatus() != null
                    && p.getStatus().condition("Ready").map(ProfileCondition::isTrue).orElse(false)).count() < COUNT) {
                assertThat(System.nanoTime()).as("all ready within 10 minutes").isLessThan(deadline);
                Thread.sleep(20);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            int calls = api.requestCount() - before;
            double errors = registry.find("greenshank.profiles.reconcile.errors").counter().count();
            controller.close();
            cache.close();
            System.out.printf("%nBENCH cold start: %d profiles Ready in %.0f ms with %d workers, %d API calls (%.1f per profile), %d reconcile errors%n",
                    COUNT, ms, WORKERS, calls, calls / (double) COUNT, (long) errors);
            System.out.printf("BENCH cold start floor (blind writes of the same objects, same threads): %.0f ms, %d API calls; ratio %.2fx time, %.2fx calls%n%n",
                    floorMs, floorCalls, ms / floorMs, calls / (double) floorCalls);
        }
    }

    @Test
    void listingOneUsersBindingsAcross1000Profiles() throws Exception {
        try (EmbeddedApiServer api = EmbeddedApiServer.start(); KubernetesClient k = api.newClient()) {
            String target = "bob@example.com";
            parallel(COUNT, WORKERS, i -> {
                Profile p = k.resource(profile(i)).create();
                String ns = p.getMetadata().getName();
                List<String> users = new ArrayList<>(List.of(p.getSpec().owner().getName(), "c1-" + i + "@example.com",
                        "c2-" + i + "@example.com", "c3-" + i + "@example.com", "c4-" + i + "@example.com"));
                users.add(target);
                int n = 0;
                for (String u : users) {
                    String role = n == 0 ? "kubeflow-admin" : "kubeflow-edit";
                    k.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder()
                            .withMetadata(new ObjectMetaBuilder().withName(n == 0 ? "namespaceAdmin" : "contrib-" + n)
                                    .withAnnotations(Map.of("user", u, "role", n == 0 ? "admin" : "edit")).build())
                            .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", role))
                            .withSubjects(new Subject("rbac.authorization.k8s.io", "User", u, null)).build()).create();
                    n++;
                }
                // The two service-account bindings every profile has.
                for (String sa : List.of("default-editor", "default-viewer")) {
                    k.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName(sa).endMetadata()
                            .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", "kubeflow-edit"))
                            .withSubjects(new Subject(null, "ServiceAccount", sa, ns)).build()).create();
                }
                return null;
            });
            ClusterCache cache = new ClusterCache(k, IstioSettings.KUBEFLOW_DEFAULT, new SubjectKeys(true), Duration.ofMinutes(10));
            cache.start(Duration.ofSeconds(120));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (cache.roleBindingsOf(cache.keys().userKey(target)).size() < COUNT) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            SharingService sharing = new SharingService(k, cache, new SharingSettings(Set.of(), Set.of(), false),
                    (who, ns, verb, group, resource, name) -> false, IstioSettings.KUBEFLOW_DEFAULT);
            Identity bob = new Identity(target, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                    AuthMethod.TRUSTED_HEADER, Map.of(), Optional.empty());
            int total = 0;
            for (String ns : cache.profileNames()) {
                total += cache.roleBindingsIn(ns).size();
            }

            Histogram listing = measure(() -> {
                List<Binding> b = sharing.list(bob, Optional.of(target), Optional.empty(), Optional.empty());
                if (b.size() != COUNT) {
                    throw new AssertionError("expected " + COUNT + " bindings, got " + b.size());
                }
            });
            Histogram index = measure(() -> {
                if (cache.roleBindingsOf(cache.keys().userKey(target)).size() != COUNT) {
                    throw new AssertionError();
                }
            });
            Subject subject = new Subject("rbac.authorization.k8s.io", "User", target, null);
            Histogram scan = measure(() -> {
                if (cache.roleBindingsOfByScan(subject).size() != COUNT) {
                    throw new AssertionError();
                }
            });
            cache.close();
            System.out.printf("%nBENCH listing %s's bindings across %d profiles (%d RoleBindings cached):%n", target, COUNT, total);
            print("sharing.list (index + visibility + KFAM shape)", listing);
            print("floor: raw index read", index);
            print("comparison: scan of every cached RoleBinding", scan);
            System.out.printf("BENCH ratio list/index p50 %.1fx; scan/list p50 %.1fx%n%n",
                    listing.getValueAtPercentile(50) / (double) Math.max(1, index.getValueAtPercentile(50)),
                    scan.getValueAtPercentile(50) / (double) Math.max(1, listing.getValueAtPercentile(50)));
            assertThat(listing.getValueAtPercentile(99) / 1000.0).as("p99 listing ms").isLessThan(50.0);
        }
    }

    static Histogram measure(Runnable r) {
        for (int i = 0; i < 200; i++) {
            r.run();
        }
        Histogram h = new Histogram(3);
        for (int i = 0; i < 1000; i++) {
            long t0 = System.nanoTime();
            r.run();
            h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        }
        return h;
    }

    static void print(String what, Histogram h) {
        System.out.printf("BENCH   %-50s p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms%n", what,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
