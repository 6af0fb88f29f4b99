package io.greenshank.bridge.kerberos;

import io.greenshank.testing.kerberos.MitKdc;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The bridge with a real MIT realm: keytab and krb5.conf of a KDC the test started on loopback, HTTPS on the
 * generated self-signed pair (the plugin talks to an https issuer, as the Kubernetes API server requires).
 */
public class KerberosTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            MitKdc kdc = MitKdc.shared();
            Path tlsDir = tlsDir();
            return Map.of(
                    "greenshank.kerberos.keytab", kdc.serviceKeytab().toString(),
                    "greenshank.kerberos.krb5-conf", kdc.krb5Conf().toString(),
                    "greenshank.kerberos.service-principal", kdc.servicePrincipal(),
                    "greenshank.bridge.tls.self-signed", "true",
                    "greenshank.bridge.tls.self-signed-dir", tlsDir.toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test KDC", e);
        }
    }

    /** JVM-wide (a system property), as Quarkus loads this class in more than one class loader. */
    static synchronized Path tlsDir() throws java.io.IOException {
        String dir = System.getProperty("greenshank.test.bridge-tls");
        if (dir == null) {
            dir = Files.createTempDirectory("greenshank-bridge-tls-").toString();
            System.setProperty("greenshank.test.bridge-tls", dir);
        }
        return Path.of(dir);
    }

    static Path bridgeCertificate() throws java.io.IOException {
        return tlsDir().resolve("tls.crt");
    }
}
