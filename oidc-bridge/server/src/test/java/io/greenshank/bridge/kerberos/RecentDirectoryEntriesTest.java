package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.bridge.ldap.AccountStatus;
import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.ldap.DirectoryUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentDirectoryEntriesTest {

    final AtomicLong now = new AtomicLong(1_000);
    final List<String> asked = new ArrayList<>();

    static DirectoryUser user(String login, AccountStatus status) {
        return new DirectoryUser("sub-" + login, login, "uid=" + login + ",ou=people,dc=example,dc=test",
                Optional.of(login + "@example.test"), Optional.empty(), List.of("team"), status);
    }

    RecentDirectoryEntries.Lookup directory(Optional<DirectoryUser> answer) {
        return login -> {
            asked.add(login);
            return answer;
        };
    }

    @Test
    void aFoundEntryIsReusedUntilItsTtlEndsAndThenReadAgain() throws Exception {
        RecentDirectoryEntries cache = new RecentDirectoryEntries(Duration.ofSeconds(60), 100, now::get);
        DirectoryUser alice = user("alice", AccountStatus.ACTIVE);
        assertThat(cache.find("alice", directory(Optional.of(alice)))).contains(alice);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(cache.find("alice", directory(Optional.of(alice)))).contains(alice);
        assertThat(asked).containsExactly("alice");

        now.addAndGet(Duration.ofSeconds(2).toNanos());
        DirectoryUser disabled = user("alice", AccountStatus.DISABLED);
        assertThat(cache.find("alice", directory(Optional.of(disabled)))).contains(disabled);
        assertThat(asked).containsExactly("alice", "alice");
    }

    @Test
    void anUnknownLoginIsAskedEveryTimeAndDropsWhatWasKept() throws Exception {
        RecentDirectoryEntries cache = new RecentDirectoryEntries(Duration.ofSeconds(60), 100, now::get);
        cache.find("bob", directory(Optional.of(user("bob", AccountStatus.ACTIVE))));
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(cache.find("bob", directory(Optional.empty()))).isEmpty();
        assertThat(cache.find("bob", directory(Optional.empty()))).isEmpty();
        assertThat(asked).containsExactly("bob", "bob", "bob");
    }

    @Test
    void aDirectoryFailureIsNotCachedAndReachesTheCaller() throws Exception {
        RecentDirectoryEntries cache = new RecentDirectoryEntries(Duration.ofSeconds(60), 100, now::get);
        RecentDirectoryEntries.Lookup down = login -> {
            asked.add(login);
            throw new DirectoryUnavailableException("directory down");
        };
        assertThatThrownBy(() -> cache.find("carol", down)).isInstanceOf(DirectoryUnavailableException.class);
        DirectoryUser carol = user("carol", AccountStatus.ACTIVE);
        assertThat(cache.find("carol", directory(Optional.of(carol)))).contains(carol);
        assertThat(asked).containsExactly("carol", "carol");
    }

    @Test
    void zeroTtlReadsTheDirectoryOnEveryLogin() throws Exception {
        RecentDirectoryEntries cache = new RecentDirectoryEntries(Duration.ZERO, 100, now::get);
        DirectoryUser dave = user("dave", AccountStatus.ACTIVE);
        cache.find("dave", directory(Optional.of(dave)));
        cache.find("dave", directory(Optional.of(dave)));
        assertThat(asked).containsExactly("dave", "dave");
    }

    @Test
    void theCacheStaysWithinItsBound() throws Exception {
        RecentDirectoryEntries cache = new RecentDirectoryEntries(Duration.ofSeconds(60), 2, now::get);
        for (String login : List.of("u1", "u2", "u3")) {
            cache.find(login, directory(Optional.of(user(login, AccountStatus.ACTIVE))));
        }
        // u1 and u2 were dropped when u3 arrived: asking for u1 reads the directory again.
        cache.find("u1", directory(Optional.of(user("u1", AccountStatus.ACTIVE))));
        assertThat(asked).containsExactly("u1", "u2", "u3", "u1");
    }
}
