package io.greenshank.envoy;

/** The connection manager's {@code forward_client_cert_details}. */
public enum ForwardClientCert {
    /** Envoy's default: remove any client {@code x-forwarded-client-cert}. */
    SANITIZE,
    FORWARD_ONLY,
    /** Istio sidecars (inbound). */
    APPEND_FORWARD,
    /** Istio gateways. */
    SANITIZE_SET,
    ALWAYS_FORWARD_ONLY
}
