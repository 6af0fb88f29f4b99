package io.greenshank.authz.policy.enforce;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.source.DirectoryPolicySource;
import io.greenshank.authz.policy.source.KubernetesPolicySource;
import io.greenshank.authz.policy.source.PolicyStore;
import io.greenshank.authz.route.RouteTable;
import io.greenshank.authz.sar.SubjectAccessReviewer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Owns the policy machinery of a running sidecar: the store, its sources (directories on a timer, informers in a
 * cluster), the route table, the path normalizer and the SubjectAccessReview client.
 */
@ApplicationScoped
public class PolicyRuntime {

    private static final Logger LOG = Logger.getLogger(PolicyRuntime.class);

    @Inject
    PolicyConfig config;

    @Inject
    Instance<KubernetesClient> kubernetes;

    private PolicyStore store;
    private RouteTable routes = RouteTable.empty();
    private String routesProblem = "";
    private PathNormalizer normalizer;
    private final List<DirectoryPolicySource> directories = new ArrayList<>();
    private KubernetesPolicySource cluster;
    private volatile SubjectAccessReviewer reviewer;
    private ScheduledExecutorService scheduler;
    private ExecutorService reviewExecutor;

    void start(@Observes StartupEvent ev) {
        init();
    }

    private volatile boolean started;

    void init() {
        if (started) {
            return;
        }
        synchronized (this) {
            if (!started) {
                doInit();
                started = true;
            }
        }
    }

    private void doInit() {
        store = new PolicyStore(config.rootNamespace(), config.clusterDomain());
        normalizer = new PathNormalizer(config.pathNormalization());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greenshank-policy-sources");
            t.setDaemon(true);
            return t;
        });
        if (config.routesFile().isPresent()) {
            Path f = config.routesFile().get();
            try {
                routes = RouteTable.parseYaml(Files.readString(f, StandardCharsets.UTF_8));
                LOG.infof("route table %s: %d routes", f, routes.size());
            } catch (IOException | RuntimeException e) {
                // Without its routes an ingress cannot know what a request reaches: every Check is denied.
                routesProblem = "route table " + f + " unreadable: " + e.getMessage();
                LOG.errorf("%s; every Check is denied until it is fixed", routesProblem);
            }
        }
        for (Path dir : config.dirs().orElse(List.of())) {
            DirectoryPolicySource s = new DirectoryPolicySource(dir, store);
            s.scan();
            directories.add(s);
        }
        if (!directories.isEmpty()) {
            long every = Math.max(100, config.pollInterval().toMillis());
            scheduler.scheduleWithFixedDelay(this::scanDirectories, every, every, TimeUnit.MILLISECONDS);
        }
        if (config.kubernetes().enabled()) {
            cluster = new KubernetesPolicySource(kubernetes.get(), store, scheduler, config.kubernetes().batchDelay(),
                    config.kubernetes().absentKindRecheck());
            cluster.start(config.kubernetes().resync(), config.kubernetes().initialSyncTimeout());
        }
        if (config.enabled() && routes.hasResources()) {
            // Build the Kubernetes client now, not inside the first Check's time budget.
            reviewer();
        }
    }

    private void scanDirectories() {
        for (DirectoryPolicySource s : directories) {
            try {
                s.scan();
            } catch (RuntimeException e) {
                LOG.errorf("policy directory scan failed: %s; keeping the current generation", e.toString());
            }
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        if (cluster != null) {
            cluster.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (reviewExecutor != null) {
            reviewExecutor.shutdownNow();
        }
    }

    public PolicyStore store() {
        init();
        return store;
    }

    public PolicySet policies() {
        return store().current();
    }

    public RouteTable routes() {
        init();
        return routes;
    }

    /** Non-empty when the configured route table could not be read (then every Check is denied). */
    public String routesProblem() {
        init();
        return routesProblem;
    }

    public PathNormalizer normalizer() {
        init();
        return normalizer;
    }

    public boolean clusterSynced() {
        return cluster == null || cluster.synced();
    }

    /** Watched kinds the cluster does not serve (no CRD), treated as empty; empty without a cluster source. */
    public List<String> absentKinds() {
        return cluster == null ? List.of() : cluster.absentKinds();
    }

    public PolicyConfig config() {
        return config;
    }

    /** Created on first use, so a sidecar without Kubernetes routes never builds a Kubernetes client. */
    public SubjectAccessReviewer reviewer() {
        SubjectAccessReviewer r = reviewer;
        if (r == null) {
            synchronized (this) {
                if (reviewer == null) {
                    reviewExecutor = Executors.newCachedThreadPool(t -> {
                        Thread th = new Thread(t, "greenshank-sar");
                        th.setDaemon(true);
                        return th;
                    });
                    PolicyConfig.Sar s = config.sar();
                    reviewer = new SubjectAccessReviewer(kubernetes.get(), new SubjectAccessReviewer.Settings(
                            s.allowTtl(), s.denyTtl(), s.maxEntries(), s.timeout()), reviewExecutor, System::nanoTime);
                }
                r = reviewer;
            }
        }
        return r;
    }

    /** Whether any route names a Kubernetes resource (then Checks may block on a SubjectAccessReview). */
    public boolean reviewsResources() {
        init();
        return routes.hasResources();
    }

    SubjectAccessReviewer reviewerIfCreated() {
        return reviewer;
    }
}
