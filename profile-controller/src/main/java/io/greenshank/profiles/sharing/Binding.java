package io.greenshank.profiles.sharing;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.Objects;

/**
 * KFAM's binding, in its JSON shape, so both generations of Kubeflow's central dashboard read and write it unchanged.
 * The person or group is {@code user} in kubeflow/kubeflow's KFAM and {@code subject} in kubeflow/dashboard's
 * ({@code components/access-management/kfam/model_binding.go}): answers carry both, requests may use either.
 * {@code RoleRef} is capitalised ({@code roleRef} is accepted on input) and names the role as KFAM does, {@code admin},
 * {@code edit} or {@code view} ({@link ContributorRole#shortName()}).
 *
 * @param status empty for bindings made through this API or by the controller; {@code Unmanaged} for bindings made
 *               by hand, which are listed but not removed through the API
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Binding(
        @JsonProperty("user") Subject user,
        @JsonProperty("subject") Subject subject,
        @JsonProperty("referredNamespace") String referredNamespace,
        @JsonProperty("RoleRef") @JsonAlias("roleRef") RoleRef roleRef,
        @JsonProperty("status") String status) {

    public static final String UNMANAGED = "Unmanaged";

    /** An answer: the person under both names, the role by its KFAM name. */
    static Binding of(Subject person, String namespace, ContributorRole role, String status) {
        return new Binding(person, person, namespace, new RoleRef(null, "ClusterRole", role.shortName()), status);
    }

    /**
     * The User or Group a request names, under either field name; null when it names none.
     *
     * @throws SharingException 400 when {@code user} and {@code subject} name different people
     */
    Subject person() {
        if (user != null && subject != null && !(Objects.equals(user.getKind(), subject.getKind())
                && Objects.equals(user.getName(), subject.getName()))) {
            throw SharingException.badRequest("the binding names two different people: user " + user.getKind() + " "
                    + user.getName() + " and subject " + subject.getKind() + " " + subject.getName()
                    + "; send one of them");
        }
        return user != null ? user : subject;
    }
}
