package io.greenshank.bridge.kerberos;

import com.sun.security.auth.module.Krb5LoginModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.login.LoginException;

/**
 * Gives the JDK the Kerberos configuration the bridge runs with. The JDK ignores {@code KRB5_CONFIG} and reads
 * {@code java.security.krb5.conf} once, so this writes an effective krb5.conf (the operator's, with
 * {@code clockskew} set from {@code greenshank.kerberos.clock-skew}), points the property at it, and makes the JDK
 * re-read it.
 */
public final class Krb5Setup {
    private static final Path SYSTEM_DEFAULT = Path.of("/etc/krb5.conf");

    private Krb5Setup() {
    }

    /** Writes the effective configuration and installs it JVM-wide; returns its path. */
    public static synchronized Path install(Optional<Path> operatorConf, Duration clockSkew) throws IOException {
        Optional<Path> source = operatorConf.or(() -> Files.isReadable(SYSTEM_DEFAULT)
                ? Optional.of(SYSTEM_DEFAULT) : Optional.empty());
        String base = "";
        if (source.isPresent()) {
            base = Files.readString(source.get(), StandardCharsets.UTF_8);
        }
        String effective = withClockSkew(base, clockSkew);
        Path file = Files.createTempFile("greenshank-krb5-", ".conf");
        file.toFile().deleteOnExit();
        Files.writeString(file, effective, StandardCharsets.UTF_8);
        System.setProperty("java.security.krb5.conf", file.toString());
        refreshJdkConfig();
        return file;
    }

    /** The configuration text with exactly one {@code clockskew} in {@code [libdefaults]}. */
    static String withClockSkew(String conf, Duration clockSkew) {
        String setting = "  clockskew = " + Math.max(1, clockSkew.toSeconds());
        List<String> out = new ArrayList<>();
        boolean inLibdefaults = false;
        boolean written = false;
        for (String line : conf.split("\n", -1)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("[")) {
                inLibdefaults = trimmed.equalsIgnoreCase("[libdefaults]");
                out.add(line);
                if (inLibdefaults && !written) {
                    out.add(setting);
                    written = true;
                }
                continue;
            }
            if (inLibdefaults && trimmed.matches("(?i)clockskew\\s*=.*")) {
                continue;
            }
            out.add(line);
        }
        String result = String.join("\n", out);
        if (!written) {
            result = "[libdefaults]\n" + setting + "\n" + result;
        }
        return result;
    }

    /**
     * The JDK caches krb5.conf for the life of the JVM; the documented {@code refreshKrb5Config} option of its
     * Kerberos login module is the public way to make it re-read. The login itself is meant to fail (no
     * credentials are offered) and contacts no KDC.
     */
    private static void refreshJdkConfig() {
        Krb5LoginModule module = new Krb5LoginModule();
        module.initialize(new Subject(), callbacks -> {
            throw new javax.security.auth.callback.UnsupportedCallbackException(callbacks[0]);
        }, Map.of(), Map.of("refreshKrb5Config", "true", "doNotPrompt", "true", "useTicketCache", "false",
                "useKeyTab", "false", "principal", "greenshank-config-refresh"));
        try {
            module.login();
        } catch (LoginException expected) {
            // the configuration has been re-read before the login gave up
        }
    }
}
