package io.greenshank.profiles.crd;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A status condition. Kubeflow's schema has {@code type}, {@code status} and {@code message}; {@code reason},
 * {@code lastTransitionTime} and {@code observedGeneration} are additive, optional fields in the same object.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileCondition(String type, String status, String reason, String message, String lastTransitionTime,
        Long observedGeneration) {

    public static final String READY = "Ready";
    /** Reason on a false {@code Ready}: the namespace exists and belongs to someone else; it is left untouched. */
    public static final String NAMESPACE_OWNED_BY_OTHER = "NamespaceOwnedByOther";
    public static final String RECONCILED = "Reconciled";
    public static final String RECONCILE_FAILED = "ReconcileFailed";
    public static final String INVALID_SPEC = "InvalidSpec";

    @JsonIgnore
    public boolean isTrue() {
        return "True".equals(status);
    }

    /** Equal apart from the transition time, so an unchanged condition is not rewritten. */
    public boolean sameAs(ProfileCondition other) {
        return other != null && type.equals(other.type) && status.equals(other.status)
                && java.util.Objects.equals(reason, other.reason) && java.util.Objects.equals(message, other.message)
                && java.util.Objects.equals(observedGeneration, other.observedGeneration);
    }
}
