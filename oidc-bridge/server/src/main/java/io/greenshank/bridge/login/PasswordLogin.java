package io.greenshank.bridge.login;

import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.ldap.LoginFailedException;
import io.greenshank.bridge.throttle.LoginThrottle;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.identity.AuthMethod;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A username/password login, shared by the password grant and the login form: throttle, directory bind, one
 * generic failure for every reason, a log line with the reason (never the password), a metric.
 */
public final class PasswordLogin {

    private static final Logger LOG = Logger.getLogger(PasswordLogin.class);

    /** The login was refused; {@code retryAfter} is set when the throttle refused it before the directory. */
    public static final class Refused extends Exception {
        private final Optional<Duration> retryAfter;

        Refused(Optional<Duration> retryAfter) {
            super("invalid username or password", null, false, false);
            this.retryAfter = retryAfter;
        }

        public Optional<Duration> retryAfter() {
            return retryAfter;
        }
    }

    private final Directory directory;
    private final LoginThrottle throttle;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final RefusalPacing pacing;

    public PasswordLogin(Directory directory, LoginThrottle throttle, MeterRegistry metrics, Clock clock) {
        this(directory, throttle, metrics, clock, new RefusalPacing(System::nanoTime));
    }

    public PasswordLogin(Directory directory, LoginThrottle throttle, MeterRegistry metrics, Clock clock,
                         RefusalPacing pacing) {
        this.directory = directory;
        this.throttle = throttle;
        this.metrics = metrics;
        this.clock = clock;
        this.pacing = pacing;
    }

    public AuthenticatedUser login(String username, String password, String clientAddress)
            throws Refused, DirectoryUnavailableException {
        Optional<Duration> wait = throttle.blockedFor(username, clientAddress);
        if (wait.isPresent()) {
            count("throttled");
            LOG.infof("login throttled for %ds (from %s)", wait.get().toSeconds(), clientAddress);
            throw new Refused(wait);
        }
        long started = pacing.now();
        try {
            DirectoryUser u = directory.authenticate(username, password);
            throttle.succeeded(username);
            count("success");
            LOG.infof("login ok: %s (sub %s) from %s", u.username(), u.subject(), clientAddress);
            return AuthenticatedUser.of(u, AuthMethod.PASSWORD, clock.instant());
        } catch (LoginFailedException e) {
            throttle.failed(username, clientAddress);
            if (e.reason() == LoginFailedException.Reason.BAD_CREDENTIALS) {
                pacing.observeWrongPassword(started);
            }
            pacing.pad(started);
            count(e.reason().name().toLowerCase(java.util.Locale.ROOT));
            LOG.infof("login refused (%s) from %s", e.reason(), clientAddress);
            throw new Refused(Optional.empty());
        } catch (DirectoryUnavailableException e) {
            count(e instanceof io.greenshank.bridge.ldap.DirectoryMisconfiguredException
                    ? "directory_misconfigured" : "directory_unavailable");
            throw e;
        }
    }

    private void count(String outcome) {
        metrics.counter("greenshank_bridge_logins_total", "outcome", outcome).increment();
    }
}
