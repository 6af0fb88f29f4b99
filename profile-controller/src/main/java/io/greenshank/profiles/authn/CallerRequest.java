package io.greenshank.profiles.authn;

import java.util.Optional;
import java.util.function.Function;

/** The parts of an HTTP request that authentication reads: its headers (case-insensitive names). */
public record CallerRequest(Function<String, String> headers) {

    public Optional<String> header(String name) {
        String v = headers.apply(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
