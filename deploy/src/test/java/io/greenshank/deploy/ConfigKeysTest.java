package io.greenshank.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every GREENSHANK_* and QUARKUS_* variable the manifests give a service names a configuration key that service
 * really has: the keys are read from the service's own {@code @ConfigMapping} interfaces (found in its sources) and
 * the keys it reads directly ({@code @ConfigProperty}, {@code getValue}), plus Quarkus' HTTP configuration mapping.
 * A misspelt or another service's key fails here instead of being silently ignored at start.
 */
class ConfigKeysTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;

    /** Container name → the module whose configuration it reads. */
    static final Map<String, String> MODULES = Map.of(
            "authz-service", "authz-service",
            "oidc-bridge", "oidc-bridge/server",
            "profile-controller", "profile-controller");

    /** Plain variables a container may get besides configuration keys. */
    static final Set<String> NOT_CONFIG = Set.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"\\)");
    private static final Pattern DIRECT = Pattern.compile(
            "(?:@ConfigProperty\\(name\\s*=\\s*|getValue\\(|getOptionalValue\\()\"((?:greenshank|quarkus)\\.[a-z0-9.-]+)\"");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyVariableTheManifestsSetIsAKeyOfThatService(String overlay) {
        Rendered r = Rendered.of(overlay);
        for (Deployment d : r.all(Deployment.class)) {
            assertKeysExist(r, d);
        }
    }

    @Test
    void theKeyListIsRealAndCatchesMistakes() {
        List<Pattern> authz = patterns("authz-service");
        assertThat(matches(authz, "GREENSHANK_AUTHZ_ISSUERS_BRIDGE_JWKS_URL")).isTrue();
        assertThat(matches(authz, "GREENSHANK_POLICY_DESTINATION_LABELS_APP")).isTrue();
        assertThat(matches(authz, "QUARKUS_HTTP_SSL_CERTIFICATE_FILES")).isTrue();
        assertThat(matches(authz, "GREENSHANK_AUTHZ_ISSUERS_BRIDGE_JWKS_URI")).as("misspelt").isFalse();
        assertThat(matches(authz, "GREENSHANK_BRIDGE_ISSUER")).as("another service's key").isFalse();
        List<Pattern> bridge = patterns("oidc-bridge");
        assertThat(matches(bridge, "GREENSHANK_BRIDGE_ISSUER")).as("@ConfigProperty").isTrue();
        assertThat(matches(bridge, "GREENSHANK_BRIDGE_TLS_SELF_SIGNED")).as("read by a ConfigSourceFactory").isTrue();
        assertThat(matches(bridge, "GREENSHANK_BRIDGE_CLIENTS_KUBECTL_GRANT_TYPES")).as("@WithParentName map").isTrue();
        assertThat(matches(bridge, "GREENSHANK_KERBEROS_KEYTAB")).isTrue();
        List<Pattern> profiles = patterns("profile-controller");
        assertThat(matches(profiles, "GREENSHANK_PROFILES_LEADER_ELECTION_LEASE_NAMESPACE")).isTrue();
        assertThat(matches(profiles, "GREENSHANK_PROFILES_AUTHN_JWT_BRIDGE_JWKS_URI")).isTrue();
    }

    static void assertKeysExist(Rendered r, Deployment d) {
        var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        String module = MODULES.get(container.getName());
        assertThat(module).as("container " + container.getName() + " is one of the services").isNotNull();
        List<Pattern> keys = patterns(container.getName());
        for (String name : new TreeSet<>(r.environment(d).keySet())) {
            if (NOT_CONFIG.contains(name)) {
                continue;
            }
            assertThat(name).as(d.getMetadata().getName() + ": only configuration keys as variables")
                    .matches("(GREENSHANK|QUARKUS)_[A-Z0-9_]+");
            assertThat(matches(keys, name)).as(d.getMetadata().getName() + ": " + name
                    + " is not a configuration key of " + module).isTrue();
        }
    }

    static boolean matches(List<Pattern> keys, String variable) {
        return keys.stream().anyMatch(p -> p.matcher(variable).matches());
    }

    /** The service's keys as environment-variable patterns ({@code *} in a key is a map key of the user's). */
    static List<Pattern> patterns(String container) {
        Path sources = Rendered.ROOT.resolve(MODULES.get(container)).resolve("src/main/java");
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher m = MAPPING.matcher(text);
                if (m.find()) {
                    String fqcn = sources.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", "");
                    keys.addAll(keysOf(Class.forName(fqcn)));
                }
                Matcher direct = DIRECT.matcher(text);
                while (direct.find()) {
                    keys.add(direct.group(1));
                }
            }
            // Quarkus' own HTTP keys (quarkus.http.*), from its config mapping.
            keys.addAll(keysOf(Class.forName("io.quarkus.vertx.http.runtime.VertxHttpConfig")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        assertThat(keys).as("keys of " + container).isNotEmpty();
        return keys.stream().map(ConfigKeysTest::envPattern).toList();
    }

    static Pattern envPattern(String key) {
        StringBuilder p = new StringBuilder();
        for (String segment : key.split("\\.")) {
            if (!p.isEmpty()) {
                p.append('_');
            }
            p.append(segment.equals("*") ? "[A-Z0-9_]+"
                    : Pattern.quote(segment.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)));
        }
        return Pattern.compile(p.toString());
    }

    static List<String> keysOf(Class<?> mapping) {
        ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
        assertThat(annotation).as(mapping.getName()).isNotNull();
        List<String> out = new ArrayList<>();
        walk(mapping, annotation.prefix(), out, 0);
        return out;
    }

    private static void walk(Class<?> group, String prefix, List<String> out, int depth) {
        if (depth > 12) {
            return;
        }
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.isDefault()
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = m.isAnnotationPresent(WithParentName.class) ? null
                    : m.isAnnotationPresent(WithName.class) ? m.getAnnotation(WithName.class).value()
                    : kebab(m.getName());
            String key = name == null ? prefix : prefix + "." + name;
            Type type = unwrapOptional(m.getGenericReturnType());
            if (type instanceof ParameterizedType pt && pt.getRawType() == Map.class) {
                Type value = unwrapOptional(pt.getActualTypeArguments()[1]);
                if (isGroup(value)) {
                    walk((Class<?>) value, key + ".*", out, depth + 1);
                } else {
                    out.add(key + ".*");
                }
            } else if (isGroup(type)) {
                walk((Class<?>) type, key, out, depth + 1);
            } else {
                out.add(key);
            }
        }
    }

    private static Type unwrapOptional(Type t) {
        if (t instanceof ParameterizedType pt && pt.getRawType() == java.util.Optional.class) {
            return pt.getActualTypeArguments()[0];
        }
        return t;
    }

    private static boolean isGroup(Type t) {
        return t instanceof Class<?> c && c.isInterface() && !c.getName().startsWith("java.");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
