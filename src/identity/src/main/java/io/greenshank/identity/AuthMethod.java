package io.greenshank.identity;

/** How a caller proved who they are. The names are the OIDC {@code amr} values where one exists. */
public enum AuthMethod {
    /** A bearer JWT from a trusted OIDC issuer (including Kubernetes service-account tokens). */
    JWT("jwt"),
    /** The workload identity of the mesh peer, from its mTLS certificate. */
    MESH_MTLS("mtls"),
    /** A password verified by an LDAP or Active Directory bind. */
    PASSWORD("pwd"),
    /** A Kerberos ticket presented through SPNEGO. */
    KERBEROS("kerberos"),
    /** A user-id header trusted only because the request provably came through a configured mesh principal. */
    TRUSTED_HEADER("header");

    private final String amr;

    AuthMethod(String amr) {
        this.amr = amr;
    }

    /** The RFC 8176 style {@code amr} value for tokens minted from this method. */
    public String amr() {
        return amr;
    }
}
