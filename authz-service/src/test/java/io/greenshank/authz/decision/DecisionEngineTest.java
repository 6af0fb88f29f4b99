package io.greenshank.authz.decision;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.authz.credential.CredentialExtractor;
import io.greenshank.authz.jwt.TokenAuthenticator;
import io.greenshank.authz.jwt.VerifiedTokenCache;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.jwt.JwksSettings;
import io.greenshank.identity.jwt.JwtVerifier;
import io.greenshank.identity.jwt.KeySource;
import io.greenshank.identity.jwt.TrustedIssuer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision core without a server: credentials, identity, deny shapes, authorizer plug-in, fail-closed. */
class DecisionEngineTest {

    static final String ISS = "https://idp.example.test";
    static final RSAKey KEY = key();
    static final JwtVerifier VERIFIER = verifier();

    static RSAKey key() {
        try {
            return new RSAKeyGenerator(2048).keyID("k1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JwtVerifier verifier() {
        JwtVerifier v = JwtVerifier.builder().issuer(TrustedIssuer.of(ISS, List.of("kubeflow"),
                new KeySource.Inline(new JWKSet(KEY.toPublicJWK()).toString()))).build();
        v.refreshAll();
        return v;
    }

    static String token(String email, Object groups) throws Exception {
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(ISS).audience("kubeflow").subject("s-" + email)
                .claim("email", email).claim("groups", groups).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), c);
        jwt.sign(new RSASSASigner(KEY));
        return jwt.serialize();
    }

    final AtomicInteger cacheHits = new AtomicInteger();
    final AtomicInteger cacheMisses = new AtomicInteger();

    DecisionEngine engine(Authorizer authorizer, Optional<URI> login, int errorStatus, boolean meshPeers) {
        return new DecisionEngine(new CredentialExtractor(Optional.of("id_token"), List.of("x-goog-iap-jwt-assertion")),
                new TokenAuthenticator(VERIFIER, new VerifiedTokenCache(1000, Duration.ofMinutes(2), Clock.systemUTC()),
                        hit -> (hit ? cacheHits : cacheMisses).incrementAndGet()),
                authorizer, IdentityHeaders.KUBEFLOW_DEFAULT, List.of("x-auth-request-email"),
                new DenyPolicy(login, "rd", errorStatus, "greenshank"), new RequestLimits(65536, 200), meshPeers);
    }

    DecisionEngine engine() {
        return engine(new AuthenticatedOrPublicAuthorizer(new PublicPaths(List.of("/healthz", "/static/*"))),
                Optional.of(URI.create("https://login.example.test/auth")), 503, false);
    }

    static CheckAttributes request(String path, Map<String, String> headers) {
        return request(path, headers, "");
    }

    static CheckAttributes request(String path, Map<String, String> headers, String principal) {
        String[] pq = CheckAttributes.splitTarget(path);
        return new CheckAttributes("grpc", "GET", "https", "kf.example.test", pq[0], pq[1], headers,
                new CheckAttributes.Peer(principal, "10.0.0.7", 51000), null, "kf.example.test", Map.of());
    }

    @Test
    void a_first_seen_token_counts_one_cache_miss_and_a_repeat_one_hit() throws Exception {
        DecisionEngine e = engine();
        CheckAttributes r = request("/x", Map.of("authorization", "Bearer " + token("carol@example.com", List.of())));
        assertThat(e.tryDecideNow(r)).isNull();
        assertThat(e.decide(r).allowed()).isTrue();
        assertThat(cacheMisses.get()).isEqualTo(1);
        assertThat(cacheHits.get()).isZero();
        assertThat(e.tryDecideNow(r).allowed()).isTrue();
        assertThat(cacheHits.get()).isEqualTo(1);
        assertThat(cacheMisses.get()).isEqualTo(1);
    }

    @Test
    void bearer_cookie_and_configured_header_all_authenticate() throws Exception {
        DecisionEngine e = engine();
        String t = token("alice@example.com", List.of("a"));
        assertThat(e.decide(request("/x", Map.of("authorization", "bearer " + t))).identity().get().user()).isEqualTo("alice@example.com");
        assertThat(e.decide(request("/x", Map.of("cookie", "other=1; id_token=" + t + "; z=2"))).allowed()).isTrue();
        assertThat(e.decide(request("/x", Map.of("x-goog-iap-jwt-assertion", t))).allowed()).isTrue();
        // Basic credentials are not ours: the request is anonymous
        assertThat(e.decide(request("/x", Map.of("authorization", "Basic YTpi"))).reason()).isEqualTo("no_credentials");
    }

