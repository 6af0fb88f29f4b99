package io.greenshank.profiles.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/** What the controller last observed, written only through the status subresource. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileStatus(List<ProfileCondition> conditions) {

    public ProfileStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public Optional<ProfileCondition> condition(String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }
}
