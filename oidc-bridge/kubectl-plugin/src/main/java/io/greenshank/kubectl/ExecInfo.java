package io.greenshank.kubectl;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What kubectl tells an exec credential plugin through {@code KUBERNETES_EXEC_INFO}, and the {@code ExecCredential}
 * the plugin answers with (same apiVersion as it was called with).
 *
 * @param apiVersion    {@code client.authentication.k8s.io/v1} or {@code v1beta1}
 * @param interactive   whether kubectl passed a terminal through (so a password prompt can work)
 * @param clusterConfig the cluster's {@code client.authentication.k8s.io/exec} extension, with
 *                      {@code provideClusterInfo: true}
 */
public record ExecInfo(String apiVersion, boolean interactive, Map<String, Object> clusterConfig) {
    public static final String V1 = "client.authentication.k8s.io/v1";

    /** Parses the variable; absent means the plugin was run by hand. */
    @SuppressWarnings("unchecked")
    public static Optional<ExecInfo> fromEnv(Map<String, String> env) {
        String raw = env.get("KUBERNETES_EXEC_INFO");
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        Map<String, Object> json = Json.parseObject(raw);
        String apiVersion = json.get("apiVersion") instanceof String s ? s : V1;
        Map<String, Object> spec = json.get("spec") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        boolean interactive = Boolean.TRUE.equals(spec.get("interactive"));
        Map<String, Object> config = Map.of();
        if (spec.get("cluster") instanceof Map<?, ?> cluster && cluster.get("config") instanceof Map<?, ?> c) {
            config = (Map<String, Object>) c;
        }
        return Optional.of(new ExecInfo(apiVersion, interactive, config));
    }

    /** The ExecCredential JSON for {@code token}, expiring when the token does. */
    public static String credential(String apiVersion, IdToken token) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("token", token.raw());
        status.put("expirationTimestamp", token.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", apiVersion);
        out.put("kind", "ExecCredential");
        out.put("spec", Map.of());
        out.put("status", status);
        return Json.write(out, 0);
    }

    static Instant now() {
        return Instant.now();
    }
}
