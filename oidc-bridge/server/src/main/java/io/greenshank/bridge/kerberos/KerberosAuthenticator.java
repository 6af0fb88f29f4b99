package io.greenshank.bridge.kerberos;

import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.identity.AuthMethod;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.jboss.logging.Logger;

/**
 * SPNEGO login, shared by the token-endpoint grant and the browser authenticator: verifies the Negotiate token
 * with the service keytab, maps the Kerberos principal to a directory entry, and returns who logged in with
 * {@code amr: ["kerberos"]}. Every refusal is logged once with a reason an operator can act on, and counted.
 */
@Startup
@ApplicationScoped
public class KerberosAuthenticator {
    private static final Logger LOG = Logger.getLogger(KerberosAuthenticator.class);

    @Inject
    KerberosConfig config;
    @Inject
    Instance<Directory> directory;
    @Inject
    Instance<MeterRegistry> metrics;

    private ServiceKeytab keytab;
    private Optional<Path> keytabPath = Optional.empty();
    private EmbeddedKdc embeddedKdc;
    private SpnegoAcceptor acceptor;
    private RecentDirectoryEntries recentEntries;

    /** The result of one login attempt. */
    public sealed interface Result {
    }

    /** @param mutualToken base64 token for {@code WWW-Authenticate: Negotiate <token>} */
    public record Success(AuthenticatedUser user, Optional<String> mutualToken) implements Result {
    }

    public record Failure(RejectionReason reason) implements Result {
    }

    /** The directory could not answer; the client may retry. */
    public record Unavailable(String detail) implements Result {
    }

    @PostConstruct
    void start() {
        recentEntries = new RecentDirectoryEntries(config.directoryCacheTtl(), 10_000, System::nanoTime);
        Optional<Path> keytabFile = config.keytab();
        Optional<Path> krb5Conf = config.krb5Conf();
        Optional<String> servicePrincipal = config.servicePrincipal();
        if (keytabFile.isEmpty() && config.embeddedKdc()) {
            if (LaunchMode.current() == LaunchMode.NORMAL && !ConfigUtils.isProfileActive("dev")) {
                throw new IllegalStateException("greenshank.kerberos.embedded-kdc=true is for the dev profile only; "
                        + "configure greenshank.kerberos.keytab for production");
            }
            try {
                embeddedKdc = EmbeddedKdc.start(config.embeddedKdcDir(), config.embeddedKdcHost(),
                        config.embeddedKdcPort());
                keytabFile = Optional.of(embeddedKdc.keytab());
                krb5Conf = Optional.of(embeddedKdc.krb5Conf());
                servicePrincipal = Optional.of(EmbeddedKdc.SERVICE_PRINCIPAL);
                LOG.warnf("EMBEDDED DEMO KDC for realm %s on tcp/%s:%d (dev only, not for production): "
                        + "demo users alice, bob, mallory; service %s. Log in with: KRB5_CONFIG=%s kinit alice@%s",
                        EmbeddedKdc.REALM, config.embeddedKdcHost(), embeddedKdc.port(),
                        EmbeddedKdc.SERVICE_PRINCIPAL, embeddedKdc.krb5Conf(), EmbeddedKdc.REALM);
            } catch (IOException | KrbException | RuntimeException e) {
                // Fail closed: without the KDC there is no keytab, and every SPNEGO attempt is a 401.
                LOG.errorf("cannot start the embedded KDC: %s; Kerberos logins are refused", e.toString());
            }
        }
        keytabPath = keytabFile;
        if (keytabFile.isPresent()) {
            // JVM-wide: only a bridge that accepts Kerberos touches the JDK's Kerberos configuration.
            try {
                Krb5Setup.install(krb5Conf, config.clockSkew());
            } catch (IOException e) {
                LOG.errorf("cannot write the effective krb5.conf (%s); the JDK uses its defaults", e.getMessage());
            }
        }
        keytab = new ServiceKeytab(keytabFile, servicePrincipal, config.keytabCheckInterval(),
                config.oldKeyGrace(), Clock.systemUTC());
        acceptor = new SpnegoAcceptor(keytab);
        // Load now, so a missing or unusable keytab is in the log at start-up rather than at the first login.
        keytab.current();
    }

