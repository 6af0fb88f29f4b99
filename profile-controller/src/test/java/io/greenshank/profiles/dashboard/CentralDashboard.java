package io.greenshank.profiles.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Kubeflow's central dashboard sends to KFAM and how it reads the answers, written from its source so the KFAM
 * API can be judged by what the dashboard does with it. Two generations:
 * <ul>
 *   <li>{@link Generation#KUBEFLOW_1X}: kubeflow/kubeflow {@code components/centraldashboard/app/api_workgroup.ts}
 *       and its swagger-generated client {@code app/clients/profile_controller.ts};</li>
 *   <li>{@link Generation#DASHBOARD}: the same files in kubeflow/dashboard, where a binding's person is
 *       {@code subject} and contributors may be groups.</li>
 * </ul>
 * The requests are built as the client's {@code ObjectSerializer.serialize} builds them (each attribute under its
 * {@code baseName}, undefined attributes left out); answers are read as {@code ObjectSerializer.deserialize} reads
 * them: an attribute under any other name is {@code undefined}, and the dashboard's next property access on it throws,
 * which this model reports as {@link DashboardFailure}.
 */
public final class CentralDashboard {

    public enum Generation {
        KUBEFLOW_1X("user"), DASHBOARD("subject");

        /** The {@code baseName} of {@code Binding}'s person attribute in the generated client. */
        final String personField;

        Generation(String personField) {
            this.personField = personField;
        }
    }

    /** The dashboard would throw (a TypeError on an undefined attribute) or answer its user with an error. */
    public static final class DashboardFailure extends RuntimeException {
        DashboardFailure(String message) {
            super(message);
        }
    }

    /** {@code SimpleBinding}: what the dashboard keeps of one KFAM binding. */
    public record SimpleBinding(String subject, String kind, String namespace, String role) {
    }

    /** One request the dashboard's client makes to KFAM. */
    public record KfamCall(String method, String path, Map<String, String> query, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code roleMap} in api_workgroup.ts: KFAM role names to the dashboard's and back. 1.x knows admin/edit only;
     * kubeflow/dashboard adds view/viewer.
     */
    private static final Map<String, String> ROLES_1X = Map.of("admin", "owner", "owner", "admin",
            "edit", "contributor", "contributor", "edit");
    private static final Map<String, String> ROLES_DASHBOARD = Map.of("admin", "owner", "owner", "admin",
            "edit", "contributor", "contributor", "edit", "view", "viewer", "viewer", "view");

    private final Generation generation;

    public CentralDashboard(Generation generation) {
        this.generation = generation;
    }

    // ---- requests (DefaultApi in clients/profile_controller.ts) ---------------------------------------------------

    /** {@code readBindings(user?, namespace?, role?)}: GET /v1/bindings with only the defined query parameters. */
    public KfamCall readBindings(String user, String namespace, String role) {
        Map<String, String> q = new LinkedHashMap<>();
        if (user != null) {
            q.put("user", user);
        }
        if (namespace != null) {
            q.put("namespace", namespace);
        }
        if (role != null) {
            q.put("role", role);
        }
        return new KfamCall("GET", "/kfam/v1/bindings", q, null);
    }

    /** {@code v1RoleClusteradminGet(user)}. */
    public KfamCall clusterAdmin(String user) {
        return new KfamCall("GET", "/kfam/v1/role/clusteradmin", Map.of("user", user), null);
    }

    /** {@code POST /api/workgroup/create} → {@code createProfile({metadata: {name}, spec: {owner: {kind: 'User', name}}})}. */
    public KfamCall createProfile(String namespace, String owner) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("metadata").put("name", namespace);
        body.putObject("spec").putObject("owner").put("kind", "User").put("name", owner);
        return new KfamCall("POST", "/kfam/v1/profiles", Map.of(), body.toString());
    }

    /**
     * {@code handleContributor('create' | 'remove')}: {@code mapSimpleBindingToWorkgroupBinding} with role
     * 'contributor', serialized under the attribute baseNames. In 1.x the kind is always User; kubeflow/dashboard
     * capitalises the form's {@code cType} ('user' | 'group').
     */
    public KfamCall contributor(boolean add, String namespace, String contributor, String cType) {
        ObjectNode body = JSON.createObjectNode();
        String kind = generation == Generation.KUBEFLOW_1X ? "User"
                : Character.toUpperCase(cType.charAt(0)) + cType.substring(1);
        body.putObject(generation.personField).put("kind", kind).put("name", contributor);
        body.put("referredNamespace", namespace);
        body.putObject("RoleRef").put("kind", "ClusterRole").put("name", roles().get("contributor"));
        return new KfamCall(add ? "POST" : "DELETE", "/kfam/v1/bindings", Map.of(), body.toString());
    }

    // ---- reading answers (api_workgroup.ts) -----------------------------------------------------------------------

    /** {@code mapWorkgroupBindingToSimpleBinding(bindings.body.bindings || [])} after deserialising BindingEntries. */
    public List<SimpleBinding> simpleBindings(String readBindingsAnswer) {
        JsonNode entries = parse(readBindingsAnswer);
        JsonNode bindings = entries.get("bindings");
        List<SimpleBinding> out = new ArrayList<>();
        if (bindings == null || bindings.isNull()) {
            return out;
        }
        for (JsonNode b : bindings) {
            JsonNode person = b.get(generation.personField);
            JsonNode roleRef = b.get("RoleRef");
            if (person == null || person.isNull()) {
                throw new DashboardFailure("TypeError: Cannot read properties of undefined (reading 'name'): binding "
                        + "has no '" + generation.personField + "': " + b);
            }
            if (roleRef == null || roleRef.isNull()) {
                throw new DashboardFailure("TypeError: Cannot read properties of undefined (reading 'name'): binding "
                        + "has no 'RoleRef': " + b);
            }
            out.add(new SimpleBinding(text(person, "name"), text(person, "kind"), text(b, "referredNamespace"),
                    roles().get(text(roleRef, "name"))));
        }
        return out;
    }

    /**
     * {@code GET /api/workgroup/exists}: {@code hasWorkgroup} is whether any of the user's bindings maps to 'owner'
     * (a user without one is sent to the registration page).
     */
    public boolean hasWorkgroup(String readBindingsOfUserAnswer) {
        return simpleBindings(readBindingsOfUserAnswer).stream().anyMatch(b -> "owner".equals(b.role()));
    }

    /**
     * {@code getContributors(namespace)}: readBindings(undefined, namespace) filtered to role 'contributor'. 1.x
     * answers the names; kubeflow/dashboard {name, kind} pairs, here "Kind:name".
     */
    public List<String> contributors(String readBindingsOfNamespaceAnswer) {
        return simpleBindings(readBindingsOfNamespaceAnswer).stream().filter(b -> "contributor".equals(b.role()))
                .map(b -> generation == Generation.KUBEFLOW_1X ? b.subject() : b.kind() + ":" + b.subject())
                .toList();
    }

    /**
     * {@code getWorkgroupInfo}'s namespaces for env-info: in kubeflow/dashboard after {@code deduplicateNamespaces}
     * (per namespace the strongest role wins; at equal strength a User binding beats a Group one).
     */
    public Map<String, String> namespaceRoles(String readBindingsOfUserAnswer) {
        List<String> precedence = List.of("owner", "contributor", "viewer");
        Map<String, SimpleBinding> best = new LinkedHashMap<>();
        for (SimpleBinding b : simpleBindings(readBindingsOfUserAnswer)) {
            SimpleBinding existing = best.get(b.namespace());
            if (existing == null || precedence.indexOf(b.role()) < precedence.indexOf(existing.role())) {
                best.put(b.namespace(), b);
            }
            if (existing != null && "user".equalsIgnoreCase(b.kind())
                    && precedence.indexOf(b.role()) == precedence.indexOf(existing.role())) {
                best.put(b.namespace(), b);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        best.forEach((ns, b) -> out.put(ns, b.role()));
        return out;
    }

    /** {@code v1RoleClusteradminGet}'s body is deserialised as a boolean primitive: the raw JSON value. */
    public boolean isClusterAdmin(String answer) {
        JsonNode n = parse(answer);
        if (!n.isBoolean()) {
            throw new DashboardFailure("isClusterAdmin would be " + n + ", not a boolean");
        }
        return n.asBoolean();
    }

    private Map<String, String> roles() {
        return generation == Generation.KUBEFLOW_1X ? ROLES_1X : ROLES_DASHBOARD;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new DashboardFailure("the answer is not JSON: " + body);
        }
    }
}
