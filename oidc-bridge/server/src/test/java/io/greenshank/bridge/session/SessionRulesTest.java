package io.greenshank.bridge.session;

import static io.greenshank.bridge.session.SessionFixtures.CODE_LIFETIME;
import static io.greenshank.bridge.session.SessionFixtures.FAMILY_LIFETIME;
import static io.greenshank.bridge.session.SessionFixtures.LOGIN;
import static io.greenshank.bridge.session.SessionFixtures.at;
import static io.greenshank.bridge.session.SessionFixtures.session;
import static io.greenshank.bridge.session.SessionFixtures.successor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.bridge.oidc.AuthorizationCodes;
import io.greenshank.bridge.token.RefreshTokens;
import io.greenshank.bridge.token.RefreshTokens.Refusal;
import io.greenshank.bridge.token.RefreshTokens.RefusedException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The refresh-token and authorization-code rules, on the memory store. */
class SessionRulesTest {

    final MemorySessionStore<RefreshTokens.Family> families = new MemorySessionStore<>(RefreshTokens.KIND);
    final RefreshTokens tokens = new RefreshTokens(families, at(LOGIN.plusSeconds(60)));

    static Refusal refusal(ThrowingCall call) {
        try {
            call.run();
        } catch (RefusedException e) {
            return e.refusal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void rotationSpendsTheTokenAndContinuesTheFamilyWithTheSuccessorsSession() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String first = tokens.issue(s);
        assertThat(first).startsWith(s.family() + ".");

        RefreshTokens.Redemption r = tokens.redeem(first, "kubectl");
        assertThat(r.session()).isEqualTo(s);
        String second = tokens.rotate(r, successor(s));

        assertThat(second).isNotEqualTo(first).startsWith(s.family() + ".");
        assertThat(tokens.redeem(second, "kubectl").session().scopes()).containsExactly("openid");
    }

    @Test
    void aRedeemedButNotRotatedTokenStaysUsable() throws Exception {
        // The grant checks, then fails (directory down) before minting: the client's retry must still work.
        String t = tokens.issue(session("alice", "kubectl"));
        tokens.redeem(t, "kubectl");
        assertThat(tokens.redeem(t, "kubectl").session().user().user().username()).isEqualTo("alice");
    }

    @Test
    void reusingASpentTokenRevokesTheWholeFamily() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String first = tokens.issue(s);
        String second = tokens.rotate(tokens.redeem(first, "kubectl"), successor(s));

        assertThat(refusal(() -> tokens.redeem(first, "kubectl"))).isEqualTo(Refusal.REUSED);
        assertThat(refusal(() -> tokens.redeem(second, "kubectl"))).as("the thief's or the owner's successor")
                .isEqualTo(Refusal.UNKNOWN);
        assertThat(families.find(Map.of("subject", s.user().user().subject()))).isEmpty();
    }

    @Test
    void rotatingATokenSpentMeanwhileIsReuse() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String first = tokens.issue(s);
        RefreshTokens.Redemption a = tokens.redeem(first, "kubectl");
        RefreshTokens.Redemption b = tokens.redeem(first, "kubectl");
        String winner = tokens.rotate(a, successor(s));

