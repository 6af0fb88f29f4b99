package io.greenshank.kubectl;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens on disk, one file per (issuer, client, principal), readable by the user only. Writers hold an exclusive
 * lock on a sibling lock file and replace the token file by atomic rename, so concurrent kubectl runs never see a
 * half-written file and only one of them goes to the bridge.
 */
public final class TokenCache {
    private final Path dir;

    public TokenCache(Path dir) {
        this.dir = dir;
    }

    /**
     * {@code GREENSHANK_CACHE_DIR}, else {@code $HOME/.kube/cache/greenshank} beside kubectl's own cache. The
     * environment's {@code HOME}, not {@code user.home}: the JVM takes that from the passwd entry, which differs
     * from {@code HOME} under sudo, in containers and in CI. Tokens an older plugin cached under the passwd home are
     * ignored, not migrated: the next kubectl call costs one login, and a copied refresh token would be one more
     * place a credential lingers.
     */
    public static Path defaultDir(Map<String, String> env) {
        String override = env.get("GREENSHANK_CACHE_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".kube", "cache", "greenshank");
    }

    public Path dir() {
        return dir;
    }

    /** A cached token set. */
    public record Entry(String issuer, String clientId, String principal, String idToken,
                        Optional<String> refreshToken) {
    }

    /** The slot for one (issuer, client, principal); lock it before reading if you may write. */
    public Slot slot(String issuer, String clientId, String principal) {
        return new Slot(dir.resolve(prefix(issuer, clientId) + "-" + hash(principal) + ".json"),
                issuer, clientId, principal);
    }

    /** Removes every cached token for the issuer and client; returns how many files went. */
    public int clear(String issuer, String clientId) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix(issuer, clientId) + "-*.json")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
                removed++;
            }
        }
        return removed;
    }

    private static String prefix(String issuer, String clientId) {
        return hash(issuer + "\n" + clientId);
    }

    /**
     * 64-bit FNV-1a, hex. Only a file name: the entry itself records issuer, client and principal and is ignored
     * when they differ, so a collision costs a new login, never a wrong token. (A MessageDigest would load the
     * security providers on the cached-token path, the one every kubectl call takes.)
     */
    static String hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        String hex = Long.toHexString(h);
        return "0".repeat(16 - hex.length()) + hex;
    }

    private void ensureDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another kubectl run made it
            }
        }
    }

    /** One cache file. */
    public final class Slot {
        private final Path file;
        private final String issuer;
        private final String clientId;
        private final String principal;

        private Slot(Path file, String issuer, String clientId, String principal) {
            this.file = file;
            this.issuer = issuer;
            this.clientId = clientId;
            this.principal = principal;
        }

        public Path file() {
            return file;
        }

        /** Reads the entry without locking: a reader sees either the old or the new file, never a torn one. */
        public Optional<Entry> read() {
            try {
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                Map<String, Object> json = Json.parseObject(Files.readString(file));
                if (!issuer.equals(json.get("issuer")) || !clientId.equals(json.get("client_id"))
                        || !principal.equals(json.get("principal")) || !(json.get("id_token") instanceof String id)) {
                    return Optional.empty();
                }
                return Optional.of(new Entry(issuer, clientId, principal, id,
                        json.get("refresh_token") instanceof String r ? Optional.of(r) : Optional.empty()));
            } catch (IOException | IllegalArgumentException unreadable) {
                return Optional.empty();
            }
        }

        public void write(String idToken, Optional<String> refreshToken) throws IOException {
            ensureDir();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("issuer", issuer);
            json.put("client_id", clientId);
            json.put("principal", principal);
            json.put("id_token", idToken);
            refreshToken.ifPresent(r -> json.put("refresh_token", r));
            Path tmp = Files.createTempFile(dir, ".tmp-", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, Json.write(json, 0), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }

        public void delete() throws IOException {
            Files.deleteIfExists(file);
        }

        /** Takes the slot's exclusive lock (blocking), shared with every other plugin process on this machine. */
        public Lock lock() throws IOException {
            ensureDir();
            Path lockFile = Path.of(file.toString().replaceAll("\\.json$", ".lock"));
            FileChannel channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            return new Lock(channel, channel.lock());
        }
    }

    /** A held slot lock. */
    public record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
