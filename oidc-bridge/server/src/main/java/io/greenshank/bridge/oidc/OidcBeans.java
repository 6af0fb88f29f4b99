package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.ClientRegistry;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.ldap.Directory;
import io.greenshank.bridge.login.PasswordLogin;
import io.greenshank.bridge.session.SessionStores;
import io.greenshank.bridge.session.SessionsConfig;
import io.greenshank.bridge.throttle.LoginThrottle;
import io.greenshank.bridge.throttle.ThrottleConfig;
import io.greenshank.bridge.token.FamilyCap;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.TokenConfig;
import io.greenshank.bridge.token.TokenMinter;
import io.greenshank.bridge.token.TokenVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the plain (CDI-free, unit-testable) classes into beans. */
@ApplicationScoped
public class OidcBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    RefreshTokens refreshTokens(SessionStores stores, SessionsConfig sessions, MeterRegistry metrics, Clock clock) {
        return new RefreshTokens(stores.open(RefreshTokens.KIND), clock, new FamilyCap(sessions.maxFamiliesPerUser()),
                metrics);
    }

    @Produces
    @Singleton
    TokenMinter minter(KeyManager keys, RefreshTokens refresh, TokenConfig cfg, Clock clock) {
        return new TokenMinter(keys, refresh, cfg, clock);
    }

    @Produces
    @Singleton
    TokenVerifier verifier(KeyManager keys) {
        return new TokenVerifier(keys);
    }

    @Produces
    @Singleton
    LoginThrottle throttle(ThrottleConfig cfg, Clock clock) {
        return new LoginThrottle(cfg, clock);
    }

    @Produces
    @Singleton
    PasswordLogin passwordLogin(Directory directory, LoginThrottle throttle, MeterRegistry metrics, Clock clock) {
        return new PasswordLogin(directory, throttle, metrics, clock);
    }

    @Produces
    @Singleton
    AuthorizationRequests authorizationRequests(KeyManager keys, SessionStores stores, ClientRegistry clients,
                                                MeterRegistry metrics, Clock clock) {
        return new AuthorizationRequests(keys, stores.open(AuthorizationRequests.SPENT_KIND), clients::find, metrics,
                clock);
    }

    @Produces
    @Singleton
    FormLogin formLogin(AuthorizationRequests requests, PasswordLogin login, AuthorizationCodes codes) {
        return new FormLogin(requests, login, codes);
    }

    @Produces
    @Singleton
    AuthorizationCodes codes(SessionStores stores, TokenConfig cfg, Clock clock, CodeGrants grants) {
        return new AuthorizationCodes(stores.open(AuthorizationCodes.KIND), cfg.authorizationCodeLifetime(), clock,
                java.util.Optional.of(grants));
    }

    @Produces
    @Singleton
    CodeGrants codeGrants(SessionStores stores, RefreshTokens refresh, TokenConfig cfg, Clock clock,
                          MeterRegistry metrics) {
        return new CodeGrants(stores.open(CodeGrants.KIND), refresh, cfg.accessTokenLifetime(), clock, metrics);
    }
}
