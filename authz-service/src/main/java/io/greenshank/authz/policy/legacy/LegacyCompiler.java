package io.greenshank.authz.policy.legacy;

import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.istio.Attributes;
import io.greenshank.authz.policy.istio.Cond;
import io.greenshank.authz.policy.match.StringMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Validates and compiles the legacy resources into a {@link LegacyRbac}. */
public final class LegacyCompiler {

    private LegacyCompiler() {
    }

    /**
     * @param config      the ClusterRbacConfig, or null for none (RBAC off)
     * @param badRoles    {@code namespace/name} of ServiceRoles that did not parse: bindings to them grant nothing
     */
    public static LegacyRbac compile(ClusterRbacConfig config, List<ServiceRole> roles, List<ServiceRoleBinding> bindings,
                                     Map<String, String> badRoles, String clusterDomain) {
        LegacyRbac.Config cfg = config(config);
        Map<String, ServiceRole> roleByKey = new HashMap<>();
        for (ServiceRole r : roles) {
            roleByKey.put(ns(r.metadata()) + "/" + r.metadata().name(), r);
        }
        Map<String, List<LegacyRbac.CompiledBinding>> byNs = new HashMap<>();
        for (ServiceRoleBinding b : bindings) {
            LegacyRbac.CompiledBinding cb = binding(b, roleByKey, badRoles, clusterDomain);
            byNs.computeIfAbsent(cb.namespace(), n -> new ArrayList<>()).add(cb);
        }
        byNs.replaceAll((k, v) -> {
            v.sort(java.util.Comparator.comparing(LegacyRbac.CompiledBinding::name));
            return List.copyOf(v);
        });
        return new LegacyRbac(cfg, byNs, clusterDomain);
    }

    public static LegacyRbac.Config config(ClusterRbacConfig config) {
        if (config == null || config.spec() == null) {
            return LegacyRbac.Config.OFF;
        }
        ClusterRbacConfig.Spec s = config.spec();
        ClusterRbacConfig.Mode mode = mode(s.mode());
        ClusterRbacConfig.Target t = switch (mode) {
            case ON_WITH_INCLUSION -> s.inclusion();
            case ON_WITH_EXCLUSION -> s.exclusion();
            default -> null;
        };
        List<StringMatcher> services = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        if (t != null) {
            if (t.services() != null) {
                t.services().forEach(v -> services.add(StringMatcher.of(v, true)));
            }
            if (t.namespaces() != null) {
                namespaces.addAll(t.namespaces());
            }
        }
        String enforcement = s.enforcementMode() == null ? "ENFORCED" : s.enforcementMode();
        if (!enforcement.equals("ENFORCED") && !enforcement.equals("PERMISSIVE")) {
            throw new IllegalArgumentException("enforcement_mode '" + enforcement + "' is not ENFORCED or PERMISSIVE");
        }
        return new LegacyRbac.Config(mode, List.copyOf(services), List.copyOf(namespaces),
                enforcement.equals("PERMISSIVE"), "");
    }

    public static ClusterRbacConfig.Mode mode(String mode) {
        if (mode == null || mode.isEmpty()) {
            return ClusterRbacConfig.Mode.OFF;
        }
        try {
            return ClusterRbacConfig.Mode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode '" + mode + "' is not OFF, ON, ON_WITH_INCLUSION or ON_WITH_EXCLUSION");
        }
    }

    private static LegacyRbac.CompiledBinding binding(ServiceRoleBinding b, Map<String, ServiceRole> roles,
                                                      Map<String, String> badRoles, String clusterDomain) {
        String ns = ns(b.metadata());
        String name = b.metadata().name();
        ServiceRoleBinding.Spec spec = b.spec();
        boolean permissive = spec != null && "PERMISSIVE".equals(spec.mode());
        String roleName = spec == null ? null : spec.roleName();
        try {
            if (spec == null || roleName == null) {
                throw new IllegalArgumentException("roleRef is required");
            }
            if (spec.mode() != null && !spec.mode().equals("ENFORCED") && !spec.mode().equals("PERMISSIVE")) {
                throw new IllegalArgumentException("mode '" + spec.mode() + "' is not ENFORCED or PERMISSIVE");
            }
            String roleKey = ns + "/" + roleName;
            if (badRoles.containsKey(roleKey)) {
                throw new IllegalArgumentException("ServiceRole " + roleKey + " is unreadable: " + badRoles.get(roleKey));
            }
            ServiceRole role = roles.get(roleKey);
            if (role == null) {
                throw new IllegalArgumentException("ServiceRole " + roleKey + " not found");
            }
            List<List<Cond>> rules = roleRules(role, clusterDomain);
            if (spec.subjects() == null || spec.subjects().isEmpty()) {
                throw new IllegalArgumentException("subjects must not be empty");
            }
            List<List<Cond>> subjects = new ArrayList<>();
            for (int i = 0; i < spec.subjects().size(); i++) {
                subjects.add(subject(spec.subjects().get(i), "subjects[" + i + "]"));
            }
            return new LegacyRbac.CompiledBinding(ns, name, roleName, permissive, rules, List.copyOf(subjects), "");
        } catch (IllegalArgumentException e) {
            return new LegacyRbac.CompiledBinding(ns, name, roleName, permissive, List.of(), List.of(), e.getMessage());
        }
    }

    public static List<List<Cond>> roleRules(ServiceRole role, String clusterDomain) {
        if (role.spec() == null || role.spec().rules() == null || role.spec().rules().isEmpty()) {
            throw new IllegalArgumentException("ServiceRole " + role.metadata().name() + " has no rules");
        }
        List<List<Cond>> out = new ArrayList<>();
        for (int i = 0; i < role.spec().rules().size(); i++) {
            out.add(rule(role.spec().rules().get(i), clusterDomain, "rules[" + i + "]"));
        }
        return List.copyOf(out);
    }

