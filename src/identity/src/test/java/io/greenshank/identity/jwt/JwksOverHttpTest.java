package io.greenshank.identity.jwt;

import com.nimbusds.jose.jwk.RSAKey;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.testing.oidc.IssuerServer;
import io.greenshank.testing.time.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.greenshank.identity.jwt.TestTokens.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Key sets served by a real HTTP server: discovery, rotation, the unknown-kid rate limit, outage and staleness. */
class JwksOverHttpTest {

    static final RSAKey K1 = rsa("k1");
    static final RSAKey K2 = rsa("k2");

    IssuerServer idp;
    JwtVerifier verifier;
    final List<String> events = new CopyOnWriteArrayList<>();
    final JwksListener recorder = new JwksListener() {
        @Override
        public void refreshed(String issuer, Trigger trigger, int keyCount) {
            events.add("ok:" + trigger + ":" + keyCount);
        }

        @Override
        public void refreshFailed(String issuer, Trigger trigger, String error) {
            events.add("fail:" + trigger);
        }

        @Override
        public void refetchRateLimited(String issuer) {
            events.add("limited");
        }
    };

    @AfterEach
    void stop() {
        if (verifier != null) {
            verifier.close();
        }
        if (idp != null) {
            idp.close();
        }
    }

    TrustedIssuer discovered(JwksSettings settings) {
        return new TrustedIssuer(idp.issuer(), Set.of(AUDIENCE), TrustedIssuer.DEFAULT_ALGORITHMS,
                KeySource.Discovery.forIssuer(idp.issuer()), Duration.ofSeconds(60), UserIdMapping.KUBEFLOW_DEFAULT, settings);
    }

    Map<String, Object> claimsFor(String user) {
        Map<String, Object> c = validClaims(user);
        c.put("iss", idp.issuer());
        return c;
    }

    static void refused(JwtVerifier v, String token, RejectReason reason) {
        assertThatThrownBy(() -> v.verify(token)).isInstanceOfSatisfying(TokenRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void discovery_then_jwks_then_verify() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).start();
        verifier = JwtVerifier.builder().issuer(discovered(JwksSettings.DEFAULT)).listener(recorder).build();
        assertThat(verifier.ready()).isFalse();
        verifier.start();
        await().atMost(Duration.ofSeconds(10)).until(verifier::ready);
        assertThat(verifier.authenticate(sign(K1, claimsFor("alice@example.com"))).user()).isEqualTo("alice@example.com");
        assertThat(idp.discoveryHits()).isEqualTo(1);
        assertThat(events).contains("ok:INITIAL:1");
    }

