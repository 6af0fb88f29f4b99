package io.greenshank.kubectl;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugin's settings, from its command line (the kubeconfig's {@code exec.args}) and, for what the command line
 * leaves out, from the cluster's {@code client.authentication.k8s.io/exec} extension ({@code provideClusterInfo}).
 *
 * @param issuer           the bridge's issuer URL (https)
 * @param clientId         the OAuth client the bridge knows kubectl as
 * @param caFile           PEM file with the CA that signed the bridge's certificate (else the JDK's trust store)
 * @param servicePrincipal the bridge's Kerberos principal, when not {@code HTTP/<issuer host>}
 * @param tokenEndpoint    skips discovery when given
 * @param cacheDir         where tokens are cached
 * @param username         default login name for the password fallback
 * @param grant            how to log in when neither the cache nor a refresh token answers
 */
public record PluginOptions(URI issuer, String clientId, Optional<Path> caFile, Optional<String> servicePrincipal,
                            Optional<URI> tokenEndpoint, Path cacheDir, Optional<String> username, Grant grant) {

    /**
     * {@code --grant}: {@code auto} (Kerberos ticket, else a password prompt on a terminal, else the device grant) or
     * {@code device} (always the device grant, e.g. on a machine whose ticket is not the user's).
     */
    public enum Grant { AUTO, DEVICE }

    public static PluginOptions parse(List<String> args, Map<String, Object> clusterConfig, Map<String, String> env)
            throws UsageException {
        Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            if (!List.of("issuer", "client-id", "certificate-authority", "service-principal", "token-endpoint",
                    "cache-dir", "username", "grant").contains(name)) {
                throw new UsageException("unknown flag --" + name);
            }
            flags.put(name, value);
        }
        clusterConfig.forEach((k, v) -> {
            if (v instanceof String s) {
                flags.putIfAbsent(k, s);
            }
        });
        String issuer = flags.get("issuer");
        if (issuer == null) {
            throw new UsageException("--issuer is required (the bridge's issuer URL)");
        }
        URI issuerUri = URI.create(issuer);
        if (!"https".equals(issuerUri.getScheme()) || issuerUri.getHost() == null) {
            throw new UsageException("--issuer must be an https URL, got " + issuer);
        }
        return new PluginOptions(issuerUri, flags.getOrDefault("client-id", "kubectl"),
                Optional.ofNullable(flags.get("certificate-authority")).map(Path::of),
                Optional.ofNullable(flags.get("service-principal")),
                Optional.ofNullable(flags.get("token-endpoint")).map(URI::create),
                Optional.ofNullable(flags.get("cache-dir")).map(Path::of).orElse(TokenCache.defaultDir(env)),
                Optional.ofNullable(flags.get("username")), grant(flags.getOrDefault("grant", "auto")));
    }

    private static Grant grant(String value) throws UsageException {
        return switch (value) {
            case "auto" -> Grant.AUTO;
            case "device" -> Grant.DEVICE;
            default -> throw new UsageException("--grant must be auto or device, not " + value);
        };
    }

    /** Bad command line; the message is for the user. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }
}
