package io.greenshank.bridge.ldap;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Produces the {@link Directory}: the configured LDAP/AD servers, or the embedded demo directory in dev. */
@ApplicationScoped
public class DirectoryProducer {

    private static final Logger LOG = Logger.getLogger(DirectoryProducer.class);

    private EmbeddedDirectory embedded;
    private LdapDirectory directory;

    @Produces
    @Singleton
    Directory directory(LdapConfig config) throws Exception {
        LdapSettings settings;
        if (config.embedded()) {
            if (LaunchMode.current() == LaunchMode.NORMAL && !ConfigUtils.isProfileActive("dev")) {
                throw new IllegalStateException("greenshank.bridge.ldap.embedded=true is for the dev profile only; "
                        + "configure greenshank.bridge.ldap.urls for production");
            }
            embedded = EmbeddedDirectory.start();
            // The demo passwords are documented (README.md, Try it), never logged.
            LOG.warnf("EMBEDDED DEMO DIRECTORY on %s (dev only, not for production): demo users alice, bob, "
                    + "mallory, carol (locked)", embedded.url());
            settings = embedded.settings();
        } else {
            settings = LdapSettings.from(config);
        }
        directory = new LdapDirectory(settings);
        return directory;
    }

    /** The embedded demo directory, when it runs (dev and test), e.g. for tests that change an entry mid-session. */
    public java.util.Optional<EmbeddedDirectory> embedded() {
        return java.util.Optional.ofNullable(embedded);
    }

    /** Connects (or starts the demo directory) at start-up, so misconfiguration and the dev warning show at once. */
    void eager(@Observes StartupEvent ev, Directory directory) {
        LOG.debugf("directory ready: %s", directory.getClass().getSimpleName());
    }

    @PreDestroy
    void close() {
        if (directory != null) {
            directory.close();
        }
        if (embedded != null) {
            embedded.close();
        }
    }
}