        assertThat(refusal(() -> tokens.rotate(b, successor(s)))).isEqualTo(Refusal.REUSED);
        assertThat(refusal(() -> tokens.redeem(winner, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
    }

    @Test
    void anotherClientsTokenIsRefusedWithoutHarmingTheFamily() throws Exception {
        String t = tokens.issue(session("alice", "kubectl"));
        assertThat(refusal(() -> tokens.redeem(t, "webapp"))).isEqualTo(Refusal.WRONG_CLIENT);
        assertThat(tokens.redeem(t, "kubectl")).isNotNull();
    }

    @Test
    void forgedSecretsAndMalformedTokensAreUnknown() throws Exception {
        RefreshTokens.Session s = session("alice", "kubectl");
        String t = tokens.issue(s);
        assertThat(refusal(() -> tokens.redeem(s.family() + ".forged", "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(refusal(() -> tokens.redeem("no-dot", "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(refusal(() -> tokens.redeem(".", "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(tokens.redeem(t, "kubectl")).as("a forged secret is not reuse").isNotNull();
    }

    @Test
    void aFamilyExpiresAbsolutelyFromTheLogin() throws Exception {
        String t = tokens.issue(session("alice", "kubectl"));
        RefreshTokens later = new RefreshTokens(families, at(LOGIN.plus(FAMILY_LIFETIME)));
        assertThat(refusal(() -> later.redeem(t, "kubectl"))).isEqualTo(Refusal.EXPIRED);
        assertThat(refusal(() -> tokens.redeem(t, "kubectl"))).as("expired families are removed")
                .isEqualTo(Refusal.UNKNOWN);
    }

    @Test
    void logoutEndsTheSubjectsFamiliesAtThatClientOrEverywhere() throws Exception {
        String kubectl1 = tokens.issue(session("alice", "kubectl"));
        String kubectl2 = tokens.issue(session("alice", "kubectl"));
        String webapp = tokens.issue(session("alice", "webapp"));
        String bob = tokens.issue(session("bob", "kubectl"));

        assertThat(tokens.revokeSubject("subject-of-alice", Optional.of("kubectl"))).isEqualTo(2);
        assertThat(refusal(() -> tokens.redeem(kubectl1, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(refusal(() -> tokens.redeem(kubectl2, "kubectl"))).isEqualTo(Refusal.UNKNOWN);
        assertThat(tokens.redeem(webapp, "webapp")).isNotNull();
        assertThat(tokens.redeem(bob, "kubectl")).isNotNull();

        assertThat(tokens.revokeSubject("subject-of-alice", Optional.empty())).isEqualTo(1);
        assertThat(refusal(() -> tokens.redeem(webapp, "webapp"))).isEqualTo(Refusal.UNKNOWN);
    }

    @Test
    void whenTheSuccessorCannotBeStoredTheOldTokenIsNotBurnt() throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        RefreshTokens flaky = new RefreshTokens(new FailingStore<>(families, down), at(LOGIN.plusSeconds(60)));
        RefreshTokens.Session s = session("alice", "kubectl");
        String t = flaky.issue(s);
        RefreshTokens.Redemption r = flaky.redeem(t, "kubectl");

        down.set(true);
        assertThatThrownBy(() -> flaky.rotate(r, successor(s))).isInstanceOf(SessionStoreUnavailableException.class);
        down.set(false);

        String next = flaky.rotate(flaky.redeem(t, "kubectl"), successor(s));
        assertThat(flaky.redeem(next, "kubectl")).isNotNull();
    }

    @Test
    void sweepRemovesOnlyExpiredValues() throws Exception {
        RefreshTokens.Session old = new RefreshTokens.Session("old", SessionFixtures.user("alice"), "kubectl",
                Set.of("openid"), List.of(), LOGIN.plusSeconds(10));
        tokens.issue(old);
        String live = tokens.issue(session("bob", "kubectl"));
        assertThat(families.sweep(LOGIN.plusSeconds(10))).isEqualTo(1);
        assertThat(families.sweep(LOGIN.plusSeconds(10))).as("idempotent").isZero();
        assertThat(tokens.redeem(live, "kubectl")).isNotNull();
    }

    @Test
    void aCodeIsRedeemedOnceAndCarriesWhatItWasBoundTo() throws Exception {
        AuthorizationCodes codes = new AuthorizationCodes(new MemorySessionStore<>(AuthorizationCodes.KIND),
                CODE_LIFETIME, at(LOGIN));
        String code = SessionFixtures.code(codes, "alice");
        AuthorizationCodes.Code c = codes.redeem(code).orElseThrow();
        assertThat(c.clientId()).isEqualTo("webapp");
        assertThat(c.redirectUri()).isEqualTo("https://app.example.test/cb");
        assertThat(c.nonce()).contains("n-1");
        assertThat(c.user().user().groups()).containsExactly("ml-engineers", "staff");
        assertThat(codes.redeem(code)).isEmpty();
        assertThat(codes.redeem("never-issued")).isEmpty();
    }

    @Test
    void anExpiredCodeIsRefusedAndGone() throws Exception {
        MemorySessionStore<AuthorizationCodes.Code> store = new MemorySessionStore<>(AuthorizationCodes.KIND);
        String code = SessionFixtures.code(new AuthorizationCodes(store, CODE_LIFETIME, at(LOGIN)), "alice");
        AuthorizationCodes late = new AuthorizationCodes(store, CODE_LIFETIME,
                at(LOGIN.plus(CODE_LIFETIME).plusSeconds(1)));
        assertThat(late.redeem(code)).isEmpty();
        assertThat(store.sweep(Instant.MAX)).isZero();
    }
}
