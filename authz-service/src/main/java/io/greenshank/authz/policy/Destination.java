package io.greenshank.authz.policy;

import java.util.Map;
import java.util.Objects;

/**
 * The workload a request is judged against: its namespace, service name and pod labels (what policy selectors match),
 * and the address and port the request was sent to.
 */
public record Destination(String namespace, String service, Map<String, String> labels, String ip, int port) {

    public Destination {
        Objects.requireNonNull(namespace, "namespace");
        service = service == null ? "" : service;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        ip = ip == null ? "" : ip;
    }

    public static Destination of(String namespace, Map<String, String> labels) {
        return new Destination(namespace, "", labels, "", 0);
    }
}
