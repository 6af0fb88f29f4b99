package io.greenshank.bridge.kerberos;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The bridge as {@code bin/greenshank-dev} runs it: no keytab, the embedded KDC on, HTTPS self-signed. */
public class EmbeddedKdcTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            return Map.of(
                    "greenshank.kerberos.embedded-kdc", "true",
                    "greenshank.kerberos.embedded-kdc-dir", kdcDir().toString(),
                    "greenshank.bridge.tls.self-signed", "true",
                    "greenshank.bridge.tls.self-signed-dir", KerberosTestProfile.tlsDir().toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JVM-wide (a system property), as Quarkus loads this class in more than one class loader. */
    static synchronized Path kdcDir() throws java.io.IOException {
        String dir = System.getProperty("greenshank.test.embedded-kdc");
        if (dir == null) {
            dir = Files.createTempDirectory("greenshank-embedded-kdc-").toString();
            System.setProperty("greenshank.test.embedded-kdc", dir);
        }
        return Path.of(dir);
    }
}