    /** Whether a keytab is configured at all (an unconfigured bridge does not challenge browsers). */
    public boolean configured() {
        return keytabPath.isPresent();
    }

    @PreDestroy
    void stop() {
        if (embeddedKdc != null) {
            embeddedKdc.close();
        }
    }

    /** Authenticates a base64 SPNEGO token (an {@code Authorization: Negotiate} value or an RFC 8693 subject token). */
    public Result authenticate(String base64Token, String clientAddress) {
        byte[] token;
        try {
            token = Base64.getDecoder().decode(base64Token.trim());
        } catch (IllegalArgumentException e) {
            return refuse(RejectionReason.MALFORMED_TOKEN, "not base64", clientAddress, Optional.empty());
        }
        SpnegoOutcome outcome = acceptor.accept(token);
        if (outcome instanceof SpnegoOutcome.Rejected rejected) {
            return refuse(rejected.reason(), rejected.detail(), clientAddress, Optional.empty());
        }
        SpnegoOutcome.Accepted accepted = (SpnegoOutcome.Accepted) outcome;
        String principal = accepted.clientPrincipal();
        PrincipalMapper.Result mapped = mapper().map(principal);
        if (mapped instanceof PrincipalMapper.Refused refused) {
            return refuse(refused.reason(), refused.detail(), clientAddress, Optional.of(principal));
        }
        String login = ((PrincipalMapper.Login) mapped).login();
        if (!directory.isResolvable()) {
            return refuse(RejectionReason.UNKNOWN_USER, "no directory is configured to look " + login + " up",
                    clientAddress, Optional.of(principal));
        }
        Optional<DirectoryUser> user;
        try {
            user = recentEntries.find(login, directory.get()::findUser);
        } catch (DirectoryUnavailableException e) {
            count("directory_unavailable");
            LOG.warnf("SPNEGO login of %s from %s: directory unavailable: %s", principal, clientAddress,
                    e.getMessage());
            return new Unavailable(e.getMessage());
        } catch (RuntimeException e) {
            // A directory bug must not turn a login into a 500: fail closed, as if the directory were down.
            count("directory_unavailable");
            LOG.errorf("SPNEGO login of %s from %s: directory lookup failed: %s", principal, clientAddress, e);
            return new Unavailable("directory lookup failed");
        }
        if (user.isEmpty()) {
            return refuse(RejectionReason.UNKNOWN_USER, "no directory entry for login " + login, clientAddress,
                    Optional.of(principal));
        }
        if (user.get().status() != AccountStatus.ACTIVE) {
            return refuse(RejectionReason.UNKNOWN_USER, "directory entry " + user.get().dn() + " is "
                    + user.get().status().name().toLowerCase(Locale.ROOT), clientAddress, Optional.of(principal));
        }
        count("accepted");
        LOG.infof("SPNEGO login: %s as %s from %s", principal, user.get().username(), clientAddress);
        return new Success(AuthenticatedUser.of(user.get(), AuthMethod.KERBEROS, Instant.now()),
                accepted.mutualToken().map(t -> Base64.getEncoder().encodeToString(t)));
    }

    private PrincipalMapper mapper() {
        Set<String> realms = new LinkedHashSet<>();
        config.acceptedRealms().ifPresentOrElse(realms::addAll,
                () -> keytab.current().ifPresent(k -> realms.addAll(k.realms())));
        return new PrincipalMapper(realms, config.principalMapping(), config.upnSuffix());
    }

    private Failure refuse(RejectionReason reason, String detail, String clientAddress, Optional<String> principal) {
        count(reason.code());
        LOG.warnf("SPNEGO login refused [%s]%s from %s: %s. %s", reason.code(),
                principal.map(p -> " for " + p).orElse(""), clientAddress, detail, reason.operatorHint());
        return new Failure(reason);
    }

    private void count(String outcome) {
        if (metrics.isResolvable()) {
            metrics.get().counter("greenshank_kerberos_logins_total", "outcome", outcome).increment();
        }
    }
}
