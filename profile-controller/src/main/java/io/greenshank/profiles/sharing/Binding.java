package io.greenshank.profiles.sharing;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * KFAM's binding, in its JSON shape ({@code user}, {@code referredNamespace}, capitalised {@code RoleRef},
 * {@code status}) so the central dashboard reads and writes it unchanged; {@code roleRef} is accepted on input too.
 *
 * @param status empty for bindings made through this API or by the controller; {@code Unmanaged} for bindings made
 *               by hand, which are listed but not removed through the API
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Binding(
        @JsonProperty("user") Subject user,
        @JsonProperty("referredNamespace") String referredNamespace,
        @JsonProperty("RoleRef") @JsonAlias("roleRef") RoleRef roleRef,
        @JsonProperty("status") String status) {

    public static final String UNMANAGED = "Unmanaged";
}
