package io.greenshank.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * An Istio workload identity, {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}.
 * Istio writes it without the scheme in policy ({@code cluster.local/ns/foo/sa/bar}); both forms parse.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {

    private static final String SCHEME = "spiffe://";

    public SpiffeId {
        requireSegment(trustDomain, "trust domain");
        requireSegment(namespace, "namespace");
        requireSegment(serviceAccount, "service account");
    }

    /** Parses either the URI form or Istio's scheme-less principal form; empty when it is neither. */
    public static Optional<SpiffeId> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String rest = value.startsWith(SCHEME) ? value.substring(SCHEME.length()) : value;
        String[] parts = rest.split("/", -1);
        if (parts.length != 5 || !"ns".equals(parts[1]) || !"sa".equals(parts[3])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SpiffeId(parts[0], parts[2], parts[4]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The form Istio policies use in {@code principals}: {@code <trust-domain>/ns/<ns>/sa/<sa>}. */
    public String principal() {
        return trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    public String uri() {
        return SCHEME + principal();
    }

    /** The same workload as Kubernetes names it, for SubjectAccessReview. */
    public ServiceAccountName serviceAccountName() {
        return new ServiceAccountName(namespace, serviceAccount);
    }

    @Override
    public String toString() {
        return uri();
    }

    private static void requireSegment(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty() || s.indexOf('/') >= 0) {
            throw new IllegalArgumentException("invalid SPIFFE " + what + ": '" + s + "'");
        }
    }
}
