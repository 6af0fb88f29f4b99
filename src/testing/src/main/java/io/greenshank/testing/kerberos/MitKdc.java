package io.greenshank.testing.kerberos;

import io.greenshank.testing.net.FreePorts;
import io.greenshank.testing.process.ChildProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A throwaway MIT Kerberos realm on loopback: its own krb5.conf, kdc.conf and database in a temp dir, {@code krb5kdc}
 * in the foreground on a free port as a child process, stopped by PID. One realm per test JVM, because the JDK reads
 * its Kerberos configuration once.
 */
public final class MitKdc implements AutoCloseable {
    public static final String REALM = "GREENSHANK.TEST";
    public static final String SERVICE = "HTTP/localhost";

    private static MitKdc shared;

    private final Path dir;
    private final int port;
    private final Process kdc;

    private MitKdc(Path dir, int port, Process kdc) {
        this.dir = dir;
        this.port = port;
        this.kdc = kdc;
    }

    /** The JVM-wide realm, started on first use; also points this JVM's Kerberos at it. */
    public static synchronized MitKdc shared() throws IOException, InterruptedException {
        String running = System.getProperty("greenshank.test.kdc");
        if (shared == null && running != null) {
            // Started by this class in another class loader (Quarkus tests load test classes twice).
            String[] dirPort = running.split("\\|");
            shared = new MitKdc(Path.of(dirPort[0]), Integer.parseInt(dirPort[1]), null);
        }
        if (shared == null) {
            shared = start();
            System.setProperty("greenshank.test.kdc", shared.dir + "|" + shared.port);
            System.setProperty("java.security.krb5.conf", shared.krb5Conf().toString());
            MitKdc started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    public static MitKdc start() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = Files.createTempDirectory("greenshank-kdc-");
            int port = FreePorts.loopback();
            try {
                return start(dir, port);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static MitKdc start(Path dir, int port) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("krb5.conf"), """
                [libdefaults]
                  default_realm = %1$s
                  dns_lookup_kdc = false
                  dns_lookup_realm = false
                  dns_canonicalize_hostname = false
                  rdns = false
                  udp_preference_limit = 1
                  ticket_lifetime = 1h
                  forwardable = false
                  default_tkt_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
                  default_tgs_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
                  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
                [realms]
                  %1$s = {
                    kdc = 127.0.0.1:%2$d
                  }
                [domain_realm]
                  localhost = %1$s
                  .localhost = %1$s
                """.formatted(REALM, port));
        Files.writeString(dir.resolve("kdc.conf"), """
                [kdcdefaults]
                  kdc_ports = %2$d
                  kdc_tcp_ports = %2$d
                [realms]
                  %1$s = {
                    database_name = %3$s/principal
                    key_stash_file = %3$s/stash
                    acl_file = %3$s/kadm5.acl
                    max_life = 10h
                    max_renewable_life = 0
                    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
                    kdc_ports = %2$d
                    kdc_tcp_ports = %2$d
                  }
                [logging]
                  kdc = FILE:%3$s/kdc.log
                """.formatted(REALM, port, dir));
        Files.writeString(dir.resolve("kadm5.acl"), "");
        MitKdc kdc = new MitKdc(dir, port, null);
        kdc.run(List.of("kdb5_util", "create", "-s", "-r", REALM, "-P", "master-" + port), null);
        kdc.kadmin("addprinc -randkey " + SERVICE);
        kdc.kadmin("ktadd -k " + dir.resolve("http.keytab") + " " + SERVICE);
        ProcessBuilder pb = new ProcessBuilder("krb5kdc", "-n", "-r", REALM)
                .redirectErrorStream(true).redirectOutput(dir.resolve("krb5kdc.out").toFile());
        pb.environment().putAll(kdc.env(null));
        Process process = pb.start();
        ChildProcesses.awaitPort(process, "krb5kdc", port, Duration.ofSeconds(10), dir.resolve("krb5kdc.out"));
        return new MitKdc(dir, port, process);
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public Path krb5Conf() {
        return dir.resolve("krb5.conf");
    }

    /** Keytab holding {@code HTTP/localhost@REALM}. */
    public Path serviceKeytab() {
        return dir.resolve("http.keytab");
    }

    public String servicePrincipal() {
        return SERVICE + "@" + REALM;
    }

    /** Creates (once) a user principal with a password. */
    public void addUser(String name, String password) throws IOException, InterruptedException {
        kadmin("addprinc -pw " + password + " " + name);
    }

    /** Adds a service principal and writes its keys to {@code keytab}. */
    public void addService(String principal, Path keytab) throws IOException, InterruptedException {
        kadmin("addprinc -randkey " + principal);
        kadmin("ktadd -k " + keytab + " " + principal);
    }

    /** New keys (new kvno) for a principal, written to {@code keytab}. */
    public void rotate(String principal, Path keytab) throws IOException, InterruptedException {
        kadmin("ktadd -k " + keytab + " " + principal);
    }

    public String kadmin(String query) throws IOException, InterruptedException {
        return run(List.of("kadmin.local", "-r", REALM, "-q", query), null);
    }

    /** {@code kinit} as {@code user} into a fresh ccache file; returns its path. */
    public Path kinit(String user, String password, String... extraArgs) throws IOException, InterruptedException {
        Path ccache = Files.createTempFile(dir, "ccache-" + user.replace('/', '_') + "-", "");
        Files.delete(ccache);
        List<String> command = new ArrayList<>(List.of("kinit"));
        command.addAll(List.of(extraArgs));
        command.add(user);
        run(command, Map.of("KRB5CCNAME", "FILE:" + ccache), password + "\n");
        return ccache;
    }

    /**
     * {@code kinit} as {@code user} with {@code env} added to this realm's (e.g. {@code KRB5CCNAME=DIR:...}, or a
     * {@code KRB5_CONFIG} naming a {@code default_ccache_name}); returns kinit's output.
     */
    public String kinit(Map<String, String> env, String user, String password, String... extraArgs)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kinit"));
        command.addAll(List.of(extraArgs));
        command.add(user);
        return run(command, env, password + "\n");
    }

    /** Environment for MIT tools (and for the plugin) to use this realm. */
    public Map<String, String> env(Path ccache) {
        Map<String, String> env = new HashMap<>();
        env.put("KRB5_CONFIG", krb5Conf().toString());
        env.put("KRB5_KDC_PROFILE", dir.resolve("kdc.conf").toString());
        if (ccache != null) {
            env.put("KRB5CCNAME", "FILE:" + ccache);
        }
        return env;
    }

    public String run(List<String> command, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return run(command, extraEnv, null);
    }

    private String run(List<String> command, Map<String, String> extraEnv, String stdin)
            throws IOException, InterruptedException {
        Map<String, String> env = env(null);
        if (extraEnv != null) {
            env.putAll(extraEnv);
        }
        return ChildProcesses.run(command, env, stdin);
    }

    @Override
    public void close() {
        if (kdc != null && kdc.isAlive()) {
            try {
                ChildProcesses.stop(kdc);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
