package io.greenshank.kubectl;

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
 * holds a current ticket-granting ticket. Reading it directly (instead of through JGSS) keeps the cached-token path
 * free of JGSS start-up, and lets the plugin say "run kinit" instead of a GSS error.
 *
 * @param location   the file the cache lives in
 * @param principal  the default client principal, e.g. {@code alice@EXAMPLE.TEST}
 * @param tgtExpires when the cache's TGT for the principal's realm expires, if it has one
 */
public record TicketCache(Path location, String principal, Optional<Instant> tgtExpires) {

    /** Whether the cache holds a TGT that is still valid at {@code now}. */
    public boolean hasCurrentTgt(Instant now) {
        return tgtExpires.map(now::isBefore).orElse(false);
    }

    /**
     * Finds the cache the way MIT Kerberos does: {@code KRB5CCNAME} ({@code FILE:} caches only, as the JDK reads
     * nothing else), then {@code /tmp/krb5cc_<uid>}.
     */
    public static Path defaultLocation(Map<String, String> env) throws UnsupportedCacheException {
        String name = env.get("KRB5CCNAME");
        if (name == null || name.isBlank()) {
            return Path.of("/tmp/krb5cc_" + new com.sun.security.auth.module.UnixSystem().getUid());
        }
        if (name.startsWith("FILE:")) {
            return Path.of(name.substring("FILE:".length()));
        }
        int colon = name.indexOf(':');
        if (colon > 0 && !name.startsWith("/")) {
            throw new UnsupportedCacheException("KRB5CCNAME=" + name + " is a " + name.substring(0, colon)
                    + " cache; the plugin reads FILE caches only: run `KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u) kinit`");
        }
        return Path.of(name);
    }

    /** Reads the cache at {@code location}; empty when there is no such file. */
    public static Optional<TicketCache> read(Path location) throws IOException {
        if (!Files.isRegularFile(location)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(location)) {
            return Optional.of(parse(location, new DataInputStream(new java.io.BufferedInputStream(in))));
        }
    }

    private static TicketCache parse(Path location, DataInputStream in) throws IOException {
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
        return new TicketCache(location, defaultPrincipal, tgtExpires);
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

    /** The cache named by {@code KRB5CCNAME} is of a kind the JDK cannot read. */
    public static final class UnsupportedCacheException extends Exception {
        public UnsupportedCacheException(String message) {
            super(message);
        }
    }
}
