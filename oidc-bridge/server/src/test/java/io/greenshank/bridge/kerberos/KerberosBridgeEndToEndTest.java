package io.greenshank.bridge.kerberos;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import io.greenshank.bridge.ldap.DirectoryProducer;
import io.greenshank.kubectl.SpnegoInitiator;
import io.greenshank.kubectl.testing.Kubectl;
import io.greenshank.kubectl.testing.PluginInstall;
import io.greenshank.kubectl.testing.TestApiServer;
import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.tls.SelfSignedTls;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge's Kerberos login against real peers: an MIT KDC on loopback, {@code kinit}, {@code curl --negotiate -u :}
 * at the token and authorization endpoints, and the real kubectl running the plugin against an HTTPS API server
 * that verifies the bridge's RS256 token with the bridge's JWKS.
 */
@QuarkusTest
@TestProfile(KerberosTestProfile.class)
class KerberosBridgeEndToEndTest {
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String SPNEGO_TYPE = "urn:greenshank:params:oauth:token-type:spnego";

    static MitKdc kdc;
    static Path work;
    static Path aliceCcache;
    static Path carolCcache;
    static Path daveCcache;

    @TestHTTPResource(value = "/", tls = true)
    URL httpsRoot;

    @Inject
    DirectoryProducer directories;

    @BeforeAll
    static void users() throws Exception {
        kdc = MitKdc.shared();
        work = Files.createTempDirectory("greenshank-kerberos-e2e-");
        // alice and bob are in the bridge's directory; carol is locked there; dave is not in it at all.
        for (String user : List.of("alice", "carol", "dave")) {
            try {
                kdc.addUser(user, user + "-krb-pw");
            } catch (java.io.IOException alreadyThere) {
                // another test class of this JVM created the principal
            }
        }
        aliceCcache = kdc.kinit("alice", "alice-krb-pw");
        carolCcache = kdc.kinit("carol", "carol-krb-pw");
        daveCcache = kdc.kinit("dave", "dave-krb-pw");
    }

    private String issuer() {
        String s = httpsRoot.toString().replace("127.0.0.1", "localhost");
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Runs curl with the realm's environment; returns {status line headers..., body}. */
    private String[] curl(Path ccache, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert",
                KerberosTestProfile.bridgeCertificate().toString(), "-D", "-"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().putAll(kdc.env(ccache));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl: %s", err).isZero();
        // With --negotiate, curl prints the 401 challenge's headers too; the last response is what counts.
        int last = out.lastIndexOf("HTTP/");
        String response = out.substring(last);
        int split = response.indexOf("\r\n\r\n");
        return new String[] {response.substring(0, split), response.substring(split + 4)};
    }

    private String[] curlToken(Path ccache, boolean negotiate) throws Exception {
        List<String> args = new ArrayList<>();
        if (negotiate) {
            args.addAll(List.of("--negotiate", "-u", ":"));
        }
        args.addAll(List.of("-d", "grant_type=" + EXCHANGE, "-d", "subject_token_type=" + SPNEGO_TYPE,
                "-d", "client_id=kubectl", "-d", "scope=openid", issuer() + "/token"));
        return curl(ccache, args.toArray(String[]::new));
    }

    private static Map<String, Object> json(String body) {
        return io.restassured.path.json.JsonPath.from(body).getMap("");
    }

    private static int status(String headers) {
        return Integer.parseInt(headers.split(" ")[1]);
    }

    private static Optional<String> header(String headers, String name) {
        return headers.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst();
    }

    @Test
    void curlNegotiateGetsAnIdTokenWithKerberosAmrAndTheMutualToken() throws Exception {
        String[] response = curlToken(aliceCcache, true);
        assertThat(status(response[0])).as(response[1]).isEqualTo(200);
        assertThat(header(response[0], "WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).startsWith("Negotiate ").hasSizeGreaterThan(20));
        JWTClaimsSet claims = SignedJWT.parse((String) json(response[1]).get("id_token")).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer());
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringClaim("email")).isEqualTo("alice@example.com");
        assertThat(claims.getStringListClaim("groups")).contains("ml-engineers", "platform-users");
        assertThat(claims.getStringListClaim("amr")).isEqualTo(List.of("kerberos"));
        assertThat(claims.getSubject()).isNotEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly("kubectl");
    }

    @Test
    void theKerberosExchangeIssuesARefreshTokenWhoseRefreshKeepsKerberosAmrAndWhoseReuseRevokesTheFamily()
            throws Exception {
        String[] login = curlToken(aliceCcache, true);
        assertThat(status(login[0])).as(login[1]).isEqualTo(200);
        String first = (String) json(login[1]).get("refresh_token");
        assertThat(first).as("refresh_token of a Kerberos login").isNotBlank();

        Response refreshed = refresh(first);
        refreshed.then().statusCode(200);
        JWTClaimsSet claims = SignedJWT.parse(refreshed.jsonPath().getString("id_token")).getJWTClaimsSet();
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("amr")).isEqualTo(List.of("kerberos"));
        String second = refreshed.jsonPath().getString("refresh_token");
        assertThat(second).isNotBlank().isNotEqualTo(first);

        // The spent token presented again is a sign of theft: refused, and its successor dies with the family.
        refresh(first).then().statusCode(400);
        Response successor = refresh(second);
        successor.then().statusCode(400);
        assertThat(successor.jsonPath().getString("error")).isEqualTo("invalid_grant");
    }

