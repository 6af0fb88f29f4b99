package io.greenshank.bridge.tls;

import java.util.Optional;

/**
 * What the bridge's HTTP listeners would serve, read from configuration before they open: the setting that gives
 * HTTPS its certificate (empty: none), Quarkus' {@code quarkus.http.insecure-requests} (the plain port: enabled,
 * redirect or disabled), and whether plain HTTP was explicitly allowed with {@value #ALLOW_PLAIN_HTTP}.
 */
public record Listeners(String certificateSetting, String insecureRequests, boolean plainHttpAllowed) {

    public static final String ALLOW_PLAIN_HTTP = "greenshank.bridge.tls.allow-plain-http";

    public boolean tls() {
        return !certificateSetting.isEmpty();
    }

    /**
     * Why the prod bridge must not start like this, if it must not. Passwords and tokens cross the token endpoint:
     * without a certificate only an explicit opt-in (TLS terminated in front of the bridge) allows plain HTTP, and
     * with one the plain port stays closed (a redirect would come after the password was already sent in clear).
     */
    public Optional<String> refusal() {
        if (!tls() && !plainHttpAllowed) {
            return Optional.of("no TLS certificate is configured, so the bridge would serve passwords and tokens over "
                    + "plain HTTP. Set quarkus.http.ssl.certificate.files and quarkus.http.ssl.certificate.key-files "
                    + "(QUARKUS_HTTP_SSL_CERTIFICATE_FILES / _KEY_FILES), or, only if TLS is terminated in front of "
                    + "the bridge, " + ALLOW_PLAIN_HTTP + "=true (GREENSHANK_BRIDGE_TLS_ALLOW_PLAIN_HTTP)");
        }
        if (tls() && !"disabled".equalsIgnoreCase(insecureRequests)) {
            return Optional.of("quarkus.http.insecure-requests=" + insecureRequests + " opens a plain HTTP port next "
                    + "to HTTPS (certificate from " + certificateSetting + "), where passwords and tokens would "
                    + "cross in clear. Remove the setting (QUARKUS_HTTP_INSECURE_REQUESTS) or set it to disabled: "
                    + "with a certificate the bridge serves HTTPS only");
        }
        return Optional.empty();
    }
}