    private static List<Cond> rule(ServiceRole.AccessRule r, String clusterDomain, String where) {
        if (r == null || r.services() == null || r.services().isEmpty()) {
            throw new IllegalArgumentException(where + ".services is required");
        }
        List<Cond> c = new ArrayList<>();
        if (!r.services().contains("*")) {
            c.add(Attributes.strings("services",
                    req -> LegacyRbac.fqdn(req.destination(), clusterDomain), r.services(), true, false));
        }
        if (nonEmpty(r.hosts())) {
            c.add(Attributes.strings("hosts", PolicyRequest::host, r.hosts(), true, false));
        }
        if (nonEmpty(r.notHosts())) {
            c.add(Attributes.strings("not_hosts", PolicyRequest::host, r.notHosts(), true, true));
        }
        if (nonEmpty(r.paths())) {
            c.add(Attributes.strings("paths", PolicyRequest::path, r.paths(), false, false));
        }
        if (nonEmpty(r.notPaths())) {
            c.add(Attributes.strings("not_paths", PolicyRequest::path, r.notPaths(), false, true));
        }
        if (nonEmpty(r.methods()) && !r.methods().contains("*")) {
            c.add(Attributes.strings("methods", PolicyRequest::method, r.methods(), false, false));
        }
        if (nonEmpty(r.notMethods())) {
            c.add(Attributes.strings("not_methods", PolicyRequest::method, r.notMethods(), false, true));
        }
        if (r.ports() != null && !r.ports().isEmpty()) {
            c.add(Attributes.ports("ports", r.ports().stream().map(String::valueOf).toList(), false));
        }
        if (r.notPorts() != null && !r.notPorts().isEmpty()) {
            c.add(Attributes.ports("not_ports", r.notPorts().stream().map(String::valueOf).toList(), true));
        }
        if (r.constraints() != null) {
            for (ServiceRole.Constraint k : r.constraints()) {
                c.add(constraint(k, where));
            }
        }
        return List.copyOf(c);
    }

    private static Cond constraint(ServiceRole.Constraint k, String where) {
        if (k == null || k.key() == null || k.values() == null || k.values().isEmpty()) {
            throw new IllegalArgumentException(where + ".constraints: key and values are required");
        }
        String key = k.key();
        if (key.startsWith("destination.labels[") && key.endsWith("]")) {
            String label = key.substring("destination.labels[".length(), key.length() - 1);
            return Attributes.strings(key, req -> req.destination().labels().get(label), k.values(), false, false);
        }
        return switch (key) {
            case "destination.namespace" -> Attributes.strings(key, req -> req.destination().namespace(), k.values(),
                    false, false);
            case "destination.name" -> Attributes.strings(key, req -> req.destination().service(), k.values(), false,
                    false);
            default -> {
                if (key.startsWith("request.headers[") || key.equals("destination.ip")
                        || key.equals("destination.port")) {
                    yield Attributes.condition(key, k.values(), false);
                }
                throw new IllegalArgumentException(where + ".constraints: unsupported key '" + key + "'");
            }
        };
    }

    private static List<Cond> subject(ServiceRoleBinding.Subject s, String where) {
        if (s == null) {
            throw new IllegalArgumentException(where + " must not be empty");
        }
        List<Cond> c = new ArrayList<>();
        boolean any = false;
        if (s.user() != null) {
            any = true;
            if (!s.user().equals("*")) {
                c.add(Attributes.strings("user", PolicyRequest::sourcePrincipal, List.of(s.user()), false, false));
            }
        }
        if (s.group() != null) {
            any = true;
            if (!s.group().equals("*")) {
                c.add(Attributes.condition("request.auth.claims[groups]", List.of(s.group()), false));
            }
        }
        if (nonEmpty(s.names())) {
            any = true;
            c.add(Attributes.strings("names", PolicyRequest::sourcePrincipal, s.names(), false, false));
        }
        if (nonEmpty(s.notNames())) {
            any = true;
            c.add(Attributes.strings("not_names", PolicyRequest::sourcePrincipal, s.notNames(), false, true));
        }
        if (nonEmpty(s.groups())) {
            any = true;
            c.add(Attributes.condition("request.auth.claims[groups]", s.groups(), false));
        }
        if (nonEmpty(s.notGroups())) {
            any = true;
            c.add(Attributes.condition("request.auth.claims[groups]", s.notGroups(), true));
        }
        if (nonEmpty(s.namespaces())) {
            any = true;
            c.add(Attributes.condition("source.namespace", s.namespaces(), false));
        }
        if (nonEmpty(s.notNamespaces())) {
            any = true;
            c.add(Attributes.condition("source.namespace", s.notNamespaces(), true));
        }
        if (nonEmpty(s.ips())) {
            any = true;
            c.add(Attributes.condition("source.ip", s.ips(), false));
        }
        if (nonEmpty(s.notIps())) {
            any = true;
            c.add(Attributes.condition("source.ip", s.notIps(), true));
        }
        if (s.properties() != null) {
            for (Map.Entry<String, String> p : s.properties().entrySet()) {
                any = true;
                try {
                    c.add(Attributes.condition(p.getKey(), List.of(p.getValue()), false));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ".properties: " + e.getMessage());
                }
            }
        }
        if (!any) {
            throw new IllegalArgumentException(where + " must not be empty");
        }
        return List.copyOf(c);
    }

    static String ns(io.greenshank.authz.policy.istio.AuthorizationPolicy.ObjectMeta m) {
        return m.namespace() == null || m.namespace().isBlank() ? "default" : m.namespace();
    }

    private static boolean nonEmpty(List<String> l) {
        return l != null && !l.isEmpty();
    }
}
