package io.greenshank.bridge.kerberos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosKey;
import javax.security.auth.kerberos.KerberosPrincipal;
import org.apache.kerby.kerberos.kerb.keytab.Keytab;
import org.apache.kerby.kerberos.kerb.keytab.KeytabEntry;
import org.apache.kerby.kerberos.kerb.type.base.PrincipalName;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;
import org.jboss.logging.Logger;

/**
 * The service keytab, read with Kerby into JDK {@link KerberosKey}s and turned into one JGSS acceptor credential.
 * The file is checked at most every {@code checkInterval}; when its content changes (a rotated keytab) the keys
 * and the credential are rebuilt without a restart. A rotation that leaves the file unreadable keeps the last good
 * keys, so a half-copied keytab does not lock everyone out.
 */
public final class ServiceKeytab {
    private static final Logger LOG = Logger.getLogger(ServiceKeytab.class);
    static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
    static final Oid KRB5 = oid("1.2.840.113554.1.2.2");
    static final Oid KRB5_PRINCIPAL_NAME = oid("1.2.840.113554.1.2.2.1");
    /** AES enctypes (17, 18, 19, 20); the JDK refuses DES and RC4 unless weak crypto is allowed. */
    private static final Set<Integer> STRONG_ENCTYPES = Set.of(17, 18, 19, 20);

    private final Optional<Path> file;
    private final Optional<String> servicePrincipal;
    private final Duration checkInterval;
    private final Duration oldKeyGrace;
    private final Clock clock;
    private volatile Loaded loaded;
    private volatile Instant nextCheck = Instant.MIN;
    private volatile String unavailableReason = "not loaded yet";
    private String lastProblem = "";

    /** One key in the keytab, as {@code klist -kte} shows it (no key material). */
    public record KeyInfo(String principal, int kvno, int enctype) {
        @Override
        public String toString() {
            return principal + " kvno " + kvno + " enctype " + enctype;
        }
    }

    /** A key no longer in the file, still accepted until {@code until}: tickets already issued with it stay good. */
    record RetiredKey(KerberosKey key, KeyInfo info, Instant until) {
    }

    /**
     * The keys and credential built from one version of the file.
     *
     * @param keys    every key accepted, retired ones included
     * @param retired keys that left the file on a rotation and are kept for the grace period
     */
    public record Loaded(GSSCredential credential, List<KeyInfo> keys, Set<String> realms, String fingerprint,
                         List<KerberosKey> kerberosKeys, List<RetiredKey> retired) {
        public String describe() {
            return keys.stream().map(k -> retired.stream().anyMatch(r -> r.info().equals(k))
                    ? k + " (retired)" : k.toString()).collect(Collectors.joining(", "));
        }
    }

    /**
     * @param oldKeyGrace how long keys that disappear from the file on a rotation are still accepted (clients hold
     *                    service tickets sealed with the old key until they expire); zero drops them at once, as
     *                    after a key compromise
     */
    public ServiceKeytab(Optional<Path> file, Optional<String> servicePrincipal, Duration checkInterval,
                         Duration oldKeyGrace, Clock clock) {
        this.file = file;
        this.servicePrincipal = servicePrincipal;
        this.checkInterval = checkInterval;
        this.oldKeyGrace = oldKeyGrace;
        this.clock = clock;
    }

    /** The current acceptor credential, re-reading the file when the check interval has passed. */
    public Optional<Loaded> current() {
        Instant now = clock.instant();
        if (now.isAfter(nextCheck)) {
            synchronized (this) {
                if (now.isAfter(nextCheck)) {
                    reload();
                    nextCheck = now.plus(checkInterval);
                }
            }
        }
        return Optional.ofNullable(loaded);
    }

    /** Why there is no credential, when {@link #current()} is empty. */
    public String unavailableReason() {
        return unavailableReason;
    }

    private void reload() {
        if (file.isEmpty()) {
            unavailableReason = "greenshank.kerberos.keytab is not set";
            return;
        }
        Path path = file.get();
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (IOException e) {
            keepOrFail("cannot read keytab " + path + ": " + e);
            return;
        }
        String fingerprint = fingerprint(content);
        Loaded previous = loaded;
        Instant now = clock.instant();
        if (previous != null && previous.fingerprint().equals(fingerprint)
                && previous.retired().stream().noneMatch(r -> now.isAfter(r.until()))) {
            return;
        }
        try {
            Loaded fresh = build(path, content, fingerprint, previous, now);
            loaded = fresh;
            unavailableReason = "";
            lastProblem = "";
            if (previous == null) {
                LOG.infof("Kerberos keytab %s loaded: %s", path, fresh.describe());
            } else {
                LOG.infof("Kerberos keytab %s rotated: now %s (was %s)", path, fresh.describe(), previous.describe());
            }
        } catch (IOException | GSSException | RuntimeException e) {
            keepOrFail("cannot use keytab " + path + ": " + e.getMessage());
        }
    }

