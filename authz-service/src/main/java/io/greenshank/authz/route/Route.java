package io.greenshank.authz.route;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * One route of the table, as written in the routes file: which requests it covers (host pattern and path template)
 * and what they are judged against. Values may use the path's {@code {variables}} and the variables {@code query}
 * reads from the query string.
 *
 * <pre>
 * - host: "kubeflow.example.com"
 *   path: /notebook/{namespace}/{name}/**
 *   destination: {namespace: "{namespace}", service: "{name}", labels: {notebook-name: "{name}"}}
 *   resource: {group: kubeflow.org, version: v1, resource: notebooks, namespace: "{namespace}", name: "{name}"}
 * </pre>
 *
 * <p>{@code methods} (default: all) limits the route to those HTTP methods, for APIs that name the namespace in the
 * query of some calls (a list) and in the body of others (a create). {@code query} maps a variable to the query parameter it is read from (decoded; exactly one value, else the request
 * is refused); {@code queryEquals} makes the route match only requests whose parameter has exactly that value. A
 * variable both in the path and in {@code query} must agree where both are given.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Route(String host, java.util.Set<String> methods, String path, Map<String, String> query, Map<String, String> queryEquals,
                    DestinationTemplate destination, ResourceTemplate resource) {

    public Route {
        methods = methods == null ? java.util.Set.of() : java.util.Set.copyOf(methods);
        query = query == null ? Map.of() : Map.copyOf(query);
        queryEquals = queryEquals == null ? Map.of() : Map.copyOf(queryEquals);
    }

    public record DestinationTemplate(String namespace, String service, Map<String, String> labels) {
    }

    /** Kubernetes resource attributes; {@code verb} is derived from the HTTP method when absent. */
    public record ResourceTemplate(String verb, String group, String version, String resource, String subresource,
                                   String namespace, String name) {
    }
}
