package io.greenshank.kubectl;

import io.greenshank.kubectl.krb5.CacheName;
import io.greenshank.kubectl.krb5.NativeCredential;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The user's MIT Kerberos credential cache, read just far enough to learn its default principal and whether it
 * holds a current ticket-granting ticket. {@code FILE:} caches and the files of a {@code DIR:} collection are read
 * directly (instead of through JGSS), which keeps the cached-token path free of JGSS start-up and lets the plugin say
 * "run kinit" instead of a GSS error; {@code KCM:} and {@code KEYRING:} caches are read through the system GSS-API.
 *
 * @param name       the cache, e.g. {@code DIR:/run/user/1000/krb5cc} and where that name came from
 * @param file       the file the JDK reads the tickets from; empty when only the system GSS-API can read them
 * @param principal  the default client principal, e.g. {@code alice@EXAMPLE.TEST}
 * @param tgtExpires when the cache's TGT for the principal's realm expires, if it has one
 */
public record TicketCache(CacheName name, Optional<Path> file, String principal, Optional<Instant> tgtExpires) {

    /** Whether the cache holds a TGT that is still valid at {@code now}. */
    public boolean hasCurrentTgt(Instant now) {
        return tgtExpires.map(now::isBefore).orElse(false);
    }

    /** The default cache of this process's user (see {@link CacheName#resolve}). */
    public static CacheName defaultName(Map<String, String> env) throws CacheName.InvalidCacheName {
        return CacheName.resolve(env, new com.sun.security.auth.module.UnixSystem().getUid());
    }

    /**
     * Reads the cache {@code name}; empty when a FILE or DIR cache has no such file. A KCM or KEYRING cache without a
     * usable ticket is an {@link IOException} with the system library's reason.
     */
    public static Optional<TicketCache> read(CacheName name) throws IOException, CacheName.InvalidCacheName {
        switch (name.type()) {
            case "FILE":
                return readFile(name, Path.of(name.residual()));
            case "DIR":
                return readFile(name, primaryFile(name));
            case "KCM":
            case "KEYRING":
                NativeCredential credential = NativeCredential.acquire(name);
                return Optional.of(new TicketCache(name, Optional.empty(), credential.principal(),
                        Optional.of(Instant.now().plusSeconds(credential.remainingSeconds()))));
            case "MEMORY":
                throw new CacheName.InvalidCacheName("the Kerberos ticket cache " + name.describe() + " lives "
                        + "only inside the process that made it: kinit into a FILE:, DIR:, KCM: or KEYRING: cache");
            case "API":
            case "MSLSA":
                throw new CacheName.InvalidCacheName("the Kerberos ticket cache " + name.describe() + " exists "
                        + "only on macOS or Windows: set KRB5CCNAME to a FILE:, DIR:, KCM: or KEYRING: cache");
            default:
                throw new CacheName.InvalidCacheName("the Kerberos ticket cache " + name.describe() + " has a type "
                        + "MIT Kerberos does not know: use FILE:, DIR:, KCM: or KEYRING:");
        }
    }

    /**
     * The file of a {@code DIR:} collection's primary cache: {@code DIR::path} names one directly; {@code DIR:dir}
     * means the {@code tkt...} file named on the first line of {@code dir/primary}, or {@code dir/tkt} when there is
     * no primary file yet (MIT {@code cc_dir.c}, {@code dcc_resolve} and {@code read_primary_file}).
     */
    static Path primaryFile(CacheName name) throws IOException {
        if (name.residual().startsWith(":")) {
            return Path.of(name.residual().substring(1));
        }
        Path dir = Path.of(name.residual());
        Path primary = dir.resolve("primary");
        if (!Files.isRegularFile(primary)) {
            return dir.resolve("tkt");
        }
        String first = Files.readAllLines(primary).stream().findFirst().orElse("");
        if (!first.startsWith("tkt") || first.contains("/") || first.contains("\\")) {
            throw new IOException(primary + " does not name a tkt... file of the collection");
        }
        return dir.resolve(first);
    }

    /** Reads the cache file at {@code location}; empty when there is no such file. */
    private static Optional<TicketCache> readFile(CacheName name, Path location) throws IOException {
        if (!Files.isRegularFile(location)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(location)) {
            return Optional.of(parse(name, location, new DataInputStream(new java.io.BufferedInputStream(in))));
        }
    }

    private static TicketCache parse(CacheName name, Path location, DataInputStream in) throws IOException {
        int version = in.readUnsignedShort();
        if (version != 0x0503 && version != 0x0504) {
            throw new IOException("credential cache " + location + " has format 0x" + Integer.toHexString(version)
                    + "; only versions 3 and 4 are supported");
        }
        if (version == 0x0504) {
            in.skipNBytes(in.readUnsignedShort());
        }
        String[] principal = readPrincipal(in);
        String defaultPrincipal = principal[0];
        String realm = principal[1];
        String tgtName = "krbtgt/" + realm + "@" + realm;
        Optional<Instant> tgtExpires = Optional.empty();
        while (true) {
            String client;
            try {
                client = readPrincipal(in)[0];
            } catch (EOFException end) {
                break;
            }
            String server = readPrincipal(in)[0];
            in.readUnsignedShort(); // enctype
            skipCounted(in);        // key
            in.readInt();           // authtime
            in.readInt();           // starttime
            long endtime = Integer.toUnsignedLong(in.readInt());
            in.readInt();           // renew_till
            in.readByte();          // is_skey
            in.readInt();           // flags
            skipTagged(in);         // addresses
            skipTagged(in);         // authdata
            skipCounted(in);        // ticket
            skipCounted(in);        // second ticket
            if (client.equals(defaultPrincipal) && server.equals(tgtName)) {
                Instant end = Instant.ofEpochSecond(endtime);
                if (tgtExpires.isEmpty() || end.isAfter(tgtExpires.get())) {
                    tgtExpires = Optional.of(end);
                }
            }
        }
        return new TicketCache(name, Optional.of(location), defaultPrincipal, tgtExpires);
    }

    /** Returns {full name, realm}. */
    private static String[] readPrincipal(DataInputStream in) throws IOException {
        in.readInt(); // name type
        int components = in.readInt();
        if (components < 0 || components > 16) {
            throw new IOException("malformed principal in credential cache");
        }
        String realm = readCountedString(in);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < components; i++) {
            if (i > 0) {
                name.append('/');
            }
            name.append(readCountedString(in));
        }
        return new String[] {name + "@" + realm, realm};
    }

    private static String readCountedString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 4096) {
            throw new IOException("malformed string in credential cache");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void skipCounted(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("malformed credential cache");
        }
        in.skipNBytes(length);
    }

    private static void skipTagged(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 1024) {
            throw new IOException("malformed credential cache");
        }
        for (int i = 0; i < count; i++) {
            in.readUnsignedShort();
            skipCounted(in);
        }
    }
}
