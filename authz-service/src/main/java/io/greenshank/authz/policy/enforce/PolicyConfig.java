package io.greenshank.authz.policy.enforce;

import io.greenshank.authz.path.PathNormalization;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@code greenshank.policy.*} key. Documented in README.md (Configuration) and docs/authz-service.md. */
@ConfigMapping(prefix = "greenshank.policy")
public interface PolicyConfig {

    /** Judge Checks by policy. Off, the sidecar only authenticates (authenticated callers and public paths pass). */
    @WithDefault("true")
    boolean enabled();

    /** Anonymous callers must be on a public path before policy is even consulted (the sidecar's baseline). */
    @WithDefault("true")
    boolean requireAuthentication();

    /** Istio's root namespace: policies there apply mesh-wide. */
    @WithDefault("istio-system")
    String rootNamespace();

    @WithDefault("cluster.local")
    String clusterDomain();

    /** Directories of policy YAML files (recursive, multi-document), re-scanned every {@link #pollInterval()}. */
    Optional<List<Path>> dirs();

    @WithDefault("2s")
    Duration pollInterval();

    @WithDefault("BASE")
    PathNormalization pathNormalization();

    /** The workload this sidecar fronts, when neither context_extensions nor a route name one. */
    Destination destination();

    /** A routes file (see RouteTable) for an ingress gateway fronting many services. */
    Optional<Path> routesFile();

    Kubernetes kubernetes();

    Sar sar();

    /** Enables {@code POST /explain}. It reveals policy content: keep it off where callers are not operators. */
    @WithDefault("false")
    boolean explainEnabled();

    interface Destination {
        @WithDefault("default")
        String namespace();

        Optional<String> service();

        /** Workload labels, for policy selectors. */
        Map<String, String> labels();
    }

    interface Kubernetes {
        /** Watch AuthorizationPolicy and the legacy kinds in the cluster through informers. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("10m")
        Duration resync();

        @WithDefault("30s")
        Duration initialSyncTimeout();

        /** Changes arriving within this window become one generation. */
        @WithDefault("100ms")
        Duration batchDelay();

        /** How often a kind the API server does not serve (no CRD, e.g. rbac.istio.io on Istio 1.6+) is looked for. */
        @WithDefault("1m")
        Duration absentKindRecheck();
    }

    interface Sar {
        @WithDefault("5m")
        Duration allowTtl();

        @WithDefault("30s")
        Duration denyTtl();

        @WithDefault("10000")
        int maxEntries();

        @WithDefault("2s")
        Duration timeout();
    }
}
