package io.greenshank.envoy;

import java.util.Objects;

/** One header change an authorization answer asks for, and how Envoy applies it. */
public record HeaderMutation(String name, String value, Action action) {

    public enum Action {
        /** setCopy: every existing entry goes, one entry with this value is added. */
        SET,
        /** addCopy: a new entry beside any existing ones. */
        ADD,
        /** appendCopy when the header exists (comma-joined onto its first entry); nothing when it does not. */
        APPEND_IF_EXISTS,
        /** addCopy only when the header is absent. */
        ADD_IF_ABSENT,
        /** setCopy only when the header exists. */
        OVERWRITE_IF_EXISTS
    }

    public HeaderMutation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(action, "action");
    }
}
