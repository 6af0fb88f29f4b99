package io.greenshank.bridge.ldap;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Checks the directory at start-up and then every {@code greenshank.bridge.ldap.self-check-interval}, and reports the
 * latest outcome as the {@code directory} readiness check.
 *
 * <p>Only a misconfiguration makes the bridge not ready: every login would fail until an administrator acts, and a
 * DOWN readiness with the reason is where they look. An outage (unreachable, timing out) stays ready, so clients
 * get {@code temporarily_unavailable} with {@code Retry-After} rather than connection errors from a Service without
 * endpoints. Fixing the directory or its account brings readiness back at the next check, without a restart.
 */
@Readiness
@ApplicationScoped
public class DirectorySelfCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(DirectorySelfCheck.class);
    static final String METRIC = "greenshank_bridge_directory_self_checks_total";

    private final Directory directory;
    private final LdapConfig config;
    private final MeterRegistry metrics;
    private volatile DirectoryCheck latest;
    private ScheduledExecutorService timer;

    public DirectorySelfCheck(Directory directory, LdapConfig config, MeterRegistry metrics) {
        this.directory = directory;
        this.config = config;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent ev) {
        if (!(directory instanceof LdapDirectory)) {
            latest = new DirectoryCheck(DirectoryCheck.State.READY, "", Instant.now());
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greenshank-directory-self-check");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, config.selfCheckInterval().toMillis());
        timer.scheduleWithFixedDelay(this::check, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Runs one check now and records it; the scheduled ticks call this too. */
    public DirectoryCheck check() {
        DirectoryCheck now;
        try {
            now = ((LdapDirectory) directory).selfCheck();
        } catch (RuntimeException e) {
            now = new DirectoryCheck(DirectoryCheck.State.UNREACHABLE, "self-check failed: " + e, Instant.now());
        }
        DirectoryCheck before = latest;
        latest = now;
        metrics.counter(METRIC, "outcome", now.state().name().toLowerCase(Locale.ROOT)).increment();
        if (before == null || before.state() != now.state() || !before.reason().equals(now.reason())) {
            switch (now.state()) {
                case READY -> LOG.info("directory self-check passed: the service account binds and reads both bases");
                case MISCONFIGURED -> LOG.errorf("directory self-check: MISCONFIGURED, readiness is DOWN and "
                        + "logins are refused until this is fixed: %s", now.reason());
                case UNREACHABLE -> LOG.warnf("directory self-check: UNREACHABLE (an outage; logins answer "
                        + "temporarily_unavailable): %s", now.reason());
            }
        }
        return now;
    }

    /** The latest outcome, empty until the first check has run. */
    public java.util.Optional<DirectoryCheck> latest() {
        return java.util.Optional.ofNullable(latest);
    }

    @Override
    public HealthCheckResponse call() {
        DirectoryCheck c = latest;
        if (c == null) {
            // Asked before the first scheduled check ran: answer from a check of our own rather than guess.
            c = directory instanceof LdapDirectory ? check()
                    : new DirectoryCheck(DirectoryCheck.State.READY, "", Instant.now());
        }
        var b = HealthCheckResponse.named("directory").status(c.state() != DirectoryCheck.State.MISCONFIGURED)
                .withData("state", c.state().name().toLowerCase(Locale.ROOT))
                .withData("checkedAt", c.at().toString());
        if (!c.reason().isEmpty()) {
            b.withData("reason", c.reason());
        }
        return b.build();
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
