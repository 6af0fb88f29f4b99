package io.greenshank.testing.ldap;

import io.greenshank.testing.net.FreePorts;
import io.greenshank.testing.process.ChildProcesses;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real OpenLDAP slapd on a free loopback port with its own config and data, started as a child process and stopped
 * by PID. The directory is {@value #BASE} with users under {@value #PEOPLE} and groups under {@value #GROUPS}; the
 * entries in them are the test's (see {@link Ldif}). The ppolicy overlay is loaded, so an entry with
 * {@code pwdAccountLockedTime} is a locked account; the memberof overlay when groups are to carry {@code memberOf}.
 */
public final class Slapd implements AutoCloseable {

    public static final String BASE = "dc=example,dc=test";
    public static final String ROOT_DN = "cn=admin," + BASE;
    public static final String ROOT_PW = "slapd-root-secret";
    public static final String PEOPLE = "ou=people," + BASE;
    public static final String GROUPS = "ou=groups," + BASE;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final boolean ownsDir;
    private final int port;
    private final Optional<Integer> tlsPort;
    private final Optional<Path> caFile;
    private Process process;

    private Slapd(Path dir, boolean ownsDir, int port, Optional<Integer> tlsPort, Optional<Path> caFile) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.caFile = caFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How a slapd is set up; only the entries differ between the suites that use it. */
    public static final class Builder {
        private String entries = "";
        private String liveGroups = "";
        private boolean tls;
        private Path dir;

        private Builder() {
        }

        /** LDIF of the users and groups (the base and the two organizational units are always there). */
        public Builder entries(String ldif) {
            this.entries = ldif;
            return this;
        }

        /**
         * LDIF of groups written over LDAP once slapd runs, with the memberof overlay on, so that each member entry
         * carries {@code memberOf} as in Active Directory (slapadd bypasses overlays).
         */
        public Builder groupsWithMemberOf(String ldif) {
            this.liveGroups = ldif;
            return this;
        }

        /**
         * Also listen for LDAPS and offer StartTLS, with a self-signed certificate for 127.0.0.1 whose PEM is
         * {@link Slapd#caFile()}.
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Config, data and log go here and stay after {@link #close()}; by default a temp directory, deleted then. */
        public Builder directory(Path dir) {
            this.dir = dir;
            return this;
        }

        public Slapd start() throws IOException, InterruptedException {
            boolean owns = dir == null;
            Path home = owns ? Files.createTempDirectory("greenshank-slapd") : Files.createDirectories(dir);
            Optional<Path> ca = Optional.empty();
            String tlsConfig = "";
            if (tls) {
                SelfSignedTls certificate = SelfSignedTls.create(Files.createDirectories(home.resolve("tls")),
                        SelfSignedTls.KeyAlgorithm.RSA_2048);
                Path key = certificate.writePrivateKeyPem(home.resolve("tls/tls.key"));
                ca = Optional.of(certificate.caPem());
                tlsConfig = "TLSCertificateFile " + certificate.caPem() + "\nTLSCertificateKeyFile " + key + "\n";
            }
            Path data = Files.createDirectories(home.resolve("data"));
            Path conf = home.resolve("slapd.conf");
            Files.writeString(conf, String.join("\n",
                    "include /etc/ldap/schema/core.schema",
                    "include /etc/ldap/schema/cosine.schema",
                    "include /etc/ldap/schema/inetorgperson.schema",
                    "include /etc/ldap/schema/nis.schema",
                    "modulepath /usr/lib/ldap",
                    "moduleload back_mdb",
                    "moduleload ppolicy",
                    liveGroups.isEmpty() ? "" : "moduleload memberof",
                    "pidfile " + home.resolve("slapd.pid"),
                    tlsConfig,
                    "database mdb",
                    "maxsize 104857600",
                    "suffix \"" + BASE + "\"",
                    "rootdn \"" + ROOT_DN + "\"",
                    "rootpw " + ROOT_PW,
                    "directory " + data,
                    "index objectClass eq",
                    "index uid,member,uniqueMember eq",
                    "overlay ppolicy",
                    liveGroups.isEmpty() ? "" : "overlay memberof",
                    "access to attrs=userPassword by self write by anonymous auth by * none",
                    "access to * by * read",
                    ""), StandardCharsets.UTF_8);
            Path ldif = home.resolve("data.ldif");
            Files.writeString(ldif, Ldif.skeleton() + entries, StandardCharsets.UTF_8);
            ChildProcesses.run(List.of("/usr/sbin/slapadd", "-f", conf.toString(), "-l", ldif.toString()), Map.of(),
                    null);
            Slapd slapd = new Slapd(home, owns, FreePorts.loopback(),
                    tls ? Optional.of(FreePorts.loopback()) : Optional.empty(), ca);
            slapd.launch();
            if (!liveGroups.isEmpty()) {
                Path groups = home.resolve("groups.ldif");
                Files.writeString(groups, liveGroups, StandardCharsets.UTF_8);
                try {
                    // LDAPNOINIT: no ldap.conf or ~/.ldaprc of this machine's may change what is sent.
                    ChildProcesses.run(List.of("/usr/bin/ldapadd", "-x", "-H", slapd.url(), "-D", ROOT_DN, "-w",
                            ROOT_PW, "-f", groups.toString()), Map.of("LDAPNOINIT", "1"), null);
                } catch (IOException e) {
                    slapd.close();
                    throw e;
                }
            }
            return slapd;
        }
    }

    private void launch() throws IOException, InterruptedException {
        String listen = "ldap://127.0.0.1:" + port + "/" + tlsPort.map(p -> " ldaps://127.0.0.1:" + p + "/").orElse("");
        Path log = dir.resolve("slapd.log");
        Process p = new ProcessBuilder("/usr/sbin/slapd", "-h", listen, "-f", dir.resolve("slapd.conf").toString(),
                "-d", "0").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        process = p;
        // If the test JVM exits without closing us, slapd must not outlive it.
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        ChildProcesses.awaitPort(p, "slapd", port, START_TIMEOUT, log);
    }

    /** Starts slapd again on the same ports with the same data, after {@link #stop()}. */
    public void restart() throws IOException, InterruptedException {
        launch();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public String ldapsUrl() {
        return "ldaps://127.0.0.1:" + tlsPort.orElseThrow(() -> new IllegalStateException("started without TLS"));
    }

    /** The PEM certificate slapd presents (its own CA), when started with TLS. */
    public Path caFile() {
        return caFile.orElseThrow(() -> new IllegalStateException("started without TLS"));
    }

    public long pid() {
        return process.pid();
    }

    /** Stops slapd (by PID) without deleting its data, so it can be started again on the same port. */
    public void stop() throws InterruptedException {
        ChildProcesses.stop(process);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        if (ownsDir) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