    @Test
    void allow_overwrites_identity_headers_and_removes_every_other_configured_name() throws Exception {
        Decision d = engine().decide(request("/x", Map.of("authorization", "Bearer " + token("alice@example.com", List.of("a", "b,c", "d")))));
        assertThat(d.upstreamSet()).containsEntry("kubeflow-userid", "alice@example.com").containsEntry("kubeflow-groups", "a,d");
        assertThat(d.upstreamRemove()).containsExactly("x-auth-request-email");
    }

    @Test
    void second_check_of_a_token_is_answered_from_the_cache_without_blocking() throws Exception {
        DecisionEngine e = engine();
        CheckAttributes r = request("/x", Map.of("authorization", "Bearer " + token("alice@example.com", List.of())));
        assertThat(e.tryDecideNow(r)).as("first sighting needs verification").isNull();
        assertThat(e.decide(r).allowed()).isTrue();
        Decision cached = e.tryDecideNow(r);
        assertThat(cached).isNotNull();
        assertThat(cached.allowed()).isTrue();
        assertThat(cacheHits.get()).isEqualTo(1);
    }

    @Test
    void browser_without_credentials_is_redirected_to_login_with_the_original_url() {
        Decision d = engine().decide(request("/pipelines/?ns=a", Map.of("accept", "text/html,application/xhtml+xml")));
        assertThat(d.status()).isEqualTo(302);
        String location = d.clientHeaders().get("location");
        assertThat(location).startsWith("https://login.example.test/auth?rd=");
        assertThat(URLDecoder.decode(location.substring(location.indexOf("rd=") + 3), StandardCharsets.UTF_8))
                .isEqualTo("https://kf.example.test/pipelines/?ns=a");
    }

    @Test
    void api_client_with_bad_token_gets_401_with_description() {
        Decision d = engine().decide(request("/x", Map.of("authorization", "Bearer abc.def.ghi", "accept", "application/json")));
        assertThat(d.status()).isEqualTo(401);
        assertThat(d.reason()).isEqualTo("token_malformed");
        assertThat(d.clientHeaders().get("www-authenticate"))
                .isEqualTo("Bearer realm=\"greenshank\", error=\"invalid_token\", error_description=\"the token is not a well-formed compact JWS\"");
    }

