package io.greenshank.authz.sar;

import java.util.Locale;
import java.util.Objects;

/** The Kubernetes resource a request acts on, as a SubjectAccessReview's {@code resourceAttributes} name it. */
public record ResourceAttributes(String verb, String group, String version, String resource, String subresource,
                                 String namespace, String name) {

    public ResourceAttributes {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(resource, "resource");
        group = group == null ? "" : group;
        version = version == null ? "" : version;
        subresource = subresource == null ? "" : subresource;
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
    }

    /** The verb the API server would use for an HTTP method on a named object or a collection. */
    public static String verbFor(String method, boolean named) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }
}