    @Test
    void discovery_naming_another_issuer_is_refused() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).start();
        idp.setDiscoveryIssuer("https://someone-else.example");
        verifier = JwtVerifier.builder().issuer(discovered(JwksSettings.DEFAULT)).build();
        assertThat(verifier.refreshAll()).isFalse();
        assertThat(verifier.keySets().iterator().next().lastError()).get().asString().contains("someone-else");
        refused(verifier, sign(K1, claimsFor("a@x")), RejectReason.KEYS_UNAVAILABLE);
    }

    @Test
    void rotation_is_picked_up_on_first_token_with_the_new_kid() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).start();
        verifier = JwtVerifier.builder().issuer(discovered(JwksSettings.DEFAULT)).listener(recorder).build();
        assertThat(verifier.refreshAll()).isTrue();
        idp.setJwks(jwks(K1, K2));
        assertThat(verifier.verify(sign(K2, claimsFor("bob@example.com"))).keyId()).contains("k2");
        assertThat(events).contains("ok:UNKNOWN_KID:2");
        // the old key keeps working until the IdP drops it
        assertThat(verifier.verify(sign(K1, claimsFor("alice@example.com"))).keyId()).contains("k1");
    }

    @Test
    void flood_of_bogus_kids_fetches_at_most_once_per_interval() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).start();
        MutableClock clock = new MutableClock(Instant.now());
        verifier = JwtVerifier.builder().issuer(discovered(JwksSettings.DEFAULT)).clock(clock).listener(recorder).build();
        assertThat(verifier.refreshAll()).isTrue();
        int before = idp.jwksHits();
        RSAKey bogus = rsa("x");
        for (int i = 0; i < 500; i++) {
            RSAKey k = new RSAKey.Builder(bogus).keyID("bogus-" + i).build();
            refused(verifier, sign(k, claimsFor("m@x")), RejectReason.KID_UNKNOWN);
        }
        // the first bogus kid triggers one fetch; the rest of the flood falls inside the 30 s window
        assertThat(idp.jwksHits() - before).isEqualTo(1);
        clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 500; i++) {
            RSAKey k = new RSAKey.Builder(bogus).keyID("bogus2-" + i).build();
            refused(verifier, sign(k, claimsFor("m@x")), RejectReason.KID_UNKNOWN);
        }
        assertThat(idp.jwksHits() - before).isEqualTo(2);
        assertThat(events.stream().filter("limited"::equals).count()).isEqualTo(998);
    }

    @Test
    void outage_serves_stale_keys_within_the_bound_then_fails_closed() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).start();
        MutableClock clock = new MutableClock(Instant.now());
        JwksSettings settings = new JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofSeconds(2), 64 * 1024);
        verifier = JwtVerifier.builder().issuer(discovered(settings)).clock(clock).listener(recorder).build();
        assertThat(verifier.refreshAll()).isTrue();
        idp.setStatus(503);
        clock.advance(Duration.ofMinutes(30));
        assertThat(verifier.keySets().iterator().next().refresh(JwksListener.Trigger.SCHEDULED)).isFalse();
        assertThat(verifier.ready()).isTrue();
        // tokens are minted "now" by the real clock; keep them valid relative to the moved clock
        Map<String, Object> c = claimsFor("alice@example.com");
        c.put("exp", clock.instant().getEpochSecond() + 600);
        c.put("iat", clock.instant().getEpochSecond());
        assertThat(verifier.verify(sign(K1, c)).issuer()).isEqualTo(idp.issuer());
        clock.advance(Duration.ofMinutes(31));
        assertThat(verifier.ready()).isFalse();
        Map<String, Object> c2 = claimsFor("alice@example.com");
        c2.put("exp", clock.instant().getEpochSecond() + 600);
        c2.put("iat", clock.instant().getEpochSecond());
        refused(verifier, sign(K1, c2), RejectReason.KEYS_UNAVAILABLE);
        idp.setStatus(200);
        clock.advance(Duration.ofSeconds(31));
        assertThat(verifier.verify(sign(K1, c2)).issuer()).isEqualTo(idp.issuer()); // recovered by the refetch
        assertThat(verifier.ready()).isTrue();
    }

    @Test
    void idp_down_at_start_means_not_ready_and_keys_unavailable() throws Exception {
        idp = IssuerServer.serving(jwks(K1)).start();
        idp.setStatus(500);
        verifier = JwtVerifier.builder().issuer(discovered(JwksSettings.DEFAULT)).listener(recorder).build();
        verifier.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("fail:INITIAL"));
        assertThat(verifier.ready()).isFalse();
        refused(verifier, sign(K1, claimsFor("a@x")), RejectReason.KEYS_UNAVAILABLE);
        idp.setStatus(200);
        // the scheduler retries with a short backoff
        await().atMost(Duration.ofSeconds(10)).until(verifier::ready);
    }

    @Test
    void background_refresh_picks_up_removed_keys() throws Exception {
        idp = IssuerServer.serving(jwks(K1, K2)).start();
        JwksSettings fast = new JwksSettings(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofSeconds(2), 64 * 1024);
        verifier = JwtVerifier.builder().issuer(discovered(fast)).build();
        verifier.start();
        await().atMost(Duration.ofSeconds(10)).until(verifier::ready);
        assertThat(verifier.verify(sign(K2, claimsFor("a@x"))).keyId()).contains("k2");
        idp.setJwks(jwks(K1)); // K2 revoked
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                refused(verifier, sign(K2, claimsFor("a@x")), RejectReason.KID_UNKNOWN));
    }

    @Test
    void oversized_jwks_document_is_refused() throws Exception {
        idp = IssuerServer.serving("{\"keys\":[],\"pad\":\"" + "x".repeat(10_000) + "\"}").start();
        JwksSettings tiny = new JwksSettings(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1),
                Duration.ofSeconds(2), 4096);
        TrustedIssuer ti = new TrustedIssuer(idp.issuer(), Set.of(AUDIENCE), TrustedIssuer.DEFAULT_ALGORITHMS,
                new KeySource.JwksUri(java.net.URI.create(idp.issuer() + "/keys")), Duration.ofSeconds(60),
                UserIdMapping.KUBEFLOW_DEFAULT, tiny);
        verifier = JwtVerifier.builder().issuer(ti).build();
        assertThat(verifier.refreshAll()).isFalse();
        assertThat(verifier.keySets().iterator().next().lastError()).get().asString().contains("more than 4096");
    }

    @Test
    void static_jwks_file_is_reread_on_refresh(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("jwks.json");
        java.nio.file.Files.writeString(file, jwks(K1));
        TrustedIssuer ti = TrustedIssuer.of(ISSUER, List.of(AUDIENCE), new KeySource.JwksFile(file));
        verifier = JwtVerifier.builder().issuer(ti).build();
        assertThat(verifier.refreshAll()).isTrue();
        assertThat(verifier.verify(sign(K1, validClaims("a@x"))).keyId()).contains("k1");
        java.nio.file.Files.writeString(file, jwks(K2));
        assertThat(verifier.refreshAll()).isTrue();
        refused(verifier, sign(K1, validClaims("a@x")), RejectReason.KID_UNKNOWN);
    }
}
