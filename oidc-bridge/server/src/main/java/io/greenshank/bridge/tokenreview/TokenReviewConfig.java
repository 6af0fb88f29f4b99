package io.greenshank.bridge.tokenreview;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * {@code greenshank.bridge.token-review.*}: the Kubernetes webhook token authenticator (TokenReview), served on its
 * own HTTPS port that requires a client certificate (the API server's) signed by {@link #clientCaFile()}.
 */
@ConfigMapping(prefix = "greenshank.bridge.token-review")
public interface TokenReviewConfig {

    /** Off by default: an API server must be pointed at it, and it needs the client CA. */
    @WithDefault("false")
    boolean enabled();

    @WithDefault("0.0.0.0")
    String host();

    /** 0 picks a free port (tests). */
    @WithDefault("8444")
    int port();

    /** The path the webhook kubeconfig's {@code server} URL names. */
    @WithDefault("/tokenreview")
    String path();

    /** PEM certificate chain the webhook port presents; defaults to {@code quarkus.http.ssl.certificate.files}. */
    Optional<String> certificateFile();

    /** PEM private key; defaults to {@code quarkus.http.ssl.certificate.key-files}. */
    Optional<String> keyFile();

    /** PEM CA(s) that sign the API server's client certificate. Required when enabled: there is no plain mode. */
    Optional<String> clientCaFile();

    /**
     * When set, the client certificate's subject CN or a DNS SAN must be one of these (e.g. {@code kube-apiserver}):
     * useful when the client CA also signs other clients.
     */
    Optional<List<String>> clientNames();

    /**
     * Token audiences ({@code aud}) that mean "this cluster's API server": with the OIDC path the API server's
     * {@code --oidc-client-id} / {@code jwt.issuer.audiences}. A token carrying one is answered with no
     * {@code status.audiences}, which the API server reads as its own audiences.
     */
    @WithDefault("kubectl")
    List<String> audiences();

    /** Prepended to the username ({@code email} claim); empty, as the OIDC path's {@code prefix: ""}. */
    Optional<String> usernamePrefix();

    /** Prepended to each group; empty, as the OIDC path's groups {@code prefix: ""}. */
    Optional<String> groupsPrefix();

    /**
     * Verified tokens kept so that a token reviewed again skips the signature check (a few hundred bytes each: no token
     * is kept, only an HMAC of it and the user it names); an entry ends at the token's {@code exp} or when its key is
     * no longer published, and code-grant revocation is checked at every review regardless. 0 turns the cache off.
     */
    @WithDefault("10000")
    int cacheMaxEntries();

    /**
     * Offer HTTP/2 ({@code h2}) beside HTTP/1.1 in the TLS handshake (ALPN). kube-apiserver's webhook client takes
     * {@code h2} when offered and multiplexes its reviews on one connection, so on one event loop; measured, the
     * bridge spends more CPU per review over h2 than over kept-alive HTTP/1.1 connections (docs/benchmarks.md), hence
     * off by default.
     */
    @WithDefault("false")
    boolean http2();

    /** Largest request body read; a TokenReview with a bridge token is about 2 KiB. */
    @WithDefault("65536")
    int maxRequestBytes();
}
