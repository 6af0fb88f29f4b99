package io.greenshank.bridge.tls;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Stops a production bridge before its listeners open when they would carry passwords or tokens over plain HTTP
 * ({@link Listeners#refusal()}). Startup observers run before Quarkus opens the HTTP server, so a refused bridge never
 * listens. The dev profile (self-signed HTTPS) and tests are not checked.
 */
@ApplicationScoped
public class PlainHttpGuard {

    private static final Logger LOG = Logger.getLogger(PlainHttpGuard.class);

    void check(@Observes @Priority(1) StartupEvent ev) {
        if (LaunchMode.current() != LaunchMode.NORMAL || ConfigUtils.isProfileActive("dev")) {
            return;
        }
        Listeners listeners = read(ConfigProvider.getConfig());
        listeners.refusal().ifPresent(reason -> {
            LOG.errorf("refusing to start: %s", reason);
            throw new IllegalStateException("refusing to start: " + reason);
        });
        if (!listeners.tls()) {
            LOG.warnf("%s=true: serving plain HTTP only; TLS must be terminated in front of the bridge",
                    Listeners.ALLOW_PLAIN_HTTP);
        }
    }

    static Listeners read(Config config) {
        Optional<String> certificate = Stream.of("quarkus.http.ssl.certificate.files",
                        "quarkus.http.ssl.certificate.key-store-file", "quarkus.http.tls-configuration-name")
                .filter(key -> config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent())
                .findFirst();
        String insecure = config.getOptionalValue("quarkus.http.insecure-requests", String.class).orElse("enabled");
        boolean allowed = config.getOptionalValue(Listeners.ALLOW_PLAIN_HTTP, Boolean.class).orElse(false);
        return new Listeners(certificate.orElse(""), insecure, allowed);
    }
}
