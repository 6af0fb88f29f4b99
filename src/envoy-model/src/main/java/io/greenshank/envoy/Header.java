package io.greenshank.envoy;

import java.util.Objects;

/**
 * One header field as it travels: a name and a value. Values are octets, one {@code char} per byte (ISO-8859-1), the
 * way Envoy's {@code HeaderString} holds them; {@link Octets} converts text to and from that form.
 */
public record Header(String name, String value) {

    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static Header of(String name, String value) {
        return new Header(name, value);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
