package io.greenshank.authz.explain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A request to explain, in plain terms: who (user, groups, token claims, mesh principal), what (method, host, path,
 * headers) and, optionally, where (destination; otherwise the route table or the sidecar's own workload decides).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ExplainRequest(String user, List<String> groups, Map<String, Object> claims, String issuer,
                             String subject, String sourcePrincipal, String sourceIp, String remoteIp, String method,
                             String host, String path, Map<String, String> headers, String sni,
                             DestinationSpec destination) {

    public record DestinationSpec(String namespace, String service, Map<String, String> labels, String ip,
                                  Integer port) {
    }
}
