package io.greenshank.testing.kerberos;

import io.greenshank.testing.process.ChildProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A real KCM credential-cache daemon: Debian's {@code sssd-kcm}, as a child process stopped by PID. {@code sssd_kcm}
 * reads its configuration and keeps its tickets at paths compiled into it ({@code /etc/sssd},
 * {@code /var/lib/sss}), so it runs in a private mount namespace ({@code unshare}) with this fixture's own
 * directories bound over those two; the machine's files are never touched. Its socket is in the fixture's directory;
 * MIT clients find it through {@code kcm_socket} in a krb5.conf (see {@link #krb5Conf}).
 */
public final class SssdKcm implements AutoCloseable {
    static final Path DAEMON = Path.of("/usr/libexec/sssd/sssd_kcm");
    static final Path SSSD = Path.of("/usr/sbin/sssd");

    private final Path dir;
    private final Process process;

    private SssdKcm(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts a daemon with an empty ticket store; fails with what to install when sssd-kcm is missing. */
    public static SssdKcm start() throws IOException, InterruptedException {
        if (!Files.isExecutable(DAEMON) || !Files.isExecutable(SSSD)) {
            throw new IllegalStateException("sssd-kcm is not installed (no " + DAEMON + "): run `apt-get install -y "
                    + "--no-install-recommends sssd-kcm` (it is in .ci/run's package list)");
        }
        if (!"0".equals(ChildProcesses.run(List.of("id", "-u"), java.util.Map.of(), null).strip())) {
            throw new IllegalStateException("sssd_kcm must be started as root (it binds its store over /var/lib/sss "
                    + "in a private mount namespace): run the tests as root, as CI does");
        }
        Path dir = Files.createTempDirectory("greenshank-kcm-");
        Path etc = Files.createDirectories(dir.resolve("etc/conf.d"));
        Path var = dir.resolve("var");
        for (String sub : List.of("db", "secrets", "pipes/private", "mc", "pubconf")) {
            Files.createDirectories(var.resolve(sub));
        }
        Path conf = etc.getParent().resolve("sssd.conf");
        Files.writeString(conf, """
                [sssd]
                services = kcm
                [kcm]
                socket_path = %s
                """.formatted(dir.resolve("kcm.socket")));
        // sssd refuses a configuration others may read.
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        String script = "mount --bind '" + etc.getParent() + "' /etc/sssd && mount --bind '" + var
                + "' /var/lib/sss && " + SSSD + " --genconf-section=kcm && exec " + DAEMON
                + " --uid 0 --gid 0 --logger=stderr -d 0x0070";
        Path log = dir.resolve("sssd_kcm.log");
        Process process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SssdKcm kcm = new SssdKcm(dir, process);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!Files.exists(kcm.socket())) {
            if (!process.isAlive()) {
                throw new IOException("sssd_kcm exited (" + process.exitValue() + "): " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                kcm.close();
                throw new IOException("sssd_kcm made no socket within 15 s: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return kcm;
    }

    public Path socket() {
        return dir.resolve("kcm.socket");
    }

    /**
     * A krb5.conf for clients of this daemon: {@code base} (the realm's) included, plus {@code kcm_socket} and any
     * further {@code [libdefaults]} lines, e.g. a {@code default_ccache_name}.
     */
    public Path krb5Conf(Path base, String... libdefaults) throws IOException {
        // The include first: the JDK honours include lines only before the first section; MIT anywhere.
        StringBuilder conf = new StringBuilder("include " + base + "\n[libdefaults]\n  kcm_socket = " + socket()
                + "\n");
        for (String line : libdefaults) {
            conf.append("  ").append(line).append('\n');
        }
        Path file = Files.createTempFile(dir, "krb5-", ".conf");
        Files.writeString(file, conf);
        return file;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                ChildProcesses.stop(process);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