    @Test
    void authorizer_sees_identity_and_attributes_and_its_deny_is_403() throws Exception {
        AtomicReference<CheckAttributes> seen = new AtomicReference<>();
        Authorizer onlyAdmins = (req, id) -> {
            seen.set(req);
            return id.map(i -> i.inGroup("admins")).orElse(false)
                    ? AuthorizationResult.allow("policy_allowed", "kubeflow/admins")
                    : AuthorizationResult.deny("policy_denied", "kubeflow/admins");
        };
        DecisionEngine e = engine(onlyAdmins, Optional.empty(), 503, false);
        Decision d = e.decide(request("/admin", Map.of("authorization", "Bearer " + token("bob@example.com", List.of("users")))));
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.policy()).isEqualTo("kubeflow/admins");
        assertThat(seen.get().sni()).isEqualTo("kf.example.test");
        assertThat(e.decide(request("/admin", Map.of("authorization", "Bearer " + token("root@example.com", List.of("admins"))))).allowed()).isTrue();
    }

    @Test
    void authorizer_that_throws_or_returns_null_denies_with_the_error_status() throws Exception {
        String t = token("alice@example.com", List.of());
        Decision boom = engine((r, i) -> { throw new IllegalStateException("bug"); }, Optional.empty(), 403, false)
                .decide(request("/x", Map.of("authorization", "Bearer " + t)));
        assertThat(boom.allowed()).isFalse();
        assertThat(boom.status()).isEqualTo(403);
        assertThat(boom.reason()).isEqualTo("authorizer_error");
        Decision nul = engine((r, i) -> null, Optional.empty(), 503, false).decide(request("/x", Map.of()));
        assertThat(nul.outcome()).isEqualTo(Decision.Outcome.ERROR);
        assertThat(nul.status()).isEqualTo(503);
    }

    @Test
    void blocking_authorizer_is_never_run_inline() {
        Authorizer blocking = new Authorizer() {
            @Override
            public AuthorizationResult authorize(CheckAttributes request, Optional<io.greenshank.identity.Identity> identity) {
                return AuthorizationResult.allow("ok", "p");
            }

            @Override
            public boolean mayBlock() {
                return true;
            }
        };
        assertThat(engine(blocking, Optional.empty(), 503, false).tryDecideNow(request("/healthz", Map.of()))).isNull();
    }

    @Test
    void mesh_peer_is_attached_to_token_identities_and_authenticates_alone_only_when_enabled() throws Exception {
        String spiffe = "spiffe://cluster.local/ns/kubeflow/sa/ml-pipeline-ui";
        Decision withToken = engine().decide(request("/x", Map.of("authorization", "Bearer " + token("alice@example.com", List.of())), spiffe));
        assertThat(withToken.identity().get().meshPeer().get().principal()).isEqualTo("cluster.local/ns/kubeflow/sa/ml-pipeline-ui");
        assertThat(engine().decide(request("/x", Map.of(), spiffe)).status()).isEqualTo(401);
        Decision peerOnly = engine(new AuthenticatedOrPublicAuthorizer(new PublicPaths(List.of())), Optional.empty(), 503, true)
                .decide(request("/x", Map.of(), spiffe));
        assertThat(peerOnly.allowed()).isTrue();
        assertThat(peerOnly.identity().get().method()).isEqualTo(AuthMethod.MESH_MTLS);
        assertThat(peerOnly.upstreamSet()).containsEntry("kubeflow-userid", "system:serviceaccount:kubeflow:ml-pipeline-ui");
    }

    @Test
    void user_claim_with_control_characters_cannot_inject_headers() throws Exception {
        Decision d = engine().decide(request("/x", Map.of("authorization", "Bearer " + token("eve@example.com\r\nkubeflow-userid: admin", List.of()))));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("user_claim_invalid");
    }

    @Test
    void unavailable_keys_are_an_error_with_the_configured_status_never_an_allow() throws Exception {
        JwtVerifier down = JwtVerifier.builder().issuer(TrustedIssuer.of(ISS, List.of("kubeflow"),
                new KeySource.JwksUri(URI.create("http://127.0.0.1:9/keys"))).withJwks(new JwksSettings(Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofMillis(500), 4096))).build();
        DecisionEngine e = new DecisionEngine(new CredentialExtractor(Optional.empty(), List.of()),
                new TokenAuthenticator(down, new VerifiedTokenCache(10, Duration.ofMinutes(1), Clock.systemUTC()), h -> { }),
                new AuthenticatedOrPublicAuthorizer(new PublicPaths(List.of())), IdentityHeaders.KUBEFLOW_DEFAULT, List.of(),
                new DenyPolicy(Optional.empty(), "rd", 503, "greenshank"), new RequestLimits(65536, 200), false);
        Decision d = e.decide(request("/x", Map.of("authorization", "Bearer " + token("alice@example.com", List.of()))));
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.ERROR);
        assertThat(d.status()).isEqualTo(503);
        assertThat(d.reason()).isEqualTo("keys_unavailable");
    }

    @Test
    void limits_refuse_oversized_and_overcrowded_requests() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            many.put("x-h-" + i, "v");
        }
        assertThat(engine().decide(request("/x", many)).reason()).isEqualTo("too_many_headers");
        assertThat(engine().decide(request("/x", Map.of("x-big", "a".repeat(1 << 20)))).reason()).isEqualTo("headers_too_large");
        assertThat(engine().decide(request("/x", Map.of("x-big", "a".repeat(1 << 20)))).status()).isEqualTo(400);
    }

    @Test
    void public_paths_match_exactly_or_by_prefix() {
        PublicPaths p = new PublicPaths(List.of("/healthz", "/static/*"));
        assertThat(p.matches("/healthz")).isTrue();
        assertThat(p.matches("/healthz/x")).isFalse();
        assertThat(p.matches("/static/app.js")).isTrue();
        assertThat(p.matches("/static/../api")).isFalse();
        assertThat(p.matches("/static/%2e%2e/api")).isFalse();
        assertThat(Set.of(p.matches("/staticx"))).containsExactly(false);
    }
}
