package io.greenshank.bridge.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.keys.MemoryKeyRingStore;
import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.oidc.AuthorizationRequests.Pending;
import io.greenshank.bridge.oidc.AuthorizationRequests.Refusal;
import io.greenshank.bridge.session.MemorySessionStore;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.token.IssuedTokens;
import io.greenshank.bridge.token.TokenMinter;
import io.greenshank.bridge.token.TokenVerifier;
import io.greenshank.identity.AuthMethod;
import io.greenshank.testing.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sealing a login form's request into a JWS and verifying it when the form comes back. */
class AuthorizationRequestsTest {

    static final String ISSUER = "https://bridge.example.test";
    static final String AUDIENCE = ISSUER + "/authorize";
    static final String CB = "https://app.example.test/cb";
    static final String OTHER_CB = "https://app.example.test/other";
    static final Duration PERIOD = Duration.ofDays(30);
    static final Duration AHEAD = Duration.ofHours(6);

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T08:00:00.250Z"));
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final Map<String, OidcClient> clients = new HashMap<>();
    final MemorySessionStore<AuthorizationRequests.Spent> spent =
            new MemorySessionStore<>(AuthorizationRequests.SPENT_KIND);
    KeyManager keys;
    AuthorizationRequests requests;

    @BeforeEach
    void setUp() throws Exception {
        clients.put("webapp", new OidcClient("webapp", Optional.of("s3cret"), List.of(CB, OTHER_CB),
                Set.of("authorization_code"), List.of()));
        clients.put("kubectl", new OidcClient("kubectl", Optional.empty(), List.of(CB),
                Set.of("authorization_code"), List.of()));
        keys = keyManager("ES256");
        requests = requests(keys);
    }

    KeyManager keyManager(String algorithm) throws Exception {
        KeyManager km = new KeyManager(new MemoryKeyRingStore(), clock, PERIOD, AHEAD,
                IssuanceBenchmark.lifetimes().maxJwtLifetime(), KeyManager.generator(algorithm));
        km.refresh();
        return km;
    }

    AuthorizationRequests requests(KeyManager km) {
        return new AuthorizationRequests(km, spent, id -> Optional.ofNullable(clients.get(id)), metrics, clock);
    }

    Pending webapp() {
        return requests.pending("webapp", CB, Optional.of("st-1"), Optional.of("n-1"), Optional.empty(),
                Set.of("openid", "groups"));
    }

    Refusal refusal(String sealed) {
        try {
            requests.unseal(sealed, AUDIENCE);
        } catch (AuthorizationRequests.RefusedException e) {
            return e.refusal();
        }
        return fail("accepted: " + sealed);
    }

    double refusals(Refusal r) {
        var c = metrics.find(AuthorizationRequests.METRIC).tag("reason", r.name().toLowerCase()).counter();
        return c == null ? 0 : c.count();
    }

    static String part(String jws, int i) {
        return new String(Base64.getUrlDecoder().decode(jws.split("\\.")[i]), StandardCharsets.UTF_8);
    }

    static String withPart(String jws, int i, String json) {
        String[] p = jws.split("\\.", -1);
        p[i] = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        return String.join(".", p);
    }

