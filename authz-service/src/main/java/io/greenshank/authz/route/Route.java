package io.greenshank.authz.route;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * One route of the table, as written in the routes file: which requests it covers (host pattern and path template)
 * and what they are judged against. Values may use the path's {@code {variables}}.
 *
 * <pre>
 * - host: "kubeflow.example.com"
 *   path: /notebook/{namespace}/{name}/**
 *   destination: {namespace: "{namespace}", service: "{name}", labels: {notebook-name: "{name}"}}
 *   resource: {group: kubeflow.org, version: v1, resource: notebooks, namespace: "{namespace}", name: "{name}"}
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Route(String host, String path, DestinationTemplate destination, ResourceTemplate resource) {

    public record DestinationTemplate(String namespace, String service, Map<String, String> labels) {
    }

    /** Kubernetes resource attributes; {@code verb} is derived from the HTTP method when absent. */
    public record ResourceTemplate(String verb, String group, String version, String resource, String subresource,
                                   String namespace, String name) {
    }
}
