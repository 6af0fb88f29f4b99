package io.greenshank.profiles.sharing;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** KFAM's list answer: {@code {"bindings": [...]}}. */
public record BindingEntries(@JsonProperty("bindings") List<Binding> bindings) {

    public BindingEntries {
        bindings = List.copyOf(bindings);
    }
}
