package io.greenshank.bridge.session;

import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.oidc.AuthorizationCodes;
import io.greenshank.bridge.oidc.AuthorizationRequests;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.identity.AuthMethod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Users, sessions and clocks shared by the session tests. */
final class SessionFixtures {

    static final Instant LOGIN = Instant.parse("2026-03-01T08:00:00Z");
    static final Duration FAMILY_LIFETIME = Duration.ofHours(12);
    static final Duration CODE_LIFETIME = Duration.ofMinutes(1);

    private SessionFixtures() {
    }

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    static AuthenticatedUser user(String name) {
        DirectoryUser u = new DirectoryUser("subject-of-" + name, name, "uid=" + name + ",ou=people,dc=test",
                Optional.of(name + "@example.test"), Optional.of(name.toUpperCase()), List.of("ml-engineers", "staff"),
                AccountStatus.ACTIVE);
        return new AuthenticatedUser(u, List.of(AuthMethod.PASSWORD, AuthMethod.KERBEROS), LOGIN);
    }

    static RefreshTokens.Session session(String name, String client) {
        return new RefreshTokens.Session(RefreshTokens.newFamily(), user(name), client, Set.of("openid", "groups"),
                List.of("kubeflow"), LOGIN.plus(FAMILY_LIFETIME));
    }

    /** The successor a grant would carry: same family and client, the user re-read, scopes narrowed. */
    static RefreshTokens.Session successor(RefreshTokens.Session s) {
        return new RefreshTokens.Session(s.family(), s.user(), s.clientId(), Set.of("openid"), s.audiences(),
                s.familyExpiresAt());
    }

    static String code(AuthorizationCodes codes, String name) throws SessionStoreUnavailableException {
        return codes.issue(new AuthorizationRequests.Pending("webapp", "https://app.example.test/cb",
                Optional.of("state-1"), Optional.of("n-1"), Optional.of("c".repeat(43)), Set.of("openid"),
                LOGIN.plus(AuthorizationRequests.LIFETIME)), user(name));
    }
}
