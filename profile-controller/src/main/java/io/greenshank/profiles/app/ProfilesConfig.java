package io.greenshank.profiles.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@code greenshank.profiles.*} key; documented in README.md (Configuration) and docs/profile-controller.md. */
@ConfigMapping(prefix = "greenshank.profiles")
public interface ProfilesConfig {

    /** {@code external} (kubeconfig / in-cluster / quarkus.kubernetes-client.*), {@code embedded}, or {@code auto}. */
    @WithDefault("external")
    String apiServer();

    Embedded embedded();

    Controller controller();

    Istio istio();

    Leader leaderElection();

    Sharing sharing();

    Authn authn();

    interface Embedded {
        /** Port of the embedded API server; 0 picks a free one. */
        @WithDefault("0")
        int port();

        /** Its bind address: loopback by default (it has no authentication); {@code 0.0.0.0} opens it. */
        @WithDefault("127.0.0.1")
        String host();
    }

    interface Controller {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("2")
        int workers();

        @WithDefault("10m")
        Duration resync();

        @WithDefault("5m")
        Duration maxBackoff();

        /** A YAML map of label to value for every profile namespace (Kubeflow's namespace-labels.yaml). */
        Optional<String> namespaceLabelsFile();
    }

    interface Istio {
        @WithDefault("authorization-policy")
        String policyModel();

        @WithDefault("v1beta1")
        String authorizationPolicyVersion();

        @WithDefault("kubeflow-userid")
        String userIdHeader();

        @WithDefault("")
        Optional<String> userIdPrefix();

        @WithDefault("groups")
        String groupsClaim();

        /** Kubeflow's pair: the ingress gateway and the Pipelines UI (IstioSettings.INGRESS_GATEWAY, PIPELINES_UI). */
        @WithDefault("cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account,cluster.local/ns/kubeflow/sa/ml-pipeline-ui")
        List<String> gatewayPrincipals();

        @WithDefault("cluster.local/ns/kubeflow/sa/notebook-controller-service-account")
        List<String> notebookControllerPrincipals();

        @WithDefault("/healthz,/metrics,/wait-for-drain")
        List<String> probePaths();
    }

    interface Leader {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("kubeflow")
        String leaseNamespace();

        @WithDefault("greenshank-profile-controller")
        String leaseName();

        /** This replica's identity; defaults to the HOSTNAME (the pod name) or a random id. */
        Optional<String> identity();

        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    interface Sharing {
        Optional<List<String>> clusterAdmins();

        Optional<List<String>> clusterAdminGroups();

        @WithDefault("true")
        boolean subjectAccessReview();

        /** Compare user names (e-mail addresses) case-insensitively. */
        @WithDefault("true")
        boolean caseInsensitiveUsers();
    }

    interface Authn {
        /** Trust the user-id header from these mesh principals (see MeshHeaderAuthenticator). Empty disables it. */
        Optional<List<String>> trustedPrincipals();

        @WithDefault("kubeflow-userid")
        String userIdHeader();

        @WithDefault("kubeflow-groups")
        String groupsHeader();

        @WithDefault("")
        Optional<String> userIdPrefix();

        /** Trusted token issuers, by a name of your choice: {@code greenshank.profiles.authn.jwt.<name>.*}. */
        Map<String, JwtIssuer> jwt();

        Delegation delegation();
    }

    /** Workloads that may call on behalf of users (see CallerResolver); off unless the sidecar guards the port. */
    interface Delegation {
        @WithDefault("false")
        boolean enabled();

        /** The central dashboard's service account (Delegation.CENTRAL_DASHBOARD). */
        @WithDefault("cluster.local/ns/kubeflow/sa/centraldashboard")
        List<String> principals();
    }

    interface JwtIssuer {
        /** The exact {@code iss}. */
        String issuer();

        /** Accepted {@code aud} values; required (an issuer minting for many services must be audience-checked). */
        List<String> audiences();

        /** One key source: a JWKS URL, a JWKS file (re-read on refresh), or OIDC discovery from the issuer. */
        Optional<String> jwksUri();

        Optional<String> jwksFile();

        @WithDefault("false")
        boolean discovery();

        /**
         * PEM CA bundle trusted (instead of the JDK trust store) for this issuer's discovery and JWKS fetches; re-read
         * when it changes. Not with {@code jwks-file}.
         */
        Optional<Path> caFile();

        /**
         * File whose content is sent as {@code Authorization: Bearer} with this issuer's fetches (re-read each time;
         * HTTPS only, and only to the configured URL's origin). Not with {@code jwks-file}.
         */
        Optional<Path> bearerTokenFile();

        @WithDefault("email")
        String userClaim();

        @WithDefault("")
        Optional<String> userPrefix();

        @WithDefault("groups")
        String groupsClaim();

        @WithDefault("")
        Optional<String> groupsPrefix();

        @WithDefault("60s")
        Duration clockSkew();
    }
}
