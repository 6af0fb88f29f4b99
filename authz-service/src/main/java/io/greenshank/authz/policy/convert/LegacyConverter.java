package io.greenshank.authz.policy.convert;

import io.greenshank.authz.policy.istio.AuthorizationPolicy;
import io.greenshank.authz.policy.legacy.ClusterRbacConfig;
import io.greenshank.authz.policy.legacy.LegacyCompiler;
import io.greenshank.authz.policy.legacy.ServiceRole;
import io.greenshank.authz.policy.legacy.ServiceRoleBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns rbac.istio.io/v1alpha1 ClusterRbacConfig, ServiceRoles and ServiceRoleBindings into equivalent
 * security.istio.io/v1beta1 AuthorizationPolicies.
 *
 * <p>The mapping: RBAC being on for a scope becomes an allow-nothing policy ({@code spec: {}}) there; each binding
 * becomes ALLOW policies in its namespace, one per (role rule, service), whose rules are one per subject; a service
 * becomes a workload selector (which needs the service's pod selector, supplied by the caller); PERMISSIVE becomes
 * the {@code istio.io/dry-run} annotation. What has no equivalent is reported, never approximated.
 */
public final class LegacyConverter {

    private final String rootNamespace;
    private final String clusterDomain;
    /** Service FQDN ({@code name.ns.svc.<domain>}) to the pod labels its Kubernetes Service selects. */
    private final Map<String, Map<String, String>> serviceSelectors;

    public LegacyConverter(String rootNamespace, String clusterDomain, Map<String, Map<String, String>> serviceSelectors) {
        this.rootNamespace = rootNamespace;
        this.clusterDomain = clusterDomain;
        this.serviceSelectors = Map.copyOf(serviceSelectors);
    }

    public ConversionResult convert(ClusterRbacConfig config, List<ServiceRole> roles, List<ServiceRoleBinding> bindings) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        ClusterRbacConfig.Mode mode;
        boolean permissive;
        try {
            mode = config == null || config.spec() == null ? ClusterRbacConfig.Mode.OFF
                    : LegacyCompiler.mode(config.spec().mode());
            permissive = config != null && config.spec() != null
                    && "PERMISSIVE".equals(config.spec().enforcementMode());
        } catch (IllegalArgumentException e) {
            problems.add("ClusterRbacConfig: " + e.getMessage() + "; nothing converted");
            return new ConversionResult(out, problems, notes);
        }
        if (mode == ClusterRbacConfig.Mode.OFF) {
            notes.add("ClusterRbacConfig mode is OFF (or absent): the ServiceRoleBindings had no effect, so none are"
                    + " converted (converting them would start denying requests)");
            return new ConversionResult(out, problems, notes);
        }
        List<String> inScopeNamespaces = null;
        List<String> serviceOnlyNamespaces = new ArrayList<>();
        switch (mode) {
            case ON -> out.add(policy(rootNamespace, "legacy-rbac-on", Map.of(), permissive, Map.of()));
            case ON_WITH_INCLUSION -> {
                ClusterRbacConfig.Target inc = config.spec().inclusion();
                inScopeNamespaces = new ArrayList<>();
                if (inc != null && inc.namespaces() != null) {
                    for (String ns : inc.namespaces()) {
                        out.add(policy(ns, "legacy-rbac-on", Map.of(), permissive, Map.of()));
                        inScopeNamespaces.add(ns);
                    }
                }
                if (inc != null && inc.services() != null) {
                    for (String svc : inc.services()) {
                        Map<String, String> sel = serviceSelectors.get(svc);
                        String ns = namespaceOf(svc);
                        if (sel == null || ns == null) {
                            problems.add("ClusterRbacConfig inclusion service '" + svc + "': no workload selector known"
                                    + " for it (pass --service-selector " + svc + "=key=value); RBAC for this service"
                                    + " is NOT carried over");
                        } else {
                            out.add(policy(ns, "legacy-rbac-on-" + svc.substring(0, svc.indexOf('.')), sel,
                                    permissive, Map.of()));
                            serviceOnlyNamespaces.add(ns);
                        }
                    }
                }
            }
            case ON_WITH_EXCLUSION -> problems.add("ClusterRbacConfig ON_WITH_EXCLUSION: AuthorizationPolicy has no"
                    + " 'every namespace except' scope; add an allow-nothing policy (spec: {}) to each namespace that"
                    + " is not excluded. Until then those namespaces allow every request not denied elsewhere");
            default -> {
            }
        }
        if (permissive) {
            notes.add("enforcement_mode PERMISSIVE: every generated policy carries istio.io/dry-run: \"true\"");
        }
        Map<String, ServiceRole> roleByKey = new HashMap<>();
        for (ServiceRole r : roles) {
            roleByKey.put(ns(r.metadata()) + "/" + r.metadata().name(), r);
        }
        for (ServiceRoleBinding b : bindings) {
            String ns = ns(b.metadata());
            String where = "ServiceRoleBinding " + ns + "/" + b.metadata().name();
            if (inScopeNamespaces != null && !inScopeNamespaces.contains(ns) && serviceOnlyNamespaces.contains(ns)) {
                problems.add(where + ": namespace " + ns + " is under RBAC only for some services; an ALLOW policy"
                        + " here would put every workload of the namespace under default-deny. Convert it by hand with"
                        + " a selector for the included services");
                continue;
            }
            if (inScopeNamespaces != null && !inScopeNamespaces.contains(ns)) {
                notes.add(where + ": namespace " + ns + " is not under RBAC; binding had no effect and is not"
                        + " converted");
                continue;
            }
            convertBinding(b, roleByKey, permissive, out, problems, where);
        }
        return new ConversionResult(out, problems, notes);
    }

    private void convertBinding(ServiceRoleBinding b, Map<String, ServiceRole> roles, boolean permissive,
                                List<Map<String, Object>> out, List<String> problems, String where) {
        String ns = ns(b.metadata());
        ServiceRoleBinding.Spec spec = b.spec();
        if (spec == null || spec.roleName() == null || spec.subjects() == null || spec.subjects().isEmpty()) {
            problems.add(where + ": no roleRef or no subjects; it granted nothing and is not converted");
            return;
        }
        ServiceRole role = roles.get(ns + "/" + spec.roleName());
        if (role == null || role.spec() == null || role.spec().rules() == null) {
            problems.add(where + ": ServiceRole " + ns + "/" + spec.roleName() + " not found; it granted nothing and"
                    + " is not converted");
            return;
        }
        boolean dryRun = permissive || "PERMISSIVE".equals(spec.mode());
        List<Map<String, Object>> subjectRules = new ArrayList<>();
        for (int i = 0; i < spec.subjects().size(); i++) {
            try {
                subjectRules.add(subject(spec.subjects().get(i)));
            } catch (IllegalArgumentException e) {
                problems.add(where + " subjects[" + i + "]: " + e.getMessage() + "; this subject is not converted");
            }
        }
        if (subjectRules.isEmpty()) {
            return;
        }
        List<ServiceRole.AccessRule> accessRules = role.spec().rules();
        for (int r = 0; r < accessRules.size(); r++) {
            ServiceRole.AccessRule rule = accessRules.get(r);
            String rw = where + " (ServiceRole " + spec.roleName() + " rules[" + r + "])";
            Map<String, Object> operation;
            List<Map<String, Object>> conditions = new ArrayList<>();
            Map<String, String> constraintLabels = new LinkedHashMap<>();
            try {
                operation = operation(rule);
                if (rule.constraints() != null) {
                    for (ServiceRole.Constraint c : rule.constraints()) {
                        if (!constraint(c, ns, conditions, constraintLabels)) {
                            problems.add(rw + ": constraint " + c.key() + " " + c.values() + " can never hold in"
                                    + " namespace " + ns + "; rule granted nothing and is not converted");
                            operation = null;
                            break;
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add(rw + ": " + e.getMessage() + "; rule not converted");
                continue;
            }
            if (operation == null) {
                continue;
            }
            List<String> services = rule.services() == null ? List.of() : rule.services();
            if (services.isEmpty()) {
                problems.add(rw + ": services is empty; rule granted nothing");
                continue;
            }
            List<Map<String, String>> selectors = new ArrayList<>();
            if (services.contains("*") || services.contains("*." + ns + ".svc." + clusterDomain)) {
                selectors.add(Map.of());
            } else {
                for (String svc : services) {
                    Map<String, String> sel = serviceSelectors.get(svc);
                    if (sel == null && !svc.contains(".")) {
                        sel = serviceSelectors.get(svc + "." + ns + ".svc." + clusterDomain);
                    }
                    if (sel == null) {
                        problems.add(rw + ": service '" + svc + "' needs a workload selector (pass --service-selector "
                                + (svc.contains("*") ? "for each matching service" : svc + "=key=value")
                                + "); access to it is NOT carried over");
                    } else {
                        selectors.add(sel);
                    }
                }
            }
            int s = 0;
            for (Map<String, String> sel : selectors) {
                Map<String, String> selector = new LinkedHashMap<>(sel);
                boolean conflict = false;
                for (Map.Entry<String, String> l : constraintLabels.entrySet()) {
                    String prev = selector.putIfAbsent(l.getKey(), l.getValue());
                    conflict |= prev != null && !prev.equals(l.getValue());
                }
                if (conflict) {
                    problems.add(rw + ": destination.labels constraint contradicts the service selector; rule granted"
                            + " nothing and is not converted");
                    continue;
                }
                List<Map<String, Object>> rules = new ArrayList<>();
                for (Map<String, Object> subj : subjectRules) {
                    Map<String, Object> rr = new LinkedHashMap<>();
                    if (subj.containsKey("from")) {
                        rr.put("from", subj.get("from"));
                    }
                    if (!operation.isEmpty()) {
                        rr.put("to", List.of(Map.of("operation", operation)));
                    }
                    List<Map<String, Object>> when = new ArrayList<>(conditions);
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> sw = (List<Map<String, Object>>) subj.getOrDefault("when", List.of());
                    when.addAll(sw);
                    if (!when.isEmpty()) {
                        rr.put("when", when);
                    }
                    rules.add(rr);
                }
                String name = b.metadata().name() + (accessRules.size() > 1 ? "-r" + r : "")
                        + (selectors.size() > 1 ? "-s" + s : "");
                Map<String, Object> specMap = new LinkedHashMap<>();
                if (!selector.isEmpty()) {
                    specMap.put("selector", Map.of("matchLabels", selector));
                }
                specMap.put("action", "ALLOW");
                specMap.put("rules", rules);
                out.add(document(ns, name, dryRun, specMap));
                s++;
            }
        }
    }

    private static Map<String, Object> operation(ServiceRole.AccessRule r) {
        Map<String, Object> op = new LinkedHashMap<>();
        putList(op, "hosts", r.hosts());
        putList(op, "notHosts", r.notHosts());
        if (r.ports() != null && !r.ports().isEmpty()) {
            op.put("ports", r.ports().stream().map(String::valueOf).toList());
        }
        if (r.notPorts() != null && !r.notPorts().isEmpty()) {
            op.put("notPorts", r.notPorts().stream().map(String::valueOf).toList());
        }
        if (r.methods() != null && !r.methods().isEmpty() && !r.methods().contains("*")) {
            op.put("methods", r.methods());
        }
        putList(op, "notMethods", r.notMethods());
        if (r.paths() != null) {
            for (String p : r.paths()) {
                if (p.contains("{*}") || p.contains("{**}")) {
                    throw new IllegalArgumentException("path '" + p + "' would be read as a URI template by"
                            + " AuthorizationPolicy but was literal in ServiceRole");
                }
            }
        }
        putList(op, "paths", r.paths());
        putList(op, "notPaths", r.notPaths());
        return op;
    }

    /** False when the constraint can never hold for workloads of this namespace. */
    private static boolean constraint(ServiceRole.Constraint c, String ns, List<Map<String, Object>> when,
                                      Map<String, String> labels) {
        String key = c.key();
        List<String> values = c.values() == null ? List.of() : c.values();
        if (key.startsWith("destination.labels[") && key.endsWith("]")) {
            if (values.size() != 1 || values.get(0).contains("*")) {
                throw new IllegalArgumentException("constraint " + key + " with values " + values + " has no selector"
                        + " equivalent (a selector takes one exact value)");
            }
            labels.put(key.substring("destination.labels[".length(), key.length() - 1), values.get(0));
            return true;
        }
        if (key.equals("destination.namespace")) {
            return values.stream().anyMatch(v -> io.greenshank.authz.policy.match.StringMatcher.of(v).matches(ns));
        }
        if (key.startsWith("request.headers[") || key.equals("destination.ip") || key.equals("destination.port")) {
            when.add(condition(key, values, false));
            return true;
        }
        throw new IllegalArgumentException("constraint key '" + key + "' has no AuthorizationPolicy equivalent");
    }

    private static Map<String, Object> subject(ServiceRoleBinding.Subject s) {
        Map<String, Object> source = new LinkedHashMap<>();
        List<Map<String, Object>> when = new ArrayList<>();
        if (s.user() != null && !s.user().equals("*")) {
            addSource(source, when, "principals", "source.principal", List.of(s.user()), false);
        }
        if (s.names() != null && !s.names().isEmpty()) {
            addSource(source, when, "principals", "source.principal", s.names(), false);
        }
        if (s.notNames() != null && !s.notNames().isEmpty()) {
            addSource(source, when, "notPrincipals", "source.principal", s.notNames(), true);
        }
        if (s.namespaces() != null && !s.namespaces().isEmpty()) {
            addSource(source, when, "namespaces", "source.namespace", s.namespaces(), false);
        }
        if (s.notNamespaces() != null && !s.notNamespaces().isEmpty()) {
            addSource(source, when, "notNamespaces", "source.namespace", s.notNamespaces(), true);
        }
        if (s.ips() != null && !s.ips().isEmpty()) {
            addSource(source, when, "ipBlocks", "source.ip", s.ips(), false);
        }
        if (s.notIps() != null && !s.notIps().isEmpty()) {
            addSource(source, when, "notIpBlocks", "source.ip", s.notIps(), true);
        }
        if (s.group() != null && !s.group().equals("*")) {
            when.add(condition("request.auth.claims[groups]", List.of(s.group()), false));
        }
        if (s.groups() != null && !s.groups().isEmpty()) {
            when.add(condition("request.auth.claims[groups]", s.groups(), false));
        }
        if (s.notGroups() != null && !s.notGroups().isEmpty()) {
            when.add(condition("request.auth.claims[groups]", s.notGroups(), true));
        }
        if (s.properties() != null) {
            for (Map.Entry<String, String> p : s.properties().entrySet()) {
                String key = p.getKey();
                List<String> v = List.of(p.getValue());
                switch (key) {
                    case "source.principal" -> addSource(source, when, "principals", key, v, false);
                    case "source.namespace" -> addSource(source, when, "namespaces", key, v, false);
                    case "source.ip" -> addSource(source, when, "ipBlocks", key, v, false);
                    case "request.auth.principal" -> addSource(source, when, "requestPrincipals", key, v, false);
                    default -> {
                        if (!(key.startsWith("request.headers[") || key.startsWith("request.auth.claims[")
                                || key.equals("request.auth.audiences") || key.equals("request.auth.presenter")
                                || key.equals("destination.port") || key.equals("destination.ip"))) {
                            throw new IllegalArgumentException("property '" + key + "' has no AuthorizationPolicy"
                                    + " equivalent");
                        }
                        when.add(condition(key, v, false));
                    }
                }
            }
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        if (!source.isEmpty()) {
            rule.put("from", List.of(Map.of("source", source)));
        }
        if (!when.isEmpty()) {
            rule.put("when", when);
        }
        return rule;
    }

    /** A source field ORs its values; a second constraint on the same attribute must AND, so it goes to when. */
    private static void addSource(Map<String, Object> source, List<Map<String, Object>> when, String field,
                                  String key, List<String> values, boolean negate) {
        if (!source.containsKey(field)) {
            source.put(field, List.copyOf(values));
        } else {
            when.add(condition(key, values, negate));
        }
    }

    private static Map<String, Object> condition(String key, List<String> values, boolean negate) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("key", key);
        c.put(negate ? "notValues" : "values", List.copyOf(values));
        return c;
    }

    private Map<String, Object> policy(String ns, String name, Map<String, String> selector, boolean dryRun,
                                       Map<String, Object> extra) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (!selector.isEmpty()) {
            spec.put("selector", Map.of("matchLabels", selector));
        }
        spec.putAll(extra);
        return document(ns, name, dryRun, spec);
    }

    private static Map<String, Object> document(String ns, String name, boolean dryRun, Map<String, Object> spec) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("namespace", ns);
        if (dryRun) {
            meta.put("annotations", Map.of(AuthorizationPolicy.DRY_RUN_ANNOTATION, "true"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", AuthorizationPolicy.API_VERSION);
        doc.put("kind", AuthorizationPolicy.KIND);
        doc.put("metadata", meta);
        doc.put("spec", spec);
        return doc;
    }

    private static void putList(Map<String, Object> m, String key, List<String> v) {
        if (v != null && !v.isEmpty()) {
            m.put(key, List.copyOf(v));
        }
    }

    private String namespaceOf(String fqdn) {
        String[] parts = fqdn.split("\\.");
        return parts.length >= 3 && parts[2].equals("svc") ? parts[1] : null;
    }

    private static String ns(AuthorizationPolicy.ObjectMeta m) {
        return m.namespace() == null || m.namespace().isBlank() ? "default" : m.namespace();
    }
}