    @Test
    void aKerberosFamilyIsRefusedAtRefreshOnceTheUserIsLockedInTheDirectory() throws Exception {
        String[] login = curlToken(aliceCcache, true);
        assertThat(status(login[0])).as(login[1]).isEqualTo(200);
        String refreshToken = (String) json(login[1]).get("refresh_token");
        InMemoryDirectoryServer ds = directories.embedded().orElseThrow().server();
        String alice = "uid=alice,ou=people,dc=greenshank,dc=test";
        ds.modify(alice, new Modification(ModificationType.ADD, "pwdAccountLockedTime", "20260101000000Z"));
        try {
            Response refused = refresh(refreshToken);
            refused.then().statusCode(400);
            assertThat(refused.jsonPath().getString("error")).isEqualTo("invalid_grant");
        } finally {
            ds.modify(alice, new Modification(ModificationType.DELETE, "pwdAccountLockedTime"));
        }
        // Unlocked again, the family stays revoked: the refusal ended it.
        refresh(refreshToken).then().statusCode(400);
    }

    private Response refresh(String refreshToken) throws Exception {
        return given().relaxedHTTPSValidation().formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken).formParam("client_id", "kubectl")
                .post(issuer() + "/token");
    }

    @Test
    void withoutACredentialTheTokenEndpointChallengesWithNegotiate() throws Exception {
        String[] response = curlToken(aliceCcache, false);
        assertThat(status(response[0])).isEqualTo(401);
        assertThat(header(response[0], "WWW-Authenticate")).hasValue("Negotiate");
        assertThat(json(response[1])).containsEntry("error", "invalid_grant");
    }

    @Test
    void unknownAndLockedUsersGetTheSame401() throws Exception {
        String[] dave = curlToken(daveCcache, true);
        String[] carol = curlToken(carolCcache, true);
        assertThat(status(dave[0])).isEqualTo(401);
        assertThat(status(carol[0])).isEqualTo(401);
        assertThat(json(dave[1])).containsEntry("error", "invalid_grant");
        assertThat(json(dave[1]).get("error_description")).isEqualTo(json(carol[1]).get("error_description"));
    }

    @Test
    void subjectTokenFormWorksAndAReplayIsRefused() throws Exception {
        byte[] token = SpnegoInitiator.start(aliceCcache, "alice@" + MitKdc.REALM, "localhost", null).initialToken();
        String b64 = Base64.getEncoder().encodeToString(token);
        Response first = given().relaxedHTTPSValidation().formParam("grant_type", EXCHANGE)
                .formParam("subject_token_type", SPNEGO_TYPE).formParam("subject_token", b64)
                .formParam("client_id", "kubectl").formParam("scope", "openid").post(issuer() + "/token");
        first.then().statusCode(200);
        assertThat(first.jsonPath().getString("id_token")).isNotBlank();
        Response replay = given().relaxedHTTPSValidation().formParam("grant_type", EXCHANGE)
                .formParam("subject_token_type", SPNEGO_TYPE).formParam("subject_token", b64)
                .formParam("client_id", "kubectl").formParam("scope", "openid").post(issuer() + "/token");
        replay.then().statusCode(401);
        assertThat(replay.jsonPath().getString("error_description")).contains("replayed");
        given().relaxedHTTPSValidation().formParam("grant_type", EXCHANGE)
                .formParam("subject_token_type", SPNEGO_TYPE).formParam("subject_token", "%%%not-base64")
                .formParam("client_id", "kubectl").post(issuer() + "/token").then().statusCode(401);
    }

    @Test
    void anExpiredTicketIsA401TellingTheUserToRunKinit() throws Exception {
        long now = System.currentTimeMillis();
        String expired = Base64.getEncoder().encodeToString(TicketTimesTest.token(now - 7_200_000L, now - 3_600_000L));
        Response r = given().relaxedHTTPSValidation().header("Authorization", "Negotiate " + expired)
                .formParam("grant_type", EXCHANGE).formParam("subject_token_type", SPNEGO_TYPE)
                .formParam("client_id", "kubectl").post(issuer() + "/token");
        r.then().statusCode(401).header("WWW-Authenticate", "Negotiate");
        assertThat(r.jsonPath().getString("error")).isEqualTo("invalid_grant");
        assertThat(r.jsonPath().getString("error_description")).contains("expired").contains("kinit");
    }

    @Test
    void browsersGetNegotiateThenTheFormOrACodeWhenTheyHaveATicket() throws Exception {
        String verifier = "k".repeat(50);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = issuer() + "/authorize?response_type=code&client_id=kubectl"
                + "&redirect_uri=http://127.0.0.1:8000/callback&scope=openid&state=s1"
                + "&code_challenge_method=S256&code_challenge=" + challenge;
        String[] noTicket = curl(aliceCcache, authorize);
        assertThat(status(noTicket[0])).isEqualTo(401);
        assertThat(header(noTicket[0], "WWW-Authenticate")).hasValue("Negotiate");
        assertThat(noTicket[1]).contains("<form");

        String[] withTicket = curl(aliceCcache, "--negotiate", "-u", ":", authorize);
        assertThat(status(withTicket[0])).isBetween(302, 303);
        assertThat(header(withTicket[0], "Location")).hasValueSatisfying(l ->
                assertThat(l).startsWith("http://127.0.0.1:8000/callback?").contains("code=").contains("state=s1"));
    }

    @Test
    void kubectlWithThePluginGetsInWithAKerberosToken() throws Exception {
        SelfSignedTls apiTls = SelfSignedTls.create(Files.createTempDirectory(work, "api-tls-"));
        String jwks = given().relaxedHTTPSValidation().get(issuer() + "/keys").asString();
        JWKSet keys = JWKSet.parse(jwks);
        try (TestApiServer api = new TestApiServer(apiTls, token -> verify(keys, token))) {
            PluginInstall plugin = PluginInstall.into(Files.createTempDirectory(work, "bin-"));
            Path kubeconfig = Kubectl.kubeconfig(work.resolve("kubeconfig"), api.url(), apiTls.caPem(),
                    plugin.launcher(), List.of("get-token", "--certificate-authority",
                            KerberosTestProfile.bridgeCertificate().toString()),
                    Map.of("issuer", issuer(), "client-id", "kubectl"));
            Map<String, String> env = new HashMap<>(kdc.env(aliceCcache));
            env.put("GREENSHANK_CACHE_DIR", work.resolve("cache").toString());
            String[] run = Kubectl.run(kubeconfig, env, "get", "--raw", "/apis/greenshank.test/v1/whoami");
            assertThat(run[0]).as("kubectl stderr: %s", run[2]).isEqualTo("0");
            assertThat(run[1]).contains("alice@example.com");
            Map<String, Object> claims = api.acceptedClaims.get(0);
            assertThat(claims).containsEntry("preferred_username", "alice");
            assertThat(claims.get("amr")).isEqualTo(List.of("kerberos"));
        }
    }

    @Test
    void thePluginRefreshesAnExpiredKerberosLoginInsteadOfGoingBackToKerberos() throws Exception {
        PluginInstall plugin = PluginInstall.into(Files.createTempDirectory(work, "bin-"));
        Path cacheDir = work.resolve("cache-refresh");
        Map<String, String> env = new HashMap<>(kdc.env(aliceCcache));
        env.put("GREENSHANK_CACHE_DIR", cacheDir.toString());
        env.put("GREENSHANK_TRACE", "1");
        List<String> getToken = List.of("get-token", "--issuer", issuer(), "--client-id", "kubectl",
                "--certificate-authority", KerberosTestProfile.bridgeCertificate().toString());
        PluginInstall.Result first = plugin.run(getToken, env);
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stderr()).contains("kerberos start");

        // Age the cached ID token out (an unreadable one counts as expired); the refresh token stays.
        Path slot;
        try (var files = Files.list(cacheDir)) {
            slot = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String cached = Files.readString(slot);
        assertThat(cached).contains("\"refresh_token\"");
        Files.writeString(slot, cached.replaceAll("\"id_token\"\\s*:\\s*\"[^\"]*\"", "\"id_token\": \"expired\""));

        double refreshesBefore = refreshesIssued();
        PluginInstall.Result second = plugin.run(getToken, env);
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(second.stderr()).doesNotContain("kerberos start");
        assertThat(second.stdout()).contains("\"token\"");
        assertThat(refreshesIssued()).isEqualTo(refreshesBefore + 1);
        String token = (String) ((Map<?, ?>) json(second.stdout()).get("status")).get("token");
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("amr")).isEqualTo(List.of("kerberos"));
    }

    private static double refreshesIssued() {
        String metrics = given().get("/q/metrics").asString();
        return metrics.lines()
                .filter(l -> l.startsWith("greenshank_bridge_token_requests_total{")
                        && l.contains("grant_type=\"refresh_token\"") && l.contains("outcome=\"issued\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void withoutATicketThePluginFallsBackToTheBridgesPasswordGrantOnATerminal() throws Exception {
        PluginInstall plugin = PluginInstall.into(Files.createTempDirectory(work, "bin-"));
        Map<String, String> env = new HashMap<>(kdc.env(work.resolve("no-ccache-here")));
        env.put("GREENSHANK_CACHE_DIR", work.resolve("cache-password").toString());
        String shown = plugin.runOnTerminal(List.of("token", "--issuer", issuer(), "--client-id", "kubectl",
                        "--certificate-authority", KerberosTestProfile.bridgeCertificate().toString()), env,
                List.of(new String[] {"Greenshank login", "bob"}, new String[] {"Password for bob: ", "bob-password"}));
        assertThat(shown).doesNotContain("bob-password");
        assertThat(shown).contains("\"preferred_username\": \"bob\"").contains("\"pwd\"");

        // Without a terminal and without a ticket, there is nothing to fall back to.
        Map<String, String> noTty = new HashMap<>(env);
        noTty.put("GREENSHANK_CACHE_DIR", work.resolve("cache-notty").toString());
        PluginInstall.Result r = plugin.run(List.of("get-token", "--issuer", issuer(), "--certificate-authority",
                KerberosTestProfile.bridgeCertificate().toString()), noTty);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("no Kerberos ticket in FILE:" + work.resolve("no-ccache-here")
                + " (from KRB5CCNAME): run kinit");
    }

    @Test
    void refusalsAreCountedInMetrics() throws Exception {
        curlToken(daveCcache, true);
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("greenshank_kerberos_logins_total{outcome=\"unknown_user\"");
    }

    /** What the API server's OIDC authenticator checks: signature by a published key, issuer, audience, expiry. */
    private Optional<Map<String, Object>> verify(JWKSet keys, String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            RSAKey key = (RSAKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
            if (key == null || !jwt.verify(new RSASSAVerifier(key))) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!issuer().equals(c.getIssuer()) || !c.getAudience().contains("kubectl")
                    || c.getExpirationTime().toInstant().isBefore(Instant.now())) {
                return Optional.empty();
            }
            return Optional.of(c.toJSONObject());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
