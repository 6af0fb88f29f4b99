package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.Action;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.match.PathTemplate;
import io.greenshank.authz.policy.match.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates an AuthorizationPolicy as Istio's validation webhook would and compiles it. Everything Istio would
 * refuse is an {@link IllegalArgumentException} naming the field.
 */
public final class AuthorizationPolicyCompiler {

    private AuthorizationPolicyCompiler() {
    }

    public static CompiledPolicy compile(AuthorizationPolicy p) {
        AuthorizationPolicy.ObjectMeta meta = p.metadata();
        if (meta == null || meta.name() == null || meta.name().isBlank()) {
            throw new IllegalArgumentException("metadata.name is required");
        }
        String namespace = meta.namespace() == null || meta.namespace().isBlank() ? "default" : meta.namespace();
        AuthorizationPolicy.Spec spec = p.spec() == null
                ? new AuthorizationPolicy.Spec(null, null, null, null, null, null) : p.spec();
        if (spec.targetRef() != null || (spec.targetRefs() != null && !spec.targetRefs().isEmpty())) {
            throw new IllegalArgumentException("spec.targetRef(s) is not supported; use spec.selector");
        }
        Action action = action(spec.action());
        String provider = spec.provider() == null ? "" : spec.provider().name();
        if (action == Action.CUSTOM && (provider == null || provider.isBlank())) {
            throw new IllegalArgumentException("spec.provider.name is required for action CUSTOM");
        }
        if (action != Action.CUSTOM && spec.provider() != null) {
            throw new IllegalArgumentException("spec.provider is only allowed with action CUSTOM");
        }
        Map<String, String> selector = Map.of();
        if (spec.selector() != null && spec.selector().matchLabels() != null) {
            selector = spec.selector().matchLabels();
            for (Map.Entry<String, String> e : selector.entrySet()) {
                if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                    throw new IllegalArgumentException("spec.selector.matchLabels has an empty key or value");
                }
            }
        }
        List<CompiledRule> rules = new ArrayList<>();
        if (spec.rules() != null) {
            for (int i = 0; i < spec.rules().size(); i++) {
                AuthorizationPolicy.Rule rule = spec.rules().get(i);
                rules.add(rule(rule == null ? new AuthorizationPolicy.Rule(null, null, null) : rule, "rules[" + i + "]"));
            }
        }
        boolean dryRun = meta.annotations() != null
                && "true".equalsIgnoreCase(String.valueOf(meta.annotations().get(AuthorizationPolicy.DRY_RUN_ANNOTATION)));
        return new CompiledPolicy(namespace, meta.name(), action, dryRun, selector, rules, provider, "");
    }

    public static Action action(String action) {
        if (action == null || action.isEmpty()) {
            return Action.ALLOW;
        }
        try {
            return Action.valueOf(action);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec.action '" + action + "' is not ALLOW, DENY, AUDIT or CUSTOM");
        }
    }

    private static CompiledRule rule(AuthorizationPolicy.Rule rule, String where) {
        List<List<Cond>> from = new ArrayList<>();
        if (rule.from() != null) {
            if (rule.from().isEmpty()) {
                throw new IllegalArgumentException(where + ".from must not be empty");
            }
            for (int i = 0; i < rule.from().size(); i++) {
                AuthorizationPolicy.From f = rule.from().get(i);
                if (f == null || f.source() == null) {
                    throw new IllegalArgumentException(where + ".from[" + i + "].source must not be empty");
                }
                from.add(source(f.source(), where + ".from[" + i + "].source"));
            }
        }
        List<List<Cond>> to = new ArrayList<>();
        if (rule.to() != null) {
            if (rule.to().isEmpty()) {
                throw new IllegalArgumentException(where + ".to must not be empty");
            }
            for (int i = 0; i < rule.to().size(); i++) {
                AuthorizationPolicy.To t = rule.to().get(i);
                if (t == null || t.operation() == null) {
                    throw new IllegalArgumentException(where + ".to[" + i + "].operation must not be empty");
                }
                to.add(operation(t.operation(), where + ".to[" + i + "].operation"));
            }
        }
        List<Cond> when = new ArrayList<>();
        if (rule.when() != null) {
            for (int i = 0; i < rule.when().size(); i++) {
                AuthorizationPolicy.Condition c = rule.when().get(i);
                String w = where + ".when[" + i + "]";
                if (c == null) {
                    throw new IllegalArgumentException(w + " must not be empty");
                }
                boolean hasValues = c.values() != null && !c.values().isEmpty();
                boolean hasNot = c.notValues() != null && !c.notValues().isEmpty();
                if (!hasValues && !hasNot) {
                    throw new IllegalArgumentException(w + ": at least one of values or notValues must be set");
                }
                try {
                    List<Cond> parts = new ArrayList<>(2);
                    if (hasValues) {
                        parts.add(Attributes.condition(c.key(), c.values(), false));
                    }
                    if (hasNot) {
                        parts.add(Attributes.condition(c.key(), c.notValues(), true));
                    }
                    when.add(parts.size() == 1 ? parts.get(0) : new Conds.AllOf(List.copyOf(parts)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(w + ": " + e.getMessage());
                }
            }
        }
        return new CompiledRule(List.copyOf(from), List.copyOf(to), List.copyOf(when));
    }

    private static List<Cond> source(AuthorizationPolicy.Source s, String where) {
        List<Cond> c = new ArrayList<>();
        str(c, "source.principals", PolicyRequest::sourcePrincipal, s.principals(), false);
        str(c, "source.notPrincipals", PolicyRequest::sourcePrincipal, s.notPrincipals(), true);
        str(c, "source.requestPrincipals", PolicyRequest::requestPrincipal, s.requestPrincipals(), false);
        str(c, "source.notRequestPrincipals", PolicyRequest::requestPrincipal, s.notRequestPrincipals(), true);
        str(c, "source.namespaces", PolicyRequest::sourceNamespace, s.namespaces(), false);
        str(c, "source.notNamespaces", PolicyRequest::sourceNamespace, s.notNamespaces(), true);
        try {
            ip(c, "source.ipBlocks", s.ipBlocks(), false, false);
            ip(c, "source.notIpBlocks", s.notIpBlocks(), true, false);
            ip(c, "source.remoteIpBlocks", s.remoteIpBlocks(), false, true);
            ip(c, "source.notRemoteIpBlocks", s.notRemoteIpBlocks(), true, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (c.isEmpty()) {
            throw new IllegalArgumentException(where + " must not be empty");
        }
        return List.copyOf(c);
    }

    private static List<Cond> operation(AuthorizationPolicy.Operation o, String where) {
        List<Cond> c = new ArrayList<>();
        if (nonEmpty(o.hosts())) {
            c.add(Attributes.strings("operation.hosts", PolicyRequest::host, o.hosts(), true, false));
        }
        if (nonEmpty(o.notHosts())) {
            c.add(Attributes.strings("operation.notHosts", PolicyRequest::host, o.notHosts(), true, true));
        }
        try {
            if (nonEmpty(o.ports())) {
                c.add(Attributes.ports("operation.ports", o.ports(), false));
            }
            if (nonEmpty(o.notPorts())) {
                c.add(Attributes.ports("operation.notPorts", o.notPorts(), true));
            }
            if (nonEmpty(o.paths())) {
                c.add(paths("operation.paths", o.paths(), false));
            }
            if (nonEmpty(o.notPaths())) {
                c.add(paths("operation.notPaths", o.notPaths(), true));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        str(c, "operation.methods", PolicyRequest::method, o.methods(), false);
        str(c, "operation.notMethods", PolicyRequest::method, o.notMethods(), true);
        if (c.isEmpty()) {
            throw new IllegalArgumentException(where + " must not be empty");
        }
        return List.copyOf(c);
    }

    public static Cond paths(String name, List<String> values, boolean negate) {
        List<StringMatcher> matchers = new ArrayList<>();
        List<PathTemplate> templates = new ArrayList<>();
        for (String v : values) {
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(name + " has an empty path");
            }
            if (PathTemplate.isTemplate(v)) {
                templates.add(PathTemplate.parse(v));
            } else if (v.indexOf('{') >= 0 || v.indexOf('}') >= 0) {
                // Istio's CheckValidPathTemplate refuses '{' / '}' in any path, template or not (e.g. "/a/{name}")
                throw new IllegalArgumentException(name + ": '" + v + "' has '{' or '}' outside a {*} or {**} "
                        + "path template operator");
            } else {
                matchers.add(StringMatcher.of(v));
            }
        }
        return new Conds.Paths(name, List.copyOf(matchers), List.copyOf(templates), negate);
    }

    private static void str(List<Cond> out, String name, java.util.function.Function<PolicyRequest, Object> attr,
                            List<String> values, boolean negate) {
        if (nonEmpty(values)) {
            out.add(Attributes.strings(name, attr, values, false, negate));
        }
    }

    private static void ip(List<Cond> out, String name, List<String> values, boolean negate, boolean remote) {
        if (nonEmpty(values)) {
            out.add(remote
                    ? Attributes.ips(name, PolicyRequest::remoteAddress, PolicyRequest::remoteIp, values, negate)
                    : Attributes.ips(name, PolicyRequest::sourceAddress, PolicyRequest::sourceIp, values, negate));
        }
    }

    private static boolean nonEmpty(List<String> l) {
        return l != null && !l.isEmpty();
    }
}
