package io.greenshank.bridge.keys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code greenshank.bridge.keys.*}: where signing keys live and how they rotate. */
@ConfigMapping(prefix = "greenshank.bridge.keys")
public interface KeysConfig {

    /** {@code file} (one machine), {@code kubernetes-secret} (replicas share keys) or {@code memory} (tests). */
    @WithDefault("file")
    String store();

    /** The key file for the {@code file} store (created 0600). */
    @WithDefault("greenshank-bridge-keys.json")
    String file();

    /** The Secret for the {@code kubernetes-secret} store. */
    @WithDefault("greenshank-oidc-bridge-keys")
    String secretName();

    /** The Secret's namespace; the client's namespace (the pod's) when absent. */
    Optional<String> secretNamespace();

    /** {@code RS256} (default; what the Kubernetes API server accepts everywhere) or {@code ES256}. */
    @WithDefault("RS256")
    String algorithm();

    /**
     * What computes signatures: {@code auto} (AWS-LC through Amazon Corretto Crypto Provider where it loads, on
     * Linux x86_64; else the JDK), {@code accp} (AWS-LC or refuse to start) or {@code jdk}.
     */
    @WithDefault("auto")
    String cryptoProvider();

    /** How long a key signs before its successor takes over. */
    @WithDefault("P30D")
    Duration rotationPeriod();

    /**
     * How long a successor is published before it signs, so relying parties' cached JWKS already hold it.
     */
    @WithDefault("PT6H")
    Duration publishAhead();

    /** How often replicas re-read the store and rotate when due. */
    @WithDefault("PT1M")
    Duration checkInterval();
}
