package io.greenshank.bridge.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * With {@code greenshank.bridge.tls.self-signed=true} and no certificate configured, generates a self-signed
 * pair (once, in {@code greenshank.bridge.tls.self-signed-dir}) and points Quarkus' HTTPS listener at it. A
 * config source, because the HTTPS listener reads its certificate before any bean could write one.
 */
public class SelfSignedTlsConfigSourceFactory implements ConfigSourceFactory {

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext ctx) {
        ConfigValue on = ctx.getValue("greenshank.bridge.tls.self-signed");
        if (on == null || !"true".equalsIgnoreCase(on.getValue())) {
            return List.of();
        }
        ConfigValue configured = ctx.getValue("quarkus.http.ssl.certificate.files");
        if (configured != null && configured.getValue() != null && !configured.getValue().isBlank()) {
            return List.of();
        }
        ConfigValue dirValue = ctx.getValue("greenshank.bridge.tls.self-signed-dir");
        Path dir = Path.of(dirValue != null && dirValue.getValue() != null ? dirValue.getValue()
                : System.getProperty("java.io.tmpdir") + "/greenshank-bridge-tls");
        try {
            SelfSignedCertificate.PemPair f = SelfSignedCertificate.ensure(dir);
            return List.of(new PropertiesConfigSource(Map.of(
                    "quarkus.http.ssl.certificate.files", f.certificate().toString(),
                    "quarkus.http.ssl.certificate.key-files", f.key().toString()),
                    "greenshank-self-signed-tls", 275));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the self-signed TLS pair in " + dir, e);
        }
    }
}