    private void keepOrFail(String reason) {
        boolean repeated = reason.equals(lastProblem);
        lastProblem = reason;
        if (loaded != null) {
            if (!repeated) {
                LOG.errorf("%s; keeping the keys loaded before (%s)", reason, loaded.describe());
            }
        } else {
            unavailableReason = reason;
            if (!repeated) {
                // Logged once per distinct problem, not at every check interval.
                LOG.errorf("%s; SPNEGO logins are refused until it is fixed", reason);
            }
        }
    }

    private Loaded build(Path path, byte[] content, String fingerprint, Loaded previous, Instant now)
            throws IOException, GSSException {
        Keytab keytab = Keytab.loadKeytab(new java.io.ByteArrayInputStream(content));
        Set<KerberosPrincipal> principals = new LinkedHashSet<>();
        List<KerberosKey> keys = new ArrayList<>();
        List<KeyInfo> infos = new ArrayList<>();
        Set<String> realms = new LinkedHashSet<>();
        for (PrincipalName name : keytab.getPrincipals()) {
            String principal = String.join("/", name.getNameStrings()) + "@" + name.getRealm();
            if (servicePrincipal.isPresent() && !servicePrincipal.get().equals(principal)) {
                continue;
            }
            KerberosPrincipal kp = new KerberosPrincipal(principal, KerberosPrincipal.KRB_NT_PRINCIPAL);
            for (KeytabEntry entry : keytab.getKeytabEntries(name)) {
                int enctype = entry.getKey().getKeyType().getValue();
                keys.add(new KerberosKey(kp, entry.getKey().getKeyData(), enctype, entry.getKvno()));
                infos.add(new KeyInfo(principal, entry.getKvno(), enctype));
            }
            principals.add(kp);
            realms.add(name.getRealm());
        }
        List<RetiredKey> retired = new ArrayList<>();
        if (previous != null && !infos.isEmpty()) {
            Set<KeyInfo> current = new HashSet<>(infos);
            for (int i = 0; i < previous.kerberosKeys().size(); i++) {
                KeyInfo info = previous.keys().get(i);
                if (!current.contains(info)) {
                    retired.add(new RetiredKey(previous.kerberosKeys().get(i), info, now.plus(oldKeyGrace)));
                }
            }
            for (RetiredKey r : previous.retired()) {
                if (!current.contains(r.info())) {
                    retired.removeIf(x -> x.info().equals(r.info()));
                    retired.add(r);
                }
            }
            retired.removeIf(r -> !now.isBefore(r.until()));
            for (RetiredKey r : retired) {
                keys.add(r.key());
                infos.add(r.info());
                principals.add(r.key().getPrincipal());
            }
        }
        if (infos.isEmpty()) {
            Set<String> present = keytab.getPrincipals().stream()
                    .map(n -> String.join("/", n.getNameStrings()) + "@" + n.getRealm())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            throw new IOException("no key for " + servicePrincipal.orElse("any principal") + " in " + path
                    + " (it holds " + present + "); check greenshank.kerberos.service-principal");
        }
        if (infos.stream().noneMatch(k -> STRONG_ENCTYPES.contains(k.enctype()))) {
            LOG.warnf("keytab %s holds no AES key (%s): Java refuses DES and RC4; export an AES keytab (on AD set"
                    + " msDS-SupportedEncryptionTypes=24 on the service account)", path, infos);
        }
        Subject subject = new Subject(true, principals, Set.of(), new HashSet<Object>(keys));
        GSSManager manager = GSSManager.getInstance();
        GSSName name = servicePrincipal.isPresent()
                ? manager.createName(servicePrincipal.get(), KRB5_PRINCIPAL_NAME) : null;
        try {
            GSSCredential credential = Subject.doAs(subject, (PrivilegedExceptionAction<GSSCredential>) () ->
                    manager.createCredential(name, GSSCredential.INDEFINITE_LIFETIME, new Oid[] {SPNEGO, KRB5},
                            GSSCredential.ACCEPT_ONLY));
            return new Loaded(credential, List.copyOf(infos), Set.copyOf(realms), fingerprint, List.copyOf(keys),
                    List.copyOf(retired));
        } catch (PrivilegedActionException e) {
            if (e.getCause() instanceof GSSException g) {
                throw g;
            }
            throw new IOException(e.getCause());
        }
    }

    private static String fingerprint(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Oid oid(String dotted) {
        try {
            return new Oid(dotted);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
