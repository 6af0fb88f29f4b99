package io.greenshank.bridge.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.bridge.session.MemorySessionStore;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.session.SessionStore;
import io.greenshank.testing.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The consistency argument for answering polls from a watched copy, case by case and deterministically: a copy that
 * the test holds back (as a watch's latency would) is never a way to tokens, to a second redemption, or to
 * {@code invalid_grant} for a live code; whatever it lags by only delays an answer.
 */
class LaggingCopyDeviceCodesTest {

    /** The API server (a memory store, but answering as a remote one) and a copy updated only when the test says. */
    static final class LaggingCopy implements SessionStore<DeviceCodes.Grant> {
        final MemorySessionStore<DeviceCodes.Grant> server = new MemorySessionStore<>(DeviceCodes.KIND);
        final Map<String, Stored<DeviceCodes.Grant>> copy = new HashMap<>();
        int reads;

        /** The watch delivers: the copy becomes what the server holds now. */
        void catchUp() {
            copy.clear();
            server.find(Map.of()).forEach(s -> copy.put(s.key(), s));
        }

        @Override
        public Optional<Stored<DeviceCodes.Grant>> peek(String key) {
            return Optional.ofNullable(copy.get(key));
        }

        @Override
        public Optional<Stored<DeviceCodes.Grant>> get(String key) {
            reads++;
            return server.get(key);
        }

        @Override
        public boolean create(String key, DeviceCodes.Grant value) {
            return server.create(key, value);
        }

        @Override
        public boolean replace(String key, DeviceCodes.Grant value, String version) {
            return server.replace(key, value, version);
        }

        @Override
        public boolean delete(String key) {
            return server.delete(key);
        }

        @Override
        public List<Stored<DeviceCodes.Grant>> find(Map<String, String> criteria) {
            return server.find(criteria);
        }

        @Override
        public int sweep(Instant now) {
            return server.sweep(now);
        }
    }

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final LaggingCopy store = new LaggingCopy();
    final DeviceCodes codes = new DeviceCodes(store, Duration.ofMinutes(10), Duration.ofSeconds(5), clock);

    /** As the token endpoint polls: from the copy when it can answer, else from the server. */
    DeviceCodes.Poll poll(String deviceCode) throws Exception {
        Optional<DeviceCodes.Poll> fromCopy = codes.pollInProcess(deviceCode, "kubectl");
        return fromCopy.isPresent() ? fromCopy.get() : codes.poll(deviceCode, "kubectl");
    }

    @Test
    void aCodeTheCopyHasNotSeenIsReadFromTheServerNotRefused() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        assertThat(codes.pollInProcess(s.deviceCode(), "kubectl")).isEmpty();
        assertThat(poll(s.deviceCode())).isEqualTo(new DeviceCodes.Pending());
        assertThat(store.reads).isEqualTo(1);
        store.catchUp();
        clock.advance(Duration.ofSeconds(5));
        assertThat(poll(s.deviceCode())).isEqualTo(new DeviceCodes.Pending());
        assertThat(store.reads).as("answered from the copy").isEqualTo(1);
    }

    @Test
    void anApprovalTheCopyHasNotSeenIsPendingOnceMoreThenRedeemedOnce() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        store.catchUp();
        codes.decide(DeviceCodesTest.canonical(s), true, Optional.of(DeviceCodesTest.ALICE));
        clock.advance(Duration.ofSeconds(5));
        assertThat(poll(s.deviceCode())).as("the copy lags: pending, the client polls again")
                .isEqualTo(new DeviceCodes.Pending());
        store.catchUp();
        clock.advance(Duration.ofSeconds(5));
        assertThat(poll(s.deviceCode())).isInstanceOf(DeviceCodes.Approved.class);
        clock.advance(Duration.ofSeconds(5));
        assertThat(poll(s.deviceCode())).as("the copy still shows it approved; the server says it is spent")
                .isEqualTo(new DeviceCodes.Unknown());
        store.catchUp();
        assertThat(poll(s.deviceCode())).isEqualTo(new DeviceCodes.Unknown());
    }

    @Test
    void aCopyShowingARedeemedCodeAsPendingGrantsNothing() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        store.catchUp();
        codes.decide(DeviceCodesTest.canonical(s), true, Optional.of(DeviceCodesTest.ALICE));
        assertThat(codes.poll(s.deviceCode(), "kubectl")).isInstanceOf(DeviceCodes.Approved.class);
        clock.advance(Duration.ofSeconds(5));
        assertThat(poll(s.deviceCode())).as("stale copy: pending, never tokens").isEqualTo(new DeviceCodes.Pending());
        store.catchUp();
        assertThat(poll(s.deviceCode())).isEqualTo(new DeviceCodes.Unknown());
    }

    @Test
    void slowDownIsJudgedFromTheCopyAndWrittenToTheServer() throws Exception {
        DeviceCodes.Started s = codes.start("kubectl", Set.of("openid"));
        store.catchUp();
        assertThat(poll(s.deviceCode())).isEqualTo(new DeviceCodes.Pending());
        clock.advance(Duration.ofSeconds(2));
        assertThat(codes.pollInProcess(s.deviceCode(), "kubectl")).as("a write is needed").isEmpty();
        assertThat(poll(s.deviceCode())).isEqualTo(new DeviceCodes.SlowDown(10));
        assertThat(store.server.get(SessionKeys.sha256Hex(s.deviceCode())).orElseThrow().value().intervalSeconds())
                .isEqualTo(10);
    }
}
