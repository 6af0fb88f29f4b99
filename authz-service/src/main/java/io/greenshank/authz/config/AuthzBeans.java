package io.greenshank.authz.config;

import io.greenshank.authz.check.CheckDispatcher;
import io.greenshank.authz.credential.CredentialExtractor;
import io.greenshank.authz.decision.AuthenticatedOrPublicAuthorizer;
import io.greenshank.authz.decision.Authorizer;
import io.greenshank.authz.decision.DecisionEngine;
import io.greenshank.authz.decision.DenyPolicy;
import io.greenshank.authz.decision.PublicPaths;
import io.greenshank.authz.decision.RequestLimits;
import io.greenshank.authz.dev.DevIssuer;
import io.greenshank.authz.jwt.TokenAuthenticator;
import io.greenshank.authz.jwt.VerifiedTokenCache;
import io.greenshank.authz.observe.DecisionLog;
import io.greenshank.authz.observe.DecisionMetrics;
import io.greenshank.authz.observe.JwksMetrics;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.identity.jwt.JwksSettings;
import io.greenshank.identity.jwt.JwksTransport;
import io.greenshank.identity.jwt.JwtVerifier;
import io.greenshank.identity.jwt.KeySource;
import io.greenshank.identity.jwt.TrustedIssuer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Wires the framework-free decision core from configuration. */
@ApplicationScoped
public class AuthzBeans {

    private static final Logger LOG = Logger.getLogger(AuthzBeans.class);

    @Produces
    @Singleton
    Optional<DevIssuer> devIssuer(AuthzConfig config) {
        if (!config.devIssuer().enabled()) {
            return Optional.empty();
        }
        LOG.warnf("Development issuer %s is ENABLED: any process on this machine can mint tokens at /dev/token. "
                + "Never enable greenshank.authz.dev-issuer in production.", config.devIssuer().issuer());
        return Optional.of(new DevIssuer(config.devIssuer().issuer(), config.devIssuer().audience()));
    }

    @Produces
    @Singleton
    @Startup
    JwtVerifier verifier(AuthzConfig config, Optional<DevIssuer> dev, MeterRegistry registry) {
        List<TrustedIssuer> issuers = new ArrayList<>();
        for (Map.Entry<String, AuthzConfig.Issuer> e : config.issuers().entrySet()) {
            issuers.add(toTrustedIssuer(e.getKey(), e.getValue()));
        }
        dev.ifPresent(d -> issuers.add(d.trustedIssuer()));
        if (issuers.isEmpty()) {
            LOG.warn("No trusted issuers configured (greenshank.authz.issuers.<name>.issuer): every credential is refused");
        }
        JwtVerifier verifier = JwtVerifier.builder().issuers(issuers).listener(new JwksMetrics(registry))
                .maxTokenLength(config.limits().maxTokenLength()).build();
        verifier.start();
        return verifier;
    }

    void closeVerifier(@Disposes JwtVerifier verifier) {
        verifier.close();
    }

    static TrustedIssuer toTrustedIssuer(String name, AuthzConfig.Issuer c) {
        KeySource source;
        int sources = (c.discoveryUrl().isPresent() ? 1 : 0) + (c.jwksUrl().isPresent() ? 1 : 0) + (c.jwksFile().isPresent() ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException("greenshank.authz.issuers." + name
                    + ": set only one of discovery-url, jwks-url, jwks-file");
        }
        if (c.jwksFile().isPresent()) {
            source = new KeySource.JwksFile(c.jwksFile().get());
        } else if (c.jwksUrl().isPresent()) {
            source = new KeySource.JwksUri(c.jwksUrl().get());
        } else if (c.discoveryUrl().isPresent()) {
            source = new KeySource.Discovery(c.discoveryUrl().get());
        } else {
            source = KeySource.Discovery.forIssuer(c.issuer());
        }
        JwksTransport transport = JwksTransport.forKeySource("greenshank.authz.issuers." + name, source, c.caFile(),
                c.bearerTokenFile());
        Set<String> audiences = c.audiences().orElse(Set.of());
        if (audiences.isEmpty()) {
            LOG.warnf("greenshank.authz.issuers.%s has no audiences: any token of %s is accepted whatever its aud", name, c.issuer());
        }
        return new TrustedIssuer(c.issuer(), audiences, c.algorithms(), source, c.clockSkew(),
                new UserIdMapping(c.userClaim(), c.userPrefix().orElse(""), c.groupsClaim(), c.groupsPrefix().orElse("")),
                new JwksSettings(c.refreshInterval(), c.unknownKidMinInterval(), c.maxStale(), c.fetchTimeout(), 512 * 1024),
                transport);
    }

    @Produces
    @Singleton
    DecisionMetrics decisionMetrics(MeterRegistry registry) {
        return new DecisionMetrics(registry);
    }

    @Produces
    @Singleton
    VerifiedTokenCache tokenCache(AuthzConfig config) {
        return new VerifiedTokenCache(config.cache().maxEntries(), config.cache().maxTtl(), Clock.systemUTC());
    }

    @Produces
    @Singleton
    @DefaultBean
    Authorizer authorizer(AuthzConfig config) {
        return new AuthenticatedOrPublicAuthorizer(new PublicPaths(config.publicPaths()));
    }

    @Produces
    @Singleton
    DecisionEngine engine(AuthzConfig config, JwtVerifier verifier, VerifiedTokenCache cache, DecisionMetrics metrics,
                          Authorizer authorizer) {
        AuthzConfig.Headers h = config.headers();
        if (config.mesh().xffNumTrustedHops() < 0) {
            throw new IllegalArgumentException("greenshank.authz.mesh.xff-num-trusted-hops must be 0 or more, not "
                    + config.mesh().xffNumTrustedHops());
        }
        return new DecisionEngine(
                new CredentialExtractor(config.credentials().cookie(), config.credentials().headers().orElse(List.of())),
                new TokenAuthenticator(verifier, cache, metrics::cacheLookup),
                // The plugged Authorizer is application-scoped (one instance for the app's life): calling it through
                // its client proxy cost a context lookup on every Check (measured ~3% of the event loop).
                ClientProxy.unwrap(authorizer),
                new IdentityHeaders(h.user(), h.groups(), h.userPrefix().orElse("")),
                h.alsoRemove().orElse(List.of()),
                new DenyPolicy(config.deny().loginUrl(), config.deny().returnParam(), config.deny().errorStatus(), config.deny().realm()),
                new RequestLimits(config.limits().maxHeaderBytes(), config.limits().maxHeaders()),
                config.mesh().authenticatePeers());
    }

    @Produces
    @Singleton
    CheckDispatcher dispatcher(AuthzConfig config, DecisionEngine engine, DecisionMetrics metrics) {
        return new CheckDispatcher(engine, Infrastructure.getDefaultWorkerPool(), config.deny().timeout(), metrics,
                new DecisionLog(config.decisionLog().enabled()));
    }
}
