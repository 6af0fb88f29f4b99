package io.greenshank.bridge.kerberos;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code greenshank.kerberos.*}: SPNEGO at the token and authorization endpoints. */
@ConfigMapping(prefix = "greenshank.kerberos")
public interface KerberosConfig {

    /** The service keytab ({@code HTTP/<bridge host>@REALM}); without one every SPNEGO attempt is refused. */
    Optional<Path> keytab();

    /**
     * The principal to accept tickets for, e.g. {@code HTTP/bridge.example.com@EXAMPLE.COM}. Empty accepts tickets
     * for any principal in the keytab.
     */
    Optional<String> servicePrincipal();

    /**
     * The krb5.conf the JDK should read (it ignores {@code KRB5_CONFIG}). Empty: the JDK's default
     * ({@code /etc/krb5.conf}) when it exists.
     */
    Optional<Path> krb5Conf();

    /** Realms whose users may log in. Empty: only the realms of the keytab's service principals. */
    Optional<List<String>> acceptedRealms();

    /** How a client principal {@code name@REALM} becomes the directory login. */
    @WithDefault("uid")
    PrincipalMapping principalMapping();

    /**
     * For {@code principal-mapping=user-principal-name}: the UPN suffix per realm (AD UPN suffixes often differ
     * from the realm). A realm without an entry uses its own name in lower case.
     */
    Map<String, String> upnSuffix();

    /** Largest accepted difference between the client's clock and ours (Kerberos {@code clockskew}). */
    @WithDefault("300s")
    Duration clockSkew();

    /**
     * How long the directory entry (email, groups, account status) of a user who logged in with Kerberos is reused for
     * their next Kerberos logins; 0 reads the directory on every login. Refreshing tokens always reads it.
     */
    @WithDefault("60s")
    Duration directoryCacheTtl();

    /** How often the keytab file is checked for rotation (new keys are picked up without a restart). */
    @WithDefault("10s")
    Duration keytabCheckInterval();

    /**
     * How long keys that left the keytab on a rotation are still accepted: clients keep service tickets sealed with
     * the old key until those expire (10 h is the usual ticket lifetime). Set 0 after a key compromise.
     */
    @WithDefault("10h")
    Duration oldKeyGrace();

    /**
     * Dev profile only (refused in production, like the embedded directory): when no {@link #keytab()} is set,
     * start an in-process KDC (realm {@code GREENSHANK.DEV}) with the demo users and accept its tickets.
     */
    @WithDefault("false")
    boolean embeddedKdc();

    /** The embedded KDC's TCP port; 0 picks a free one. */
    @WithDefault("0")
    int embeddedKdcPort();

    /** The embedded KDC's bind address: loopback unless the dev run is opened ({@code 0.0.0.0}). */
    @WithDefault("127.0.0.1")
    String embeddedKdcHost();

    /** Where the embedded KDC writes the service keytab and the users' {@code krb5.conf} (its contents are replaced). */
    @WithDefault("${java.io.tmpdir}/greenshank-kdc")
    Path embeddedKdcDir();

    /** Whether the authorization endpoint offers {@code WWW-Authenticate: Negotiate} to browsers. */
    @WithDefault("true")
    boolean browser();

    /** How a Kerberos principal is matched to a directory entry. */
    enum PrincipalMapping {
        /** {@code alice@REALM} → login {@code alice} (OpenLDAP {@code uid}, AD {@code sAMAccountName}). */
        UID,
        /** {@code alice@REALM} → login {@code alice@<upn suffix>} (AD {@code userPrincipalName}). */
        USER_PRINCIPAL_NAME
    }
}
