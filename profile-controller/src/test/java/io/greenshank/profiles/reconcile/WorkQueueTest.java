package io.greenshank.profiles.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void aKeyIsQueuedOnceHoweverManyEventsNameIt() throws Exception {
        try (WorkQueue q = new WorkQueue(Duration.ofSeconds(1))) {
            q.add("a");
            q.add("a");
            q.add("b");
            assertThat(q.depth()).isEqualTo(2);
            assertThat(q.take(SHORT)).contains("a");
            assertThat(q.take(SHORT)).contains("b");
            assertThat(q.take(SHORT)).isEmpty();
        }
    }

    @Test
    void aKeyChangedWhileProcessingIsProcessedAgainAfterwardsNotConcurrently() throws Exception {
        try (WorkQueue q = new WorkQueue(Duration.ofSeconds(1))) {
            q.add("a");
            assertThat(q.take(SHORT)).contains("a");
            q.add("a");
            assertThat(q.take(SHORT)).as("not handed to a second worker while in flight").isEmpty();
            q.done("a");
            assertThat(q.take(SHORT)).contains("a");
            q.done("a");
            assertThat(q.idle()).isTrue();
        }
    }

    @Test
    void failuresBackOffExponentiallyUpToTheMaximum() throws Exception {
        try (WorkQueue q = new WorkQueue(Duration.ofMillis(40))) {
            assertThat(q.retryLater("a")).isEqualTo(Duration.ofMillis(5));
            assertThat(q.retryLater("a")).isEqualTo(Duration.ofMillis(10));
            assertThat(q.retryLater("a")).isEqualTo(Duration.ofMillis(20));
            assertThat(q.retryLater("a")).isEqualTo(Duration.ofMillis(40));
            assertThat(q.retryLater("a")).isEqualTo(Duration.ofMillis(40));
            assertThat(q.take(Duration.ofSeconds(2))).contains("a");
            q.done("a");
            q.forget("a");
            assertThat(q.retryLater("a")).isEqualTo(Duration.ofMillis(5));
        }
    }
}