    @Test
    void aSealedRequestReadsBackExactlyAndIsTypedForTheAuthorizeEndpointOnly() throws Exception {
        for (String alg : List.of("ES256", "RS256")) {
            keys = keyManager(alg);
            requests = requests(keys);
            Pending p = requests.pending("kubectl", CB, Optional.of("st"), Optional.empty(),
                    Optional.of("c".repeat(43)), Set.of("openid"));
            String sealed = requests.seal(p, AUDIENCE);

            AuthorizationRequests.Verified v = requests.unseal(sealed, AUDIENCE);
            assertThat(v.request()).isEqualTo(p);
            assertThat(v.id()).hasSizeGreaterThanOrEqualTo(22);
            SignedJWT jwt = SignedJWT.parse(sealed);
            assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("greenshank-authz-request+jwt"));
            assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(alg);
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.signer().kid());
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            assertThat(c.getAudience()).containsExactly(AUDIENCE);
            assertThat(c.getExpirationTime().toInstant()).isEqualTo(p.expiresAt())
                    .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            .plus(AuthorizationRequests.LIFETIME));
            assertThat(c.getIssuer()).as("no iss: no relying party can take it for an ID token").isNull();
            assertThat(c.getSubject()).as("no sub").isNull();
            assertThat(c.getClaims().keySet()).containsExactlyInAnyOrder("aud", "iat", "exp", "jti", "authz_request");
        }
        assertThat(requests.unseal(requests.seal(webapp(), AUDIENCE), AUDIENCE).id())
                .as("every form its own jti").isNotEqualTo(requests.unseal(requests.seal(webapp(), AUDIENCE),
                        AUDIENCE).id());
    }

    @Test
    void aTamperedRequestIsRefused() {
        String sealed = requests.seal(webapp(), AUDIENCE);
        String payload = part(sealed, 1);
        assertThat(payload).contains(CB);

        assertThat(refusal(withPart(sealed, 1, payload.replace(CB, OTHER_CB))))
                .as("another registered redirect URI").isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(refusal(withPart(sealed, 1, payload.replace("\"st-1\"", "\"st-2\"")))).isEqualTo(
                Refusal.BAD_SIGNATURE);
        String[] p = sealed.split("\\.");
        char last = p[2].charAt(10);
        p[2] = p[2].substring(0, 10) + (last == 'A' ? 'B' : 'A') + p[2].substring(11);
        assertThat(refusal(String.join(".", p))).as("a flipped signature byte").isEqualTo(Refusal.BAD_SIGNATURE);
        assertThat(refusal(sealed.substring(0, sealed.lastIndexOf('.') + 1))).as("signature stripped")
                .isIn(Refusal.MALFORMED, Refusal.BAD_SIGNATURE);
        assertThat(refusals(Refusal.BAD_SIGNATURE)).isGreaterThanOrEqualTo(3);
    }

    @Test
    void expiryHoldsWithASmallSkewAllowance() throws Exception {
        Pending p = webapp();
        String sealed = requests.seal(p, AUDIENCE);
        clock.set(p.expiresAt().plus(AuthorizationRequests.CLOCK_SKEW).minusSeconds(1));
        assertThat(requests.unseal(sealed, AUDIENCE).request()).isEqualTo(p);
        clock.set(p.expiresAt().plus(AuthorizationRequests.CLOCK_SKEW).plusSeconds(1));
        assertThat(refusal(sealed)).isEqualTo(Refusal.EXPIRED);
        assertThat(refusals(Refusal.EXPIRED)).isEqualTo(1.0);
    }

    @Test
    void onlyTheExactTypeAndAudienceAreAccepted() throws Exception {
        String sealed = requests.seal(webapp(), AUDIENCE);
        assertThat(refusal(withPart(sealed, 0, part(sealed, 0).replace("greenshank-authz-request+jwt", "JWT"))))
                .isEqualTo(Refusal.WRONG_TYPE);
        assertThat(refusal(requests.seal(webapp(), "https://other-bridge.example.test/authorize")))
                .isEqualTo(Refusal.WRONG_AUDIENCE);
        assertThat(refusal(requests.seal(webapp(), ISSUER))).isEqualTo(Refusal.WRONG_AUDIENCE);

        // The bridge's own ID and access tokens, signed with the same key, are not login forms.
        TokenMinter minter = new TokenMinter(keys, null, IssuanceBenchmark.lifetimes(), clock);
        OidcClient noRefresh = new OidcClient("webapp", Optional.empty(), List.of(CB), Set.of("authorization_code"),
                List.of(AUDIENCE));
        IssuedTokens t = minter.mint(ISSUER, noRefresh, GrantResult.of(alice(), Set.of("openid")));
        assertThat(refusal(t.idToken().orElseThrow())).isEqualTo(Refusal.WRONG_TYPE);
        assertThat(refusal(t.accessToken())).as("even one whose aud is the authorize endpoint")
                .isEqualTo(Refusal.WRONG_TYPE);
        assertThat(refusals(Refusal.WRONG_TYPE)).isEqualTo(3.0);
    }

    @Test
    void ourTokenVerifierNeverTakesASealedRequestForAToken() {
        TokenVerifier verifier = new TokenVerifier(keys);
        String sealed = requests.seal(webapp(), AUDIENCE);
        assertThat(verifier.verify(sealed, ISSUER, true, false)).as("as an access token").isEmpty();
        assertThat(verifier.verify(sealed, ISSUER, false, false)).as("as an ID token").isEmpty();
        assertThat(verifier.verify(sealed, ISSUER, false, true)).as("as a logout hint").isEmpty();
    }

    @Test
    void keysFromElsewhereAndAlgorithmTricksAreRefused() throws Exception {
        KeyManager foreign = keyManager("ES256");
        assertThat(refusal(requests(foreign).seal(webapp(), AUDIENCE))).as("another bridge's ring")
                .isEqualTo(Refusal.UNKNOWN_KEY);

        String kid = keys.signer().kid();
        JWTClaimsSet claims = SignedJWT.parse(requests.seal(webapp(), AUDIENCE)).getJWTClaimsSet();
        JOSEObjectType type = new JOSEObjectType(AuthorizationRequests.TYPE);
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(type).build(),
                claims);
        forged.sign(foreign.signer().signer());
        assertThat(refusal(forged.serialize())).as("our kid, another key").isEqualTo(Refusal.BAD_SIGNATURE);

        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(type).build(),
                claims);
        hmac.sign(new MACSigner(keys.publicKeys().getKeyByKeyId(kid).toJSONString()
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(refusal(hmac.serialize())).as("HS256 keyed with our public key").isEqualTo(Refusal.BAD_SIGNATURE);

        SignedJWT noKid = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).build(), claims);
        noKid.sign(keys.signer().signer());
        assertThat(refusal(noKid.serialize())).isEqualTo(Refusal.UNKNOWN_KEY);

        SignedJWT noExpiry = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(type).build(),
                new JWTClaimsSet.Builder(claims).expirationTime(null).build());
        noExpiry.sign(keys.signer().signer());
        assertThat(refusal(noExpiry.serialize())).isEqualTo(Refusal.MALFORMED);
    }

    @Test
    void garbageIsMalformed() {
        String unsecured = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"greenshank-authz-request+jwt\"}".getBytes(StandardCharsets.UTF_8))
                + "." + requests.seal(webapp(), AUDIENCE).split("\\.")[1] + ".";
        for (String g : new String[]{null, "", "not-a-form", "a.b.c", "....", unsecured, "x".repeat(20_000),
                SessionKeys.random(24)}) {
            assertThat(refusal(g)).as(String.valueOf(g).substring(0, Math.min(20, String.valueOf(g).length())))
                    .isEqualTo(Refusal.MALFORMED);
        }
        assertThat(refusals(Refusal.MALFORMED)).isEqualTo(8.0);
    }

    @Test
    void aFormIsRefusedOnceItsClientMayNoLongerMakeTheRequest() {
        String webapp = requests.seal(webapp(), AUDIENCE);
        String kubectl = requests.seal(requests.pending("kubectl", CB, Optional.empty(), Optional.empty(),
                Optional.of("c".repeat(43)), Set.of("openid")), AUDIENCE);

        clients.put("webapp", new OidcClient("webapp", Optional.of("s3cret"), List.of(OTHER_CB),
                Set.of("authorization_code"), List.of()));
        assertThat(refusal(webapp)).as("redirect URI unregistered").isEqualTo(Refusal.CLIENT_CHANGED);
        clients.put("webapp", new OidcClient("webapp", Optional.empty(), List.of(CB), Set.of("authorization_code"),
                List.of()));
        assertThat(refusal(webapp)).as("now public, and the request had no PKCE").isEqualTo(Refusal.CLIENT_CHANGED);
        clients.put("kubectl", new OidcClient("kubectl", Optional.empty(), List.of(CB), Set.of("password"),
                List.of()));
        assertThat(refusal(kubectl)).as("code flow withdrawn").isEqualTo(Refusal.CLIENT_CHANGED);
        clients.remove("kubectl");
        assertThat(refusal(kubectl)).as("client removed").isEqualTo(Refusal.CLIENT_CHANGED);
    }

    @Test
    void aFormSealedBeforeARotationVerifiesWhileItsKeyIsPublished() throws Exception {
        Instant start = clock.instant();
        clock.set(start.plus(PERIOD).minus(AHEAD));
        keys.refresh();
        assertThat(keys.ring().keys()).as("the successor is published ahead").hasSize(2);
        clock.set(start.plus(PERIOD).minusSeconds(60));
        Pending p = webapp();
        String sealed = requests.seal(p, AUDIENCE);
        String oldKid = SignedJWT.parse(sealed).getHeader().getKeyID();

        clock.set(start.plus(PERIOD).plusSeconds(60));
        keys.refresh();
        assertThat(keys.signer().kid()).as("rotated").isNotEqualTo(oldKid);
        assertThat(requests.unseal(sealed, AUDIENCE).request()).isEqualTo(p);
        assertThat(SignedJWT.parse(requests.seal(webapp(), AUDIENCE)).getHeader().getKeyID())
                .isEqualTo(keys.signer().kid());

        clock.set(p.expiresAt().plus(AuthorizationRequests.CLOCK_SKEW));
        keys.refresh();
        assertThat(keys.publicKeys().getKeyByKeyId(oldKid)).as("published as long as the form lives").isNotNull();
        assertThat(requests.unseal(sealed, AUDIENCE).request()).isEqualTo(p);

        clock.advance(Duration.ofMinutes(2));
        keys.refresh();
        assertThat(keys.publicKeys().getKeyByKeyId(oldKid)).as("then retired").isNull();
        assertThat(refusal(sealed)).isEqualTo(Refusal.UNKNOWN_KEY);
    }

    @Test
    void spendingSucceedsOnceAndOutlivesTheFormAtEveryReplica() throws Exception {
        AuthorizationRequests.Verified v = requests.unseal(requests.seal(webapp(), AUDIENCE), AUDIENCE);
        assertThat(requests.spend(v)).isTrue();
        assertThat(requests.spend(v)).as("the same form again").isFalse();
        assertThat(refusals(Refusal.SPENT)).isEqualTo(1.0);

        var stored = spent.get(SessionKeys.sha256Hex(v.id())).orElseThrow().value();
        assertThat(stored.expiresAt()).isEqualTo(v.request().expiresAt()
                .plus(AuthorizationRequests.CLOCK_SKEW.multipliedBy(2)));
        assertThat(spent.sweep(v.request().expiresAt().plus(AuthorizationRequests.CLOCK_SKEW).plusSeconds(1)))
                .as("still kept when the last replica could accept the form").isZero();
        assertThat(spent.sweep(stored.expiresAt())).isEqualTo(1);
    }

    static AuthenticatedUser alice() {
        return AuthenticatedUser.of(new DirectoryUser("subject-of-alice", "alice", "uid=alice,dc=test",
                Optional.empty(), Optional.empty(), List.of("staff"), AccountStatus.ACTIVE), AuthMethod.PASSWORD,
                Instant.now());
    }
}
