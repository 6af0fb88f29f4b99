package io.greenshank.authz.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Every {@code greenshank.authz.*} key. Documented in README.md (Configuration) and docs/authz-service.md. */
@ConfigMapping(prefix = "greenshank.authz")
public interface AuthzConfig {

    /** Trusted issuers by a short name of the operator's choosing. */
    Map<String, Issuer> issuers();

    Credentials credentials();

    Headers headers();

    /** Paths that anonymous callers may reach: exact ({@code /healthz}) or prefix ({@code /static/*}). */
    @WithDefault("/healthz,/readyz")
    List<String> publicPaths();

    Deny deny();

    Limits limits();

    Cache cache();

    Mesh mesh();

    DevIssuer devIssuer();

    DecisionLog decisionLog();

    Grpc grpc();

    Kubernetes kubernetes();

    /** HTTP path prefix of the Envoy {@code http_service} protocol endpoint ({@code path_prefix} in Envoy). */
    @WithDefault("/ext-authz")
    String httpPathPrefix();

    interface Issuer {
        /** The exact {@code iss} value. */
        String issuer();

        /** Accepted {@code aud} values; at least one must be in the token. */
        Optional<Set<String>> audiences();

        @WithDefault("RS256,RS384,RS512,PS256,ES256,ES384,EdDSA")
        Set<String> algorithms();

        /** OIDC discovery document; when none of the three key sources is set, {@code <issuer>/.well-known/...}. */
        Optional<URI> discoveryUrl();

        Optional<URI> jwksUrl();

        Optional<Path> jwksFile();

        /** PEM CA bundle trusted (instead of the JDK trust store) for this issuer's discovery and JWKS fetches. */
        Optional<Path> caFile();

        /** File whose content is sent as a bearer token with this issuer's fetches (HTTPS, configured origin only). */
        Optional<Path> bearerTokenFile();

        @WithDefault("60s")
        Duration clockSkew();

        @WithDefault("email")
        String userClaim();
        Optional<String> userPrefix();

        @WithDefault("groups")
        String groupsClaim();
        Optional<String> groupsPrefix();

        @WithDefault("5m")
        Duration refreshInterval();

        @WithDefault("30s")
        Duration unknownKidMinInterval();

        @WithDefault("12h")
        Duration maxStale();

        @WithDefault("5s")
        Duration fetchTimeout();
    }

    interface Credentials {
        /** Cookie carrying a JWT (e.g. an ID token set by an auth proxy); none by default. */
        Optional<String> cookie();

        /** Headers carrying a raw JWT, e.g. {@code x-goog-iap-jwt-assertion}. */
        Optional<List<String>> headers();
    }

    interface Headers {
        @WithDefault("kubeflow-userid")
        String user();

        @WithDefault("kubeflow-groups")
        String groups();

        /** Prefix added to the user header value only (Kubeflow's {@code userid-prefix}). */
        Optional<String> userPrefix();

        /** More header names a client must never send upstream (e.g. {@code x-auth-request-email}). */
        Optional<List<String>> alsoRemove();
    }

    interface Deny {
        /** Where browsers (Accept: text/html) without valid credentials are redirected; 401 when unset. */
        Optional<URI> loginUrl();

        @WithDefault("rd")
        String returnParam();

        /** Status for internal errors, timeouts and unavailable issuer keys: 503 or 403. */
        @WithDefault("503")
        int errorStatus();

        /** Upper bound on one decision; past it the request is denied with {@code errorStatus}. */
        @WithDefault("2s")
        Duration timeout();

        @WithDefault("greenshank")
        String realm();
    }

    /** The dedicated ext_authz gRPC port ({@link io.greenshank.authz.check.DirectGrpcServer}). */
    interface Grpc {
        /** Its port: {@code 0} picks a free one, {@code -1} turns it off (Check stays on the HTTP port). */
        @WithDefault("9191")
        int port();

        @WithDefault("0.0.0.0")
        String host();

        /** Largest CheckRequest accepted, in bytes; larger ones are refused by the transport. */
        @WithDefault("8388608")
        int maxInboundMessageSize();
    }

    /** Where the Kubernetes API is (policies with {@code greenshank.policy.kubernetes.enabled}, SubjectAccessReviews). */
    interface Kubernetes {
        /**
         * An API server that needs no credentials, used instead of the kubeconfig / in-cluster service account (which
         * are then not read at all): the dev run's embedded API server. Unset: the usual Kubernetes client
         * configuration ({@code KUBECONFIG}, in-cluster).
         */
        Optional<URI> apiServerUrl();
    }

    interface Limits {
        @WithDefault("16384")
        int maxTokenLength();

        /** Sum of header name and value lengths above which a request is refused. */
        @WithDefault("65536")
        int maxHeaderBytes();

        @WithDefault("200")
        int maxHeaders();
    }

    interface Cache {
        @WithDefault("100000")
        long maxEntries();

        /** Upper bound on how long a verified token is trusted without re-verification (always ≤ its exp). */
        @WithDefault("2m")
        Duration maxTtl();
    }

    interface Mesh {
        /** When true, a request with no credentials but a mesh peer (source.principal) is that workload. */
        @WithDefault("false")
        boolean authenticatePeers();

        /**
         * HTTP protocol only: take the mesh peer from Envoy's {@code x-forwarded-client-cert} (first URI of the last
         * element). Only safe when Envoy sanitizes the header (SANITIZE_SET, or APPEND_FORWARD with STRICT mTLS).
         */
        @WithDefault("false")
        boolean trustForwardedClientCert();

        /**
         * {@code remote.ip} / {@code remoteIpBlocks}: 0 (the default) is the direct peer; N &gt; 0 is the entry N
         * places from the right of the {@code x-forwarded-for} header the Check carries (the N rightmost skipped).
         * Set it to the calling Envoy's {@code xff_num_trusted_hops} (Istio: {@code numTrustedProxies}). Named after
         * Envoy's setting; see docs/authz-service.md for the worked example.
         */
        @WithDefault("0")
        int xffNumTrustedHops();

        /**
         * HTTP protocol only: the header carrying the downstream peer address ({@code source.ip}), which Envoy's
         * {@code http_service} does not send by itself. Only safe when Envoy sets it, overwriting any client copy
         * (e.g. a header_mutation filter before ext_authz with {@code %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%}).
         * Unset (the default): over HTTP the peer address is unknown.
         */
        Optional<String> httpPeerAddressHeader();
    }

    interface DevIssuer {
        /** A built-in issuer with a generated key and a token-minting endpoint. Off in the prod profile. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("https://greenshank.dev.invalid")
        String issuer();

        @WithDefault("kubeflow")
        String audience();
    }

    interface DecisionLog {
        @WithDefault("true")
        boolean enabled();
    }

}
