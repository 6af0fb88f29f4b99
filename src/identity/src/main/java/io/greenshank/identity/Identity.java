package io.greenshank.identity;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An authenticated caller, as every Greenshank service sees it.
 *
 * @param user        the user id Kubeflow and Kubernetes know (e.g. {@code alice@example.com} or
 *                    {@code system:serviceaccount:ns:sa}), already prefixed where a prefix is configured
 * @param groups      group names, in the issuer's order, without duplicates
 * @param issuer      the token issuer, or empty for mesh-only and directory identities
 * @param subject     the stable subject at that issuer ({@code sub}), or empty
 * @param meshPeer    the mTLS peer workload, when the request came through the mesh
 * @param method      how the caller proved who they are
 * @param claims      the verified token claims (empty for non-token identities); never used for decisions
 *                    without having been verified
 * @param expiresAt   when the credential stops being valid, if it has an end
 */
public record Identity(
        String user,
        List<String> groups,
        Optional<String> issuer,
        Optional<String> subject,
        Optional<SpiffeId> meshPeer,
        AuthMethod method,
        Map<String, Object> claims,
        Optional<Instant> expiresAt) {

    public Identity {
        Objects.requireNonNull(user, "user");
        if (user.isBlank()) {
            throw new IllegalArgumentException("user must not be blank");
        }
        groups = List.copyOf(new java.util.LinkedHashSet<>(groups));
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(meshPeer, "meshPeer");
        Objects.requireNonNull(method, "method");
        claims = Map.copyOf(claims);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A workload known only by its mesh certificate. Its user is the Kubernetes service-account name. */
    public static Identity ofMeshPeer(SpiffeId peer) {
        ServiceAccountName sa = peer.serviceAccountName();
        return new Identity(sa.username(), sa.groups(), Optional.empty(), Optional.empty(), Optional.of(peer),
                AuthMethod.MESH_MTLS, Map.of(), Optional.empty());
    }

    /**
     * Istio's {@code request.auth.principal}: {@code <iss>/<sub>} for token identities, empty otherwise.
     */
    public Optional<String> requestPrincipal() {
        return issuer.flatMap(iss -> subject.map(sub -> iss + "/" + sub));
    }

    /** The same identity, as seen through the mesh peer that carried the request. */
    public Identity withMeshPeer(SpiffeId peer) {
        return new Identity(user, groups, issuer, subject, Optional.of(peer), method, claims, expiresAt);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    @Override
    public String toString() {
        // Claims may hold personal data; they stay out of logs.
        return "Identity[user=" + user + ", groups=" + groups + ", method=" + method
                + issuer.map(i -> ", issuer=" + i).orElse("") + meshPeer.map(p -> ", peer=" + p).orElse("") + "]";
    }
}
