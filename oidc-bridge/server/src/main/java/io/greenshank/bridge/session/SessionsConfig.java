package io.greenshank.bridge.session;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code greenshank.bridge.sessions.*}: where refresh-token families and authorization codes are kept. */
@ConfigMapping(prefix = "greenshank.bridge.sessions")
public interface SessionsConfig {

    /** {@code memory} (one machine; a restart ends every session) or {@code kubernetes} (Secrets; replicas share). */
    @WithDefault("memory")
    String store();

    /** The Secrets' namespace for the {@code kubernetes} store; the client's namespace (the pod's) when absent. */
    Optional<String> namespace();

    /** Per-request bound on the Kubernetes API; beyond it a grant fails with {@code temporarily_unavailable}. */
    @WithDefault("PT3S")
    Duration timeout();

    /**
     * The most refresh-token families (logins that yielded a refresh token) one user keeps; a login beyond it revokes
     * the user's oldest families, so a script logging in in a loop cannot grow the store without bound.
     */
    @WithDefault("50")
    int maxFamiliesPerUser();

    /**
     * With the {@code kubernetes} store: whether each replica watches the device-code Secrets and answers pending
     * polls from that copy (needs the RBAC verb {@code watch} on Secrets). {@code false}: every poll is a GET.
     */
    @WithDefault("true")
    boolean watch();

    /** How often each replica deletes expired families and codes. */
    @WithDefault("PT5M")
    Duration sweepInterval();
}
