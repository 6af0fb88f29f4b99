package io.greenshank.bridge.kerberos;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

/**
 * The dev profile's in-process KDC (Apache Kerby), so {@code kinit} and {@code curl --negotiate} work against
 * {@code bin/greenshank-dev} without a real realm: realm {@value #REALM} on loopback TCP, the embedded directory's
 * active demo users with their demo passwords, and the bridge's {@code HTTP/localhost} key exported to a keytab.
 * Writes a client krb5.conf for users ({@code KRB5_CONFIG=<dir>/krb5.conf kinit alice}).
 */
public final class EmbeddedKdc implements AutoCloseable {
    public static final String REALM = "GREENSHANK.DEV";
    public static final String SERVICE_PRINCIPAL = "HTTP/localhost@" + REALM;
    /** The embedded directory's active demo users, with the same demo passwords (carol is locked there). */
    static final Map<String, String> DEMO_USERS = Map.of("alice", "alice-password", "bob", "bob-password",
            "mallory", "mallory-password");

    private final SimpleKdcServer server;
    private final int port;
    private final Path keytab;
    private final Path krb5Conf;

    private EmbeddedKdc(SimpleKdcServer server, int port, Path keytab, Path krb5Conf) {
        this.server = server;
        this.port = port;
        this.keytab = keytab;
        this.krb5Conf = krb5Conf;
    }

    /** Starts the KDC on loopback {@code port} (0: a free one) with its files in {@code dir} (replaced). */
    public static EmbeddedKdc start(Path dir, int port) throws IOException, KrbException {
        return start(dir, "127.0.0.1", port);
    }

    /**
     * Starts the KDC on {@code host} (its bind address: loopback unless the dev run is opened) and {@code port}; the
     * users' krb5.conf always names {@code 127.0.0.1}, where it is reachable either way.
     */
    public static EmbeddedKdc start(Path dir, String host, int port) throws IOException, KrbException {
        Files.createDirectories(dir);
        Path kdcDir = Files.createDirectories(dir.resolve("kdc"));
        int chosen = port > 0 ? port : freePort();
        SimpleKdcServer server = new SimpleKdcServer();
        server.setWorkDir(kdcDir.toFile());
        server.setKdcRealm(REALM);
        server.setKdcHost(host);
        server.setAllowUdp(false);
        server.setKdcTcpPort(chosen);
        server.init();
        server.start();
        try {
            for (Map.Entry<String, String> u : DEMO_USERS.entrySet()) {
                server.createPrincipal(u.getKey() + "@" + REALM, u.getValue());
            }
            server.createPrincipal(SERVICE_PRINCIPAL);
            Path keytab = dir.resolve("http.keytab");
            Files.deleteIfExists(keytab);
            server.exportPrincipal(SERVICE_PRINCIPAL, keytab.toFile());
            restrict(keytab);
            Path conf = dir.resolve("krb5.conf");
            Files.writeString(conf, clientConf(chosen), StandardCharsets.UTF_8);
            return new EmbeddedKdc(server, chosen, keytab, conf);
        } catch (IOException | KrbException | RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    /**
     * What MIT {@code kinit}/{@code curl --negotiate} and the JDK need: the realm's KDC, over TCP through
     * {@code udp_preference_limit = 1} (MIT before 1.19 reads no {@code tcp/} prefix), and no DNS.
     */
    static String clientConf(int port) {
        return """
                [libdefaults]
                  default_realm = %1$s
                  dns_lookup_kdc = false
                  dns_lookup_realm = false
                  dns_canonicalize_hostname = false
                  rdns = false
                  udp_preference_limit = 1
                  ignore_acceptor_hostname = true

                [realms]
                  %1$s = {
                    kdc = 127.0.0.1:%2$d
                  }

                [domain_realm]
                  localhost = %1$s
                  127.0.0.1 = %1$s
                """.formatted(REALM, port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: the temp dir's own permissions apply
        }
    }

    public int port() {
        return port;
    }

    public Path keytab() {
        return keytab;
    }

    /** The client configuration for users: {@code KRB5_CONFIG=<this> kinit alice}. */
    public Path krb5Conf() {
        return krb5Conf;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (KrbException e) {
            // stopping is best effort at shutdown
        }
    }
}
