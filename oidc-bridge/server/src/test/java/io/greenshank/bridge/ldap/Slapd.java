package io.greenshank.bridge.ldap;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldif.LDIFReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenLDAP slapd on a free loopback port with its own config and data (users, groups, nested groups, a
 * cycle, a ppolicy-locked account, {@code memberOf}), started as a child process and stopped by PID.
 */
public final class Slapd implements AutoCloseable {

    public static final String BASE = "dc=example,dc=test";
    public static final String ROOT_DN = "cn=admin," + BASE;
    public static final String ROOT_PW = "slapd-root-secret";
    public static final String PEOPLE = "ou=people," + BASE;
    public static final String GROUPS = "ou=groups," + BASE;

    private final Path dir;
    private Process process;
    private final int port;
    private final int tlsPort;

    private Slapd(Path dir, Process process, int port, int tlsPort) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    public static Slapd start() throws Exception {
        return start(false);
    }

    /**
     * @param tls also listen for LDAPS and offer StartTLS, with a self-signed certificate for 127.0.0.1 whose
     *            PEM is {@link #caFile()}
     */
    public static Slapd start(boolean tls) throws Exception {
        Path dir = Files.createTempDirectory("greenshank-slapd");
        Path data = Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("slapd.conf");
        Files.writeString(conf, String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "include /etc/ldap/schema/nis.schema",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "moduleload ppolicy",
                "moduleload memberof",
                "pidfile " + dir.resolve("slapd.pid"),
                tls ? "TLSCertificateFile " + dir.resolve("tls/tls.crt") : "",
                tls ? "TLSCertificateKeyFile " + dir.resolve("tls/tls.key") : "",
                "database mdb",
                "maxsize 104857600",
                "suffix \"" + BASE + "\"",
                "rootdn \"" + ROOT_DN + "\"",
                "rootpw " + ROOT_PW,
                "directory " + data,
                "index objectClass eq",
                "index uid,member,uniqueMember eq",
                "overlay ppolicy",
                // memberOf kept on each member entry as groups are written, as Active Directory does.
                "overlay memberof",
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by * read",
                ""), StandardCharsets.UTF_8);
        Path ldif = dir.resolve("data.ldif");
        Files.writeString(ldif, entries(), StandardCharsets.UTF_8);
        if (tls) {
            io.greenshank.bridge.tls.SelfSignedCertificate.ensure(dir.resolve("tls"));
        }
        run(List.of("/usr/sbin/slapadd", "-f", conf.toString(), "-l", ldif.toString()));
        int port = freePort();
        int tlsPort = tls ? freePort() : -1;
        Slapd slapd = new Slapd(dir, null, port, tlsPort);
        slapd.launch();
        // Groups are written through LDAP, not slapadd, so that the memberof overlay sees them.
        try (LDAPConnection root = new LDAPConnection("127.0.0.1", port, ROOT_DN, ROOT_PW);
             LDIFReader groups = new LDIFReader(new java.io.ByteArrayInputStream(
                     groups().getBytes(StandardCharsets.UTF_8)))) {
            for (Entry g = groups.readEntry(); g != null; g = groups.readEntry()) {
                root.add(g);
            }
        }
        return slapd;
    }

    /** Starts slapd again on the same port with the same data, after {@link #stop()}. */
    public void restart() throws Exception {
        launch();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public String ldapsUrl() {
        return "ldaps://127.0.0.1:" + tlsPort;
    }

    public String caFile() {
        return dir.resolve("tls/tls.crt").toString();
    }

    private void launch() throws Exception {
        String listen = "ldap://127.0.0.1:" + port + "/" + (tlsPort > 0 ? " ldaps://127.0.0.1:" + tlsPort + "/" : "");
        Process p = new ProcessBuilder("/usr/sbin/slapd", "-h", listen, "-f",
                dir.resolve("slapd.conf").toString(), "-d", "0").redirectErrorStream(true)
                .redirectOutput(java.lang.ProcessBuilder.Redirect.appendTo(dir.resolve("slapd.log").toFile()))
                .start();
        process = p;
        // If the test JVM exits without closing us, slapd must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("slapd exited: " + Files.readString(dir.resolve("slapd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        stop();
        throw new IllegalStateException("slapd did not open port " + port);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }

    static String person(String uid, String cn, String password, String... extra) {
        StringBuilder b = new StringBuilder("dn: uid=" + uid + "," + PEOPLE + "\nobjectClass: inetOrgPerson\nuid: "
                + uid + "\ncn: " + cn + "\nsn: " + cn + "\nmail: " + uid + "@example.test\nuserPassword: " + password
                + "\n");
        for (String e : extra) {
            b.append(e).append('\n');
        }
        return b.append('\n').toString();
    }

    static String group(String cn, String... members) {
        StringBuilder b = new StringBuilder("dn: cn=" + cn + "," + GROUPS + "\nobjectClass: groupOfNames\ncn: " + cn
                + "\n");
        for (String m : members) {
            b.append("member: ").append(m).append('\n');
        }
        return b.append('\n').toString();
    }

    private static String entries() {
        return "dn: " + BASE + "\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"
                + "dn: " + PEOPLE + "\nobjectClass: organizationalUnit\nou: people\n\n"
                + "dn: " + GROUPS + "\nobjectClass: organizationalUnit\nou: groups\n\n"
                + person("alice", "Alice Adams", "alice-secret-1")
                + person("bob", "Bob Brown", "bob-secret-1")
                + person("locked", "Lou Locked", "locked-secret-1", "pwdAccountLockedTime: 000001010000Z")
                + person("star*user", "Star User", "star-secret-1")
                + person("josé", "José Núñez", "jose-secret-1");
    }

    private static String groups() {
        return group("ml-engineers", "uid=alice," + PEOPLE)
                + group("data-science", "cn=ml-engineers," + GROUPS)
                + group("all-staff", "cn=data-science," + GROUPS, "uid=bob," + PEOPLE)
                // A cycle: loop-a contains loop-b contains loop-a; bob is in loop-a.
                + group("loop-a", "uid=bob," + PEOPLE, "cn=loop-b," + GROUPS)
                + group("loop-b", "cn=loop-a," + GROUPS);
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public LdapSettings settings() {
        return LdapSettings.of(Preset.OPENLDAP, List.of(url()), ROOT_DN, ROOT_PW, PEOPLE, GROUPS);
    }

    public long pid() {
        return process.pid();
    }

    /** Stops slapd (by PID) without deleting its data, so it can be started again on the same port. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
