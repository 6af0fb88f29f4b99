package io.greenshank.bridge.session;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the fields of a stored JSON object (Nimbus's shaded parser: no reflection); every malformed or missing
 * field is an {@link IllegalArgumentException}, which stores treat as an absent value.
 */
public record JsonFields(Map<String, Object> map) {

    public static JsonFields parse(String json) {
        try {
            return new JsonFields(JSONObjectUtils.parse(json));
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JSON object", e);
        }
    }

    public static String write(Map<String, ?> fields) {
        return JSONObjectUtils.toJSONString(fields);
    }

    public String string(String name) {
        return optional(name).orElseThrow(() -> new IllegalArgumentException("missing " + name));
    }

    public Optional<String> optional(String name) {
        try {
            return Optional.ofNullable(JSONObjectUtils.getString(map, name));
        } catch (ParseException e) {
            throw new IllegalArgumentException(name + " is not a string", e);
        }
    }

    public List<String> strings(String name) {
        try {
            List<String> l = JSONObjectUtils.getStringList(map, name);
            if (l == null) {
                throw new IllegalArgumentException("missing " + name);
            }
            return l;
        } catch (ParseException e) {
            throw new IllegalArgumentException(name + " is not a list of strings", e);
        }
    }

    public Instant instant(String name) {
        try {
            return Instant.parse(string(name));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " is not an instant", e);
        }
    }

    public JsonFields object(String name) {
        try {
            Map<String, Object> m = JSONObjectUtils.getJSONObject(map, name);
            if (m == null) {
                throw new IllegalArgumentException("missing " + name);
            }
            return new JsonFields(m);
        } catch (ParseException e) {
            throw new IllegalArgumentException(name + " is not an object", e);
        }
    }
}
