package io.greenshank.bridge.keys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The key ring in a file readable only by its owner. The version is the content's hash; writes take an exclusive
 * lock on a sibling lock file and replace the file atomically, so a crash never leaves half a key ring.
 */
public final class FileKeyRingStore implements KeyRingStore {

    private final Path file;
    private final Path lock;

    public FileKeyRingStore(Path file) {
        this.file = file.toAbsolutePath();
        this.lock = this.file.resolveSibling(this.file.getFileName() + ".lock");
    }

    @Override
    public Optional<Versioned> load() throws Exception {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        return Optional.of(new Versioned(KeyRing.fromJson(json), hash(json)));
    }

    @Override
    public boolean save(KeyRing ring, Optional<String> expectedVersion) throws Exception {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            Optional<String> actual = Files.exists(file)
                    ? Optional.of(hash(Files.readString(file, StandardCharsets.UTF_8))) : Optional.empty();
            if (!actual.equals(expectedVersion)) {
                return false;
            }
            Path tmp = Files.createTempFile(dir, ".keys", ".tmp");
            try {
                restrict(tmp);
                Files.writeString(tmp, ring.toJson(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
    }

    private static void restrict(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system; the directory's permissions are all there is.
        }
    }

    private static String hash(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
