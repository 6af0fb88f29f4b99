package io.greenshank.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenLDAP slapd on a free loopback port, with its own config and data, started as a child process and
 * stopped by PID. The directory of the product scenario: alice (ml-engineers ⊂ data-science) and bob (data-science).
 *
 * <p>The oidc-bridge module has a richer fixture in its test sources, but that module publishes no test-jar; this
 * small copy avoids editing another branch's pom while that branch is still being worked on.
 */
final class Slapd implements AutoCloseable {

    static final String BASE = "dc=example,dc=test";
    static final String ROOT_DN = "cn=admin," + BASE;
    static final String ROOT_PW = "e2e-slapd-root-secret";
    static final String PEOPLE = "ou=people," + BASE;
    static final String GROUPS = "ou=groups," + BASE;
    static final String ALICE_PASSWORD = "alice-e2e-secret-1";
    static final String BOB_PASSWORD = "bob-e2e-secret-1";

    private final Path dir;
    private final Process process;
    private final int port;

    private Slapd(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    static Slapd start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path data = Files.createDirectories(dir.resolve("data"));
        Path conf = dir.resolve("slapd.conf");
        Files.writeString(conf, String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "include /etc/ldap/schema/nis.schema",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "pidfile " + dir.resolve("slapd.pid"),
                "database mdb",
                "maxsize 10485760",
                "suffix \"" + BASE + "\"",
                "rootdn \"" + ROOT_DN + "\"",
                "rootpw " + ROOT_PW,
                "directory " + data,
                "index objectClass eq",
                "index uid,member eq",
                "access to attrs=userPassword by self write by anonymous auth by * none",
                "access to * by * read",
                ""), StandardCharsets.UTF_8);
        Path ldif = dir.resolve("data.ldif");
        Files.writeString(ldif, ldif(), StandardCharsets.UTF_8);
        run(List.of("/usr/sbin/slapadd", "-f", conf.toString(), "-l", ldif.toString()));
        int port = Ports.free();
        Process p = new ProcessBuilder("/usr/sbin/slapd", "-h", "ldap://127.0.0.1:" + port + "/", "-f",
                conf.toString(), "-d", "0").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("slapd.log").toFile())).start();
        Slapd slapd = new Slapd(dir, p, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("slapd exited: " + Files.readString(dir.resolve("slapd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return slapd;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        slapd.close();
        throw new IllegalStateException("slapd did not open port " + port);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed: " + out);
        }
    }

    private static String person(String uid, String cn, String password) {
        return "dn: uid=" + uid + "," + PEOPLE + "\nobjectClass: inetOrgPerson\nuid: " + uid + "\ncn: " + cn
                + "\nsn: " + cn + "\nmail: " + uid + "@example.test\nuserPassword: " + password + "\n\n";
    }

    private static String group(String cn, String... members) {
        StringBuilder b = new StringBuilder("dn: cn=" + cn + "," + GROUPS + "\nobjectClass: groupOfNames\ncn: " + cn
                + "\n");
        for (String m : members) {
            b.append("member: ").append(m).append('\n');
        }
        return b.append('\n').toString();
    }

    private static String ldif() {
        return "dn: " + BASE + "\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n"
                + "dn: " + PEOPLE + "\nobjectClass: organizationalUnit\nou: people\n\n"
                + "dn: " + GROUPS + "\nobjectClass: organizationalUnit\nou: groups\n\n"
                + person("alice", "Alice Adams", ALICE_PASSWORD)
                + person("bob", "Bob Brown", BOB_PASSWORD)
                + group("ml-engineers", "uid=alice," + PEOPLE)
                + group("data-science", "cn=ml-engineers," + GROUPS, "uid=bob," + PEOPLE);
    }

    String url() {
        return "ldap://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
