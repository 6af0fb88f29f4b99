package io.greenshank.authz.policy.source;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.greenshank.authz.policy.Action;
import io.greenshank.authz.policy.PolicyRejection;
import io.greenshank.authz.policy.istio.AuthorizationPolicy;
import io.greenshank.authz.policy.istio.AuthorizationPolicyCompiler;
import io.greenshank.authz.policy.istio.CompiledPolicy;
import io.greenshank.authz.policy.istio.CompiledRule;
import io.greenshank.authz.policy.legacy.ClusterRbacConfig;
import io.greenshank.authz.policy.legacy.LegacyCompiler;
import io.greenshank.authz.policy.legacy.ServiceRole;
import io.greenshank.authz.policy.legacy.ServiceRoleBinding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns YAML (multi-document) or API-server objects into {@link PolicyEntry}s. A document that cannot be used never
 * widens access: an unreadable DENY (or a policy whose action cannot be read) denies its whole scope, an unreadable
 * ALLOW becomes an allow-nothing policy for its scope, an unreadable ServiceRole or binding grants nothing, and an
 * unreadable ClusterRbacConfig turns RBAC on everywhere.
 */
public final class PolicyDocuments {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper STRICT = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, false);
    private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(?:#.*)?$");
    private static final Pattern KIND = Pattern.compile("(?m)^kind:\\s*[\"']?([A-Za-z]+)");
    private static final Pattern NAME = Pattern.compile("(?m)^\\s+name:\\s*[\"']?([A-Za-z0-9.\\-]+)");
    private static final Pattern NAMESPACE = Pattern.compile("(?m)^\\s+namespace:\\s*[\"']?([a-z0-9\\-]+)");
    private static final Pattern ACTION = Pattern.compile("(?m)^\\s+action:\\s*[\"']?([A-Z]+)");

    private final String rootNamespace;

    public PolicyDocuments(String rootNamespace) {
        this.rootNamespace = rootNamespace;
    }

    /** Every document in a YAML text. Documents are split first so that one broken document spoils only itself. */
    public List<PolicyEntry> parseYaml(String yaml, String origin) {
        List<PolicyEntry> out = new ArrayList<>();
        String[] docs = DOC_SEPARATOR.split(yaml);
        for (int i = 0; i < docs.length; i++) {
            String doc = docs[i];
            if (doc.isBlank() || doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            String where = origin + "#" + i;
            JsonNode node;
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(doc)) {
                List<JsonNode> nodes = it.readAll();
                if (nodes.size() != 1 || !(nodes.get(0) instanceof ObjectNode)) {
                    out.add(unreadableText(doc, where, "not a single YAML mapping"));
                    continue;
                }
                node = nodes.get(0);
            } catch (IOException | RuntimeException e) {
                out.add(unreadableText(doc, where, "YAML syntax: " + firstLine(e.getMessage())));
                continue;
            }
            PolicyEntry entry = parseNode(node, where);
            if (entry != null) {
                out.add(entry);
            }
        }
        return out;
    }

    /**
     * One object (from YAML or the API server). Null for kinds that are not policy (a file may hold other objects).
     */
    public PolicyEntry parseNode(JsonNode node, String origin) {
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        String name = node.path("metadata").path("name").asText("");
        String namespace = node.path("metadata").path("namespace").asText("");
        String ns = namespace.isEmpty() ? "default" : namespace;
        String key = ns + "/" + name;
        boolean istio = kind.equals(AuthorizationPolicy.KIND) && apiVersion.startsWith("security.istio.io/");
        boolean legacy = apiVersion.equals(ServiceRole.API_VERSION);
        if (!istio && !legacy) {
            return null;
        }
        try {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("metadata.name is required");
            }
            if (istio) {
                AuthorizationPolicy p = STRICT.treeToValue(withoutStatus(node), AuthorizationPolicy.class);
                return new PolicyEntry.Istio(AuthorizationPolicyCompiler.compile(p));
            }
            switch (kind) {
                case ServiceRole.KIND -> {
                    ServiceRole r = STRICT.treeToValue(withoutStatus(node), ServiceRole.class);
                    LegacyCompiler.roleRules(r, "cluster.local");
                    return new PolicyEntry.Role(r);
                }
                case ServiceRoleBinding.KIND -> {
                    return new PolicyEntry.Binding(STRICT.treeToValue(withoutStatus(node), ServiceRoleBinding.class));
                }
                case ClusterRbacConfig.KIND, "RbacConfig" -> {
                    ClusterRbacConfig c = STRICT.treeToValue(withoutStatus(node), ClusterRbacConfig.class);
                    LegacyCompiler.config(c);
                    return new PolicyEntry.RbacConfig(c);
                }
                default -> {
                    return null;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            String reason = firstLine(e.getMessage());
            if (istio) {
                return rejectedAuthorizationPolicy(origin, ns, name.isEmpty() ? "(unnamed)" : name,
                        node.path("spec").path("action").asText(""), selectorOf(node), reason);
            }
            if (kind.equals(ServiceRole.KIND)) {
                return new PolicyEntry.Rejected(new PolicyRejection(origin, kind, key, reason, "grants-nothing"),
                        null, key, false);
            }
            if (kind.equals(ClusterRbacConfig.KIND) || kind.equals("RbacConfig")) {
                return new PolicyEntry.Rejected(new PolicyRejection(origin, kind, key, reason, "rbac-on-everywhere"),
                        null, null, true);
            }
            return new PolicyEntry.Rejected(new PolicyRejection(origin, kind, key, reason, "grants-nothing"),
                    null, null, false);
        }
    }

    private static JsonNode withoutStatus(JsonNode node) {
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        copy.remove("status");
        copy.remove("apiVersion");
        copy.remove("kind");
        return copy;
    }

    private static Map<String, String> selectorOf(JsonNode node) {
        JsonNode labels = node.path("spec").path("selector").path("matchLabels");
        if (!labels.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        var it = labels.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                // A selector we cannot read could have narrowed the scope; the whole namespace is the safe scope.
                return Map.of();
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private PolicyEntry rejectedAuthorizationPolicy(String origin, String ns, String name, String action,
                                                    Map<String, String> selector, String reason) {
        boolean allow = action.isEmpty() || action.equals("ALLOW");
        boolean inert = action.equals("AUDIT") || action.equals("CUSTOM");
        String key = ns + "/" + name;
        if (inert) {
            return new PolicyEntry.Rejected(new PolicyRejection(origin, AuthorizationPolicy.KIND, key, reason,
                    "ignored (" + action + " never changes a decision)"), null, null, false);
        }
        CompiledPolicy standIn = allow
                ? new CompiledPolicy(ns, name, Action.ALLOW, false, selector, List.of(), "", reason)
                : new CompiledPolicy(ns, name, Action.DENY, false, selector,
                        List.of(new CompiledRule(List.of(), List.of(), List.of())), "", reason);
        String scope = (ns.equals(rootNamespace) ? "mesh" : "namespace " + ns)
                + (selector.isEmpty() ? "" : " workloads " + selector);
        return new PolicyEntry.Rejected(new PolicyRejection(origin, AuthorizationPolicy.KIND, key, reason,
                (allow ? "allow-nothing for " : "deny-all for ") + scope), standIn, null, false);
    }

    /** A document that is not even YAML: salvage what identifies its scope from the text, and fail closed there. */
    private PolicyEntry unreadableText(String doc, String origin, String reason) {
        String kind = find(KIND, doc);
        String name = find(NAME, doc);
        String ns = find(NAMESPACE, doc);
        String action = find(ACTION, doc);
        if (kind.equals(ServiceRole.KIND) || kind.equals(ServiceRoleBinding.KIND)) {
            String key = (ns.isEmpty() ? "default" : ns) + "/" + (name.isEmpty() ? "(unnamed)" : name);
            return new PolicyEntry.Rejected(new PolicyRejection(origin, kind, key, reason, "grants-nothing"), null,
                    kind.equals(ServiceRole.KIND) ? key : null, false);
        }
        if (kind.equals(ClusterRbacConfig.KIND) || kind.equals("RbacConfig")) {
            return new PolicyEntry.Rejected(new PolicyRejection(origin, kind, "default", reason,
                    "rbac-on-everywhere"), null, null, true);
        }
        // Unknown kind or action: the policy might have been a DENY, so it denies (its namespace, else the mesh).
        String effectiveAction = kind.equals(AuthorizationPolicy.KIND) && (action.equals("ALLOW")
                || action.equals("AUDIT") || action.equals("CUSTOM")) ? action : "DENY";
        if (kind.equals(AuthorizationPolicy.KIND) && action.isEmpty() && !doc.contains("action")) {
            effectiveAction = "ALLOW";
        }
        return rejectedAuthorizationPolicy(origin, ns.isEmpty() ? rootNamespace : ns,
                name.isEmpty() ? "(unreadable " + origin + ")" : name, effectiveAction, Map.of(), reason);
    }

    private static String find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
