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
import io.greenshank.testing.time.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        return request("GET", path, headers, principal);
    }

    static CheckAttributes request(String method, String path, Map<String, String> headers, String principal) {
        String[] pq = CheckAttributes.splitTarget(path);
        return new CheckAttributes("grpc", method, "https", "kf.example.test", pq[0], pq[1], headers,
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
    void a_cached_token_is_refused_like_any_other_once_its_issuers_keys_are_stale() throws Exception {
        Path jwks = Files.createTempFile("jwks", ".json");
        Files.writeString(jwks, new JWKSet(KEY.toPublicJWK()).toString());
        MutableClock clock = new MutableClock(Instant.now());
        JwtVerifier v = JwtVerifier.builder().clock(clock).issuer(TrustedIssuer.of(ISS, List.of("kubeflow"),
                new KeySource.JwksFile(jwks)).withJwks(new JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofMinutes(1), Duration.ofMillis(500), 4096))).build();
        v.refreshAll();
        DecisionEngine e = new DecisionEngine(new CredentialExtractor(Optional.empty(), List.of()),
                new TokenAuthenticator(v, new VerifiedTokenCache(10, Duration.ofHours(1), Clock.systemUTC()),
                        hit -> (hit ? cacheHits : cacheMisses).incrementAndGet()),
                new AuthenticatedOrPublicAuthorizer(new PublicPaths(List.of())), IdentityHeaders.KUBEFLOW_DEFAULT, List.of(),
                new DenyPolicy(Optional.empty(), "rd", 503, "greenshank"), new RequestLimits(65536, 200), false);
        Map<String, String> headers = Map.of("authorization", "Bearer " + token("alice@example.com", List.of()));
        assertThat(e.decide(request("/x", headers)).allowed()).isTrue();
        assertThat(e.decide(request("/x", headers)).allowed()).isTrue();
        assertThat(cacheHits).hasValue(1);

        Files.delete(jwks); // the key source is gone, and the last keys outlive max-stale
        clock.advance(Duration.ofMinutes(2));
        Decision d = e.decide(request("/x", headers));
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.ERROR);
        assertThat(d.status()).isEqualTo(503);
        assertThat(d.reason()).isEqualTo("keys_unavailable");
        assertThat(cacheHits).as("a stale issuer's cached identity is not a hit").hasValue(1);
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

    /** An authorizer that counts its calls and answers with a fixed kind. */
    static Authorizer answering(AtomicInteger calls, AuthorizationResult answer) {
        return (req, id) -> {
            calls.incrementAndGet();
            return answer;
        };
    }

    @Test
    void a_policy_refusal_is_403_even_for_an_anonymous_caller_or_a_bare_mesh_peer() {
        AtomicInteger calls = new AtomicInteger();
        DecisionEngine e = engine(answering(calls, AuthorizationResult.deny("policy_no_match", "ns/p#0")),
                Optional.of(URI.create("https://login.example.test/auth")), 503, false);
        Decision anonymous = e.decide(request("/x", Map.of("accept", "text/html")));
        assertThat(anonymous.status()).as("no login redirect: a login would not change the policy").isEqualTo(403);
        assertThat(anonymous.denial()).isEqualTo(Decision.Denial.POLICY);
        assertThat(anonymous.clientHeaders()).doesNotContainKeys("www-authenticate", "location");
        assertThat(anonymous.body()).contains("\"policy\":\"ns/p#0\"");
        Decision meshPeer = e.decide(request("/x", Map.of(), "spiffe://cluster.local/ns/a/sa/b"));
        assertThat(meshPeer.status()).isEqualTo(403);
        assertThat(meshPeer.reason()).isEqualTo("policy_no_match");
    }

    @Test
    void credential_required_is_401_or_the_login_redirect_and_says_so() {
        AtomicInteger calls = new AtomicInteger();
        DecisionEngine e = engine(answering(calls, AuthorizationResult.credentialRequired("rbac_requires_identity",
                "route#0")), Optional.of(URI.create("https://login.example.test/auth")), 503, false);
        Decision api = e.decide(request("/api", Map.of()));
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.denial()).isEqualTo(Decision.Denial.CREDENTIAL_REQUIRED);
        assertThat(api.reason()).isEqualTo("rbac_requires_identity");
        assertThat(api.clientHeaders().get("www-authenticate")).startsWith("Bearer ");
        Decision browser = e.decide(request("/api", Map.of("accept", "text/html")));
        assertThat(browser.status()).isEqualTo(302);
        assertThat(browser.denial()).isEqualTo(Decision.Denial.CREDENTIAL_REQUIRED);
        // the baseline's no_credentials is the same kind
        Decision baseline = engine().decide(request("/x", Map.of()));
        assertThat(baseline.status()).isEqualTo(401);
        assertThat(baseline.denial()).isEqualTo(Decision.Denial.CREDENTIAL_REQUIRED);
    }

    @Test
    void a_refused_token_is_credential_invalid_and_a_bad_request_result_is_400() throws Exception {
        Decision bad = engine().decide(request("/x", Map.of("authorization", "Bearer abc.def.ghi")));
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.denial()).isEqualTo(Decision.Denial.CREDENTIAL_INVALID);
        AtomicInteger calls = new AtomicInteger();
        Decision unjudgeable = engine(answering(calls, AuthorizationResult.badRequest("path_rejected")),
                Optional.empty(), 503, false).decide(request("/x", Map.of()));
        assertThat(unjudgeable.status()).isEqualTo(400);
        assertThat(unjudgeable.denial()).isEqualTo(Decision.Denial.BAD_REQUEST);
        assertThat(unjudgeable.body()).contains("bad_request");
        Decision ok = engine().decide(request("/x", Map.of("authorization", "Bearer " + token("a@example.com", List.of()))));
        assertThat(ok.denial()).isEqualTo(Decision.Denial.NONE);
    }

    @Test
    void a_method_envoy_would_refuse_is_400_before_any_credential_or_policy() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        DecisionEngine e = engine(answering(calls, AuthorizationResult.allow("ok", "p")), Optional.empty(), 503, false);
        String t = token("alice@example.com", List.of());
        for (String m : new String[] {"get", "Get", "GE T", "", "G\u0000T", "GET\r\n", "GET\t", "G\u00c9T", "GET/1"}) {
            CheckAttributes r = request(m, "/x", Map.of("authorization", "Bearer " + t), "");
            for (Decision d : List.of(e.tryDecideNow(r), e.decide(r))) {
                assertThat(d.status()).as("'%s'", m).isEqualTo(400);
                assertThat(d.reason()).isEqualTo("method_invalid");
                assertThat(d.denial()).isEqualTo(Decision.Denial.BAD_REQUEST);
            }
        }
        assertThat(calls.get()).as("the authorizer never saw them").isZero();
        assertThat(cacheMisses.get() + cacheHits.get()).as("no token was looked at").isZero();
        for (String m : new String[] {"GET", "POST", "PROPFIND", "M-SEARCH", "PATCH", "CONNECT", "X_CUSTOM.1"}) {
            assertThat(e.decide(request(m, "/x", Map.of(), "")).allowed()).as(m).isTrue();
        }
    }

    @Test
    void a_malformed_path_is_400_path_rejected_even_without_credentials() {
        AtomicInteger calls = new AtomicInteger();
        DecisionEngine e = engine(answering(calls, AuthorizationResult.allow("ok", "p")), Optional.empty(), 503, false);
        for (String p : new String[] {"", "x", "*", "/a\u0000b", "/a%00b", "/a\rb", "/a\nb", "/a\u007fb", "/a\tb"}) {
            Decision d = e.decide(new CheckAttributes("grpc", "GET", "https", "h", p, "", Map.of(), null, null, "", null));
            assertThat(d.status()).as("'%s'", p).isEqualTo(400);
            assertThat(d.reason()).isEqualTo("path_rejected");
        }
        // the baseline alone: anonymous, non-public, malformed: 400, not 401
        Decision anonymous = engine().decide(request("/a%00", Map.of()));
        assertThat(anonymous.status()).isEqualTo(400);
        assertThat(calls.get()).isZero();
        assertThat(e.decide(request("/a/%2e%2e/b", Map.of())).allowed()).as("judged, not refused").isTrue();
    }

    @Test
    void a_header_envoy_would_refuse_is_400_and_other_control_characters_are_judged() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        DecisionEngine e = engine(answering(calls, AuthorizationResult.allow("ok", "p")), Optional.empty(), 503, false);
        for (Map<String, String> h : List.of(Map.of("x-a", "v\r\nkubeflow-userid: admin"), Map.of("x-a", "a\u0000"),
                Map.of("x-a", "a\nb"), Map.of("bad name", "v"), Map.of("", "v"), Map.of(":", "v"), Map.of("x\u00e9", "v"),
                Map.of("kubeflow-userid", "admin\r\n"))) {
            Decision d = e.decide(request("/x", h));
            assertThat(d.status()).as(h.toString()).isEqualTo(400);
            assertThat(d.reason()).isEqualTo("header_invalid");
        }
        assertThat(calls.get()).isZero();
        Decision judged = e.decide(request("/x", Map.of("x-a", "bell\u0007", ":authority", "h", "x-b", "tab\there")));
        assertThat(judged.allowed()).isTrue();
    }

    @Test
    void smuggled_identity_headers_in_any_casing_or_repetition_never_become_the_identity() throws Exception {
        DecisionEngine e = engine();
        Map<String, String> smuggled = Map.of("kubeflow-userid", "root@example.com,admin@example.com",
                "kubeflow-groups", "admins", "x-auth-request-email", "root@example.com");
        Decision anonymous = e.decide(request("/healthz", smuggled));
        assertThat(anonymous.allowed()).isTrue();
        assertThat(anonymous.identity()).isEmpty();
        assertThat(anonymous.upstreamSet()).isEmpty();
        assertThat(anonymous.upstreamRemove()).contains("kubeflow-userid", "kubeflow-groups", "x-auth-request-email");
        Decision withToken = e.decide(request("/x", Map.of("authorization", "Bearer " + token("bob@example.com",
                List.of("ml")), "kubeflow-userid", "root@example.com", "kubeflow-groups", "admins")));
        assertThat(withToken.upstreamSet()).containsEntry("kubeflow-userid", "bob@example.com")
                .containsEntry("kubeflow-groups", "ml");
        // two bearer tokens joined by a repeated header are not one credential
        Decision two = e.decide(request("/x", Map.of("authorization", "Bearer " + token("bob@example.com", List.of())
                + ",Bearer " + token("eve@example.com", List.of()))));
        assertThat(two.allowed()).isFalse();
        assertThat(two.status()).isEqualTo(401);
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

    /** Found by HttpCheckRequestFuzzTest: a backslash or an escaped slash must not carry dot segments past a prefix. */
    @Test
    void public_paths_refuse_backslashes_and_escaped_separators() {
        PublicPaths p = new PublicPaths(List.of("/static/*"));
        assertThat(p.matches("/static/\\..\\admin")).isFalse();
        assertThat(p.matches("/static/.\\..\\admin")).isFalse();
        assertThat(p.matches("/static/.%2f..%2Fadmin")).isFalse();
        assertThat(p.matches("/static/.%5c..%5Cadmin")).isFalse();
        assertThat(p.matches("/static/%41pp.js")).isTrue();
    }
}
