package io.greenshank.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The memory store's lookups by index attribute, which go through its secondary index. */
class MemorySessionStoreTest {

    record Session(String subject, String client, Instant expiresAt) {
    }

    static final SessionKind<Session> KIND = new SessionKind<>("test", Session::expiresAt,
            s -> Map.of("subject", s.subject(), "client", s.client()), s -> "", json -> null);
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void findsByAnyCombinationOfIndexAttributesAmongManyUsers() throws Exception {
        MemorySessionStore<Session> store = new MemorySessionStore<>(KIND);
        for (int i = 0; i < 10_000; i++) {
            store.create("k" + i, new Session("user-" + (i % 1000), i % 2 == 0 ? "kubectl" : "web", NOW.plusSeconds(60)));
        }
        assertThat(store.find(Map.of("subject", "user-7"))).hasSize(10)
                .allSatisfy(s -> assertThat(s.value().subject()).isEqualTo("user-7"));
        assertThat(store.find(Map.of("subject", "user-7", "client", "web"))).hasSize(10);
        assertThat(store.find(Map.of("subject", "user-8", "client", "web"))).isEmpty();
        assertThat(store.find(Map.of("subject", "nobody"))).isEmpty();
        assertThat(store.find(Map.of())).hasSize(10_000);
    }

    @Test
    void deleteReplaceAndSweepKeepTheIndexTrue() throws Exception {
        MemorySessionStore<Session> store = new MemorySessionStore<>(KIND);
        store.create("a", new Session("alice", "kubectl", NOW.plusSeconds(60)));
        store.create("b", new Session("alice", "kubectl", NOW.minusSeconds(1)));
        store.create("c", new Session("bob", "kubectl", NOW.plusSeconds(60)));
        assertThat(store.create("c", new Session("mallory", "kubectl", NOW))).isFalse();
        assertThat(store.find(Map.of("subject", "mallory"))).as("a refused create indexes nothing").isEmpty();

        assertThat(store.sweep(NOW)).isEqualTo(1);
        assertThat(store.find(Map.of("subject", "alice"))).extracting(SessionStore.Stored::key).containsExactly("a");

        String version = store.get("c").orElseThrow().version();
        assertThat(store.replace("c", new Session("carol", "web", NOW.plusSeconds(60)), version)).isTrue();
        assertThat(store.find(Map.of("subject", "bob"))).isEmpty();
        assertThat(store.find(Map.of("subject", "carol", "client", "web"))).extracting(SessionStore.Stored::key)
                .containsExactly("c");
        assertThat(store.replace("c", new Session("dave", "web", NOW), version)).as("stale version").isFalse();
        assertThat(store.find(Map.of("subject", "dave"))).isEmpty();

        assertThat(store.delete("a")).isTrue();
        assertThat(store.delete("a")).isFalse();
        assertThat(store.find(Map.of("subject", "alice"))).isEmpty();
        assertThat(store.find(Map.of("client", "kubectl"))).isEmpty();
    }
}
