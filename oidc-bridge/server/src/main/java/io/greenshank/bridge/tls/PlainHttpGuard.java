package io.greenshank.bridge.tls;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
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
        boolean tls = present(config, "quarkus.http.ssl.certificate.files")
                || present(config, "quarkus.http.ssl.certificate.key-store-file")
                || present(config, "quarkus.http.tls-configuration-name")
                || defaultTlsRegistryHasKeyStore(config);
        String insecure = config.getOptionalValue("quarkus.http.insecure-requests", String.class).orElse("enabled");
        boolean allowed = config.getOptionalValue(Listeners.ALLOW_PLAIN_HTTP, Boolean.class).orElse(false);
        return new Listeners(tls, insecure, allowed);
    }

    private static boolean present(Config config, String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    /** Quarkus' TLS registry: the default configuration's key store ({@code quarkus.tls.key-store.pem|p12|jks...}). */
    private static boolean defaultTlsRegistryHasKeyStore(Config config) {
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("quarkus.tls.key-store.") && present(config, name)) {
                return true;
            }
        }
        return false;
    }
}
