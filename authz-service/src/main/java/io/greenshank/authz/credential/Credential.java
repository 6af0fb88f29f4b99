package io.greenshank.authz.credential;

import java.util.Objects;

/**
 * A bearer credential found in a request. {@link #toString()} never prints the token.
 *
 * @param token  the raw JWT text
 * @param source where it was found: {@code bearer}, {@code cookie:<name>} or {@code header:<name>}
 */
public record Credential(String token, String source) {

    public Credential {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        return "Credential[source=" + source + ", length=" + token.length() + "]";
    }
}
