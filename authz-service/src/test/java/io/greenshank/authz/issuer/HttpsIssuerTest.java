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
import io.greenshank.envoy.EnvoyOutcome;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code issuers.<name>.ca-file} and {@code bearer-token-file} against a real self-signed HTTPS IdP whose JWKS needs a
 * bearer token: trusted and authenticated with them; without them the issuer's tokens fail closed. Checks also go
 * through the Envoy model on both protocols.
 */
@QuarkusTest
@TestProfile(HttpsIssuerProfile.class)
class HttpsIssuerTest {

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();
    ManagedChannel channel;
    Map<String, Envoy> envoys;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress(base.getHost(), base.getPort()).usePlaintext().build();
        envoys = DocumentedEnvoy.both(DocumentedEnvoy.istio(), channel, base);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    EnvoyOutcome viaEnvoy(String protocol, String token) {
        return envoys.get(protocol).handle(DownstreamRequest.get("/notebooks").header("Authorization", "Bearer " + token)
                .header("kubeflow-userid", "mallory@example.com").build());
    }

    String token(String issuer, String email) throws Exception {
        RSAKey key = RSAKey.parse(Files.readString(Path.of(
                ConfigProvider.getConfig().getValue("test.https-idp.key-file", String.class))));
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(issuer).audience("kubeflow").subject("sub-" + email)
                .claim("email", email).issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    HttpResponse<String> check(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/notebooks"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void issuer_with_ca_file_and_bearer_token_file_is_trusted() throws Exception {
        String iss = ConfigProvider.getConfig().getValue("test.https-idp.url", String.class);
        HttpResponse<String> r = check(token(iss, "alice@example.com"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("kubeflow-userid")).contains("alice@example.com");
        String token = token(iss, "alice@example.com");
        for (String protocol : envoys.keySet()) {
            assertThat(viaEnvoy(protocol, token).upstream().headers().values("kubeflow-userid")).as(protocol)
                    .containsExactly("alice@example.com");
        }
    }

    @Test
    void issuer_without_ca_file_fails_closed_with_keys_unavailable_and_says_why() throws Exception {
        HttpResponse<String> r = check(token("https://untrusted.test", "alice@example.com"));
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("x-greenshank-reason")).contains("keys_unavailable");
        assertThat(r.headers().firstValue("kubeflow-userid")).isEmpty();

        String token = token("https://untrusted.test", "alice@example.com");
        // gRPC: the sidecar's denial reaches the client as sent, 503 with the reason
        ClientResponse viaGrpc = viaEnvoy("grpc", token).clientResponse();
        assertThat(viaGrpc.status()).isEqualTo(503);
        assertThat(viaGrpc.headers().values("x-greenshank-reason")).containsExactly("keys_unavailable");
        // http_service: Envoy reads any 5xx as a failed call, so the client gets status_on_error (403), no reason
        EnvoyOutcome viaHttp = viaEnvoy("http", token);
        assertThat(viaHttp.clientResponse().status()).isEqualTo(403);
        assertThat(viaHttp.clientResponse().details()).isEqualTo("ext_authz_error");
        assertThat(viaHttp.clientResponse().headers().contains("x-greenshank-reason")).isFalse();

        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("https://untrusted.test").contains("TLS handshake refused")
                .contains("configure the issuer's CA file (PEM)").doesNotContain(HttpsIdpResource.BEARER);
    }
}
