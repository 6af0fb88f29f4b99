package io.greenshank.bridge.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.kubernetes.CrudApiServer;
import io.greenshank.testing.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

    static final Duration PERIOD = Duration.ofDays(30);
    static final Duration AHEAD = Duration.ofHours(6);
    static final Duration MAX_TOKEN = Duration.ofMinutes(10);

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void successorIsPublishedBeforeItSignsAndPredecessorStaysUntilItsTokensExpire() throws Exception {
        MutableClock clock = new MutableClock(START);
        KeyManager km = new KeyManager(new MemoryKeyRingStore(), clock, PERIOD, AHEAD, MAX_TOKEN,
                KeyManager.generator("RS256"));
        km.refresh();
        String first = km.signer().kid();
        assertThat(km.publicKeys().getKeys()).hasSize(1);

        clock.advance(PERIOD.minus(AHEAD).plusSeconds(1));
        km.refresh();
        assertThat(km.publicKeys().getKeys()).hasSize(2);
        assertThat(km.signer().kid()).as("the new key is published but does not sign yet").isEqualTo(first);
        String second = km.ring().keys().get(1).kid();

        clock.advance(AHEAD);
        km.refresh();
        assertThat(km.signer().kid()).isEqualTo(second);
        assertThat(km.publicKeys().getKeyByKeyId(first)).as("old tokens still verify").isNotNull();

        clock.advance(MAX_TOKEN.plusSeconds(1));
        km.refresh();
        assertThat(km.publicKeys().getKeyByKeyId(first)).as("dropped after its last token expired").isNull();
        assertThat(km.publicKeys().getKeys()).hasSize(1);
        assertThat(km.publicKeys().getKeys().get(0).isPrivate()).isFalse();
    }

    @Test
    void aChangedAlgorithmIsPublishedFirstThenSignsAndTheOldKeyStaysUntilItsTokensExpire() throws Exception {
        MutableClock clock = new MutableClock(START);
        MemoryKeyRingStore store = new MemoryKeyRingStore();
        KeyManager rsa = new KeyManager(store, clock, PERIOD, AHEAD, MAX_TOKEN, KeyManager.generator("RS256"));
        rsa.refresh();
        // Late in the RSA key's period: an RSA successor is already published and waiting.
        clock.advance(PERIOD.minus(AHEAD).plusSeconds(1));
        rsa.refresh();
        String rsaSigner = rsa.signer().kid();
        String rsaSuccessor = rsa.ring().keys().get(1).kid();

        // Restarted with ES256 configured (same store, e.g. the keys Secret).
        KeyManager ec = new KeyManager(store, clock, PERIOD, AHEAD, MAX_TOKEN, KeyManager.generator("ES256"));
        ec.refresh();
        assertThat(ec.signer().kid()).as("the new kind is not used before relying parties can know it")
                .isEqualTo(rsaSigner);
        assertThat(ec.publicKeys().getKeyByKeyId(rsaSuccessor)).as("the waiting RSA successor never signed: gone")
                .isNull();
        assertThat(ec.publicKeys().getKeys()).extracting(k -> k.getKeyType().getValue())
                .containsExactlyInAnyOrder("RSA", "EC");
        ec.refresh();
        assertThat(ec.ring().keys()).as("level-triggered: a second refresh adds nothing").hasSize(2);

        clock.advance(AHEAD);
        ec.refresh();
        assertThat(ec.signer().algorithm().getName()).isEqualTo("ES256");
        assertThat(ec.publicKeys().getKeyByKeyId(rsaSigner)).as("RSA-signed tokens still verify").isNotNull();

        clock.advance(MAX_TOKEN.plusSeconds(1));
        ec.refresh();
        assertThat(ec.publicKeys().getKeys()).extracting(k -> k.getKeyType().getValue()).containsExactly("EC");
        // And the EC key now rotates on its own schedule, to another EC key.
        clock.advance(PERIOD);
        ec.refresh();
        assertThat(ec.publicKeys().getKeys()).extracting(k -> k.getKeyType().getValue()).containsOnly("EC");
    }

    @Test
    void es256IsAvailable() throws Exception {
        KeyManager km = new KeyManager(new MemoryKeyRingStore(), Clock.systemUTC(), PERIOD, AHEAD, MAX_TOKEN,
                KeyManager.generator("ES256"));
        km.refresh();
        assertThat(km.signer().algorithm().getName()).isEqualTo("ES256");
    }

    @Test
    void fileStoreKeepsKeysAcrossRestartsWithOwnerOnlyPermissions() throws Exception {
        Path dir = Files.createTempDirectory("greenshank-keys");
        Path file = dir.resolve("keys.json");
        KeyManager a = new KeyManager(new FileKeyRingStore(file), Clock.systemUTC(), PERIOD, AHEAD, MAX_TOKEN,
                KeyManager.generator("RS256"));
        a.refresh();
        KeyManager b = new KeyManager(new FileKeyRingStore(file), Clock.systemUTC(), PERIOD, AHEAD, MAX_TOKEN,
                KeyManager.generator("RS256"));
        b.refresh();
        assertThat(b.signer().kid()).isEqualTo(a.signer().kid());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void replicasSharingAKubernetesSecretSignWithTheSameKey() throws Exception {
        try (CrudApiServer api = CrudApiServer.start()) {
            KubernetesClient client = api.admin();
            MutableClock clock = new MutableClock(START);
            KeyManager r1 = new KeyManager(new SecretKeyRingStore(client, "auth", "bridge-keys"), clock, PERIOD,
                    AHEAD, MAX_TOKEN, KeyManager.generator("RS256"));
            KeyManager r2 = new KeyManager(new SecretKeyRingStore(client, "auth", "bridge-keys"), clock, PERIOD,
                    AHEAD, MAX_TOKEN, KeyManager.generator("RS256"));
            r1.refresh();
            r2.refresh();
            assertThat(r2.signer().kid()).isEqualTo(r1.signer().kid());
            clock.advance(PERIOD);
            r2.refresh();
            r1.refresh();
            assertThat(r1.publicKeys().toString()).isEqualTo(r2.publicKeys().toString());
            assertThat(r1.ring().keys()).hasSize(2);
            assertThat(client.secrets().inNamespace("auth").withName("bridge-keys").get().getData())
                    .containsKey("keys.json");
        }
    }
}
