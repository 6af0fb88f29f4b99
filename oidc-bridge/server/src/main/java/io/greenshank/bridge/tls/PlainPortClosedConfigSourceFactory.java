package io.greenshank.bridge.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * In the prod profile with a certificate configured, Quarkus' plain HTTP port defaults to closed
 * ({@code quarkus.http.insecure-requests=disabled}) instead of Quarkus' own default, open: the bridge never serves
 * tokens next to HTTPS. At an ordinal below application.properties, so only an explicit setting overrides it, and
 * {@link PlainHttpGuard} refuses any other value.
 */
public class PlainPortClosedConfigSourceFactory implements ConfigSourceFactory {

    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext ctx) {
        if (!ctx.getProfiles().equals(List.of("prod")) || !(set(ctx, "quarkus.http.ssl.certificate.files")
                || set(ctx, "quarkus.http.ssl.certificate.key-store-file")
                || set(ctx, "quarkus.http.tls-configuration-name"))) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of("quarkus.http.insecure-requests", "disabled"),
                "greenshank-plain-port-closed", ORDINAL));
    }

    private static boolean set(ConfigSourceContext ctx, String key) {
        ConfigValue v = ctx.getValue(key);
        return v != null && v.getValue() != null && !v.getValue().isBlank();
    }
}
