package io.greenshank.authz.issuer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.authz.envoy.DocumentedEnvoy;
import io.greenshank.envoy.ClientResponse;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ExtAuthzConfig;
import io.greenshank.envoy.HttpServiceConfig;
import io.greenshank.envoy.JdkHttpAuthorizationServer;
import io.greenshank.envoy.UpstreamRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.greenshank.envoy.StringMatcher.exact;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sidecar configured like production, against a real IdP over HTTP: discovery, rotation, outage, credentials.
 * Checks go through the Envoy model on both protocols, configured for this deployment's header names and credentials.
 */
@QuarkusTest
@TestProfile(ConfiguredIssuerProfile.class)
class ConfiguredIssuerTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();
    ManagedChannel channel;
    Map<String, Envoy> envoys;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext().build();
        // this deployment's identity header names, and its IAP-style credential header allowed through http_service
        envoys = DocumentedEnvoy.both(DocumentedEnvoy.istio(), channel, base,
                DocumentedEnvoy.httpFilterFor("x-user", "x-groups", "x-goog-iap-jwt-assertion"));
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A browser-or-API request from the Internet to the gateway, over TLS. */
    static DownstreamRequest.Builder request(String path) {
        return DownstreamRequest.get(path).tls();
    }

    String idp() {
        return ConfigProvider.getConfig().getValue("test.idp.url", String.class);
    }

    String token(String email, List<String> groups) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(Path.of(ConfigProvider.getConfig().getValue("test.idp.key-file", String.class))));
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(idp()).audience("kubeflow").subject("sub-" + email)
                .claim("email", email).claim("groups", groups).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    HttpResponse<String> check(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "ext-authz" + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void control(String path) throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create(idp() + path)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void cookie_credential_sets_configured_headers_with_prefix() throws Exception {
        HttpResponse<String> r = check("/notebooks", "Cookie", "a=b; authservice_session=" + token("alice@corp.test", List.of("ml")),
                "x-user", "mallory");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("x-user")).containsExactly("corp:alice@corp.test");
        assertThat(r.headers().firstValue("x-groups")).contains("ml");
        assertThat(r.headers().firstValue("x-envoy-auth-headers-to-remove")).contains("kubeflow-userid");

        String token = token("alice@corp.test", List.of("ml"));
        envoys.forEach((protocol, envoy) -> {
            UpstreamRequest up = envoy.handle(request("/notebooks").header("Cookie", "a=b; authservice_session=" + token)
                    .header("X-User", "mallory").header("x-user", "eve").header("X-Groups", "admins")
                    .header("Kubeflow-Userid", "mallory").build()).upstream();
            assertThat(up.headers().values("x-user")).as(protocol).containsExactly("corp:alice@corp.test");
            assertThat(up.headers().values("x-groups")).as(protocol).containsExactly("ml");
            assertThat(up.headers().lowerCaseNames()).as(protocol).doesNotContain("kubeflow-userid");
        });
    }

    @Test
    void over_http_the_cookie_must_be_an_allowed_header_or_the_sidecar_never_sees_it() throws Exception {
        // Envoy's http_service sends only authorization, :method, :path and :authority unless told otherwise
        HttpServiceConfig service = HttpServiceConfig.builder().pathPrefix("/ext-authz")
                .allowedUpstreamHeaders(exact("x-user"), exact("x-groups")).build();
        Envoy bare = Envoy.http(EnvoyConfig.of(DocumentedEnvoy.istio(),
                        ExtAuthzConfig.http(service).timeout(DocumentedEnvoy.TIMEOUT).build()),
                JdkHttpAuthorizationServer.at(URI.create("http://" + base.getHost() + ":" + base.getPort())));
        EnvoyOutcome out = bare.handle(request("/notebooks")
                .header("Cookie", "authservice_session=" + token("alice@corp.test", List.of())).build());
        assertThat(out.clientResponse().status()).isEqualTo(401);
        // gRPC's CheckRequest carries every header unless allowed_headers says otherwise
        assertThat(envoys.get("grpc").handle(request("/notebooks")
                .header("Cookie", "authservice_session=" + token("alice@corp.test", List.of())).build()).forwarded()).isTrue();
    }

    @Test
    void iap_style_header_credential_is_accepted() throws Exception {
        assertThat(check("/x", "x-goog-iap-jwt-assertion", token("bob@corp.test", List.of())).statusCode()).isEqualTo(200);
        String token = token("bob@corp.test", List.of());
        envoys.forEach((protocol, envoy) -> assertThat(envoy.handle(request("/x")
                .header("x-goog-iap-jwt-assertion", token).build()).upstream().headers().values("x-user"))
                .as(protocol).containsExactly("corp:bob@corp.test"));
    }

    @Test
    void browser_without_credentials_is_redirected_and_api_client_gets_401() throws Exception {
        HttpResponse<String> browser = check("/pipeline/?ns=team-a", "Accept", "text/html", "x-forwarded-proto", "https");
        assertThat(browser.statusCode()).isEqualTo(302);
        String location = browser.headers().firstValue("location").orElseThrow();
        assertThat(location).startsWith("https://login.example.test/start?rd=https%3A%2F%2F" + base.getHost());
        assertThat(java.net.URLDecoder.decode(location, java.nio.charset.StandardCharsets.UTF_8)).endsWith("/pipeline/?ns=team-a");
        assertThat(check("/pipeline/", "Accept", "application/json").statusCode()).isEqualTo(401);
        assertThat(check("/static/app.js").statusCode()).isEqualTo(200);

        envoys.forEach((protocol, envoy) -> {
            ClientResponse toLogin = envoy.handle(request("/pipeline/?ns=team-a").header("Accept", "text/html").build())
                    .clientResponse();
            assertThat(toLogin.status()).as(protocol).isEqualTo(302);
            String loc = toLogin.headers().first("location").orElseThrow();
            assertThat(loc).as(protocol).startsWith("https://login.example.test/start?rd=https%3A%2F%2Fkubeflow.example.test");
            assertThat(java.net.URLDecoder.decode(loc, java.nio.charset.StandardCharsets.UTF_8)).as(protocol)
                    .endsWith("/pipeline/?ns=team-a");
            assertThat(toLogin.headers().values("cache-control")).as(protocol).containsExactly("no-store");
            assertThat(envoy.handle(request("/pipeline/").header("Accept", "application/json").build()).clientResponse()
                    .status()).as(protocol).isEqualTo(401);
            UpstreamRequest asset = envoy.handle(request("/static/app.js").header("x-user", "mallory").build()).upstream();
            assertThat(asset.headers().lowerCaseNames()).as(protocol).doesNotContain("x-user", "x-groups", "kubeflow-userid");
        });
    }

    /** Whether the documented Envoy, on each protocol, forwards a request bearing this token. */
    void assertForwarded(String token, String why) {
        envoys.forEach((protocol, envoy) -> assertThat(envoy.handle(request("/x")
                .header("Authorization", "Bearer " + token).build()).forwarded()).as(protocol + ": " + why).isTrue());
    }

    @Test
    void rotated_key_is_picked_up_and_outage_is_survived_from_cached_keys() throws Exception {
        String before = token("carol@corp.test", List.of());
        assertThat(check("/x", "Authorization", "Bearer " + before).statusCode()).isEqualTo(200);
        assertForwarded(before, "the current key");
        control("/control/rotate");
        String after = token("carol@corp.test", List.of());
        assertThat(check("/x", "Authorization", "Bearer " + after).statusCode()).as("new kid fetched on demand").isEqualTo(200);
        assertForwarded(after, "new kid fetched on demand");
        control("/control/status?code=503");
        try {
            String another = token("dave@corp.test", List.of());
            assertThat(check("/x", "Authorization", "Bearer " + another).statusCode()).as("stale keys still serve").isEqualTo(200);
            assertForwarded(token("erin@corp.test", List.of()), "stale keys still serve");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        } finally {
            control("/control/status?code=200");
        }
    }

    @Test
    void dev_issuer_is_off_so_its_endpoints_are_gone() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }
}
