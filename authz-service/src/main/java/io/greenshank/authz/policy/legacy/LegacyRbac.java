package io.greenshank.authz.policy.legacy;

import io.greenshank.authz.policy.Action;
import io.greenshank.authz.policy.Decision;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.TraceEntry;
import io.greenshank.authz.policy.istio.Cond;
import io.greenshank.authz.policy.match.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The legacy model compiled: the ClusterRbacConfig, and per namespace the bindings with their roles resolved.
 * Semantics as Istio 1.0–1.5 enforced them: where RBAC is on for a service, a request is allowed only if some
 * ServiceRoleBinding of the service's namespace grants a ServiceRole rule matching the request to a subject matching
 * the caller; PERMISSIVE (mesh-wide or per binding) is evaluated and logged, never enforced.
 */
public final class LegacyRbac {

    public static final String MODEL_BINDING = "ServiceRoleBinding";
    public static final String MODEL_CONFIG = "ClusterRbacConfig";

    /** A binding ready to evaluate: its role's rules (each an AND) and its subjects (each an AND). */
    public record CompiledBinding(String namespace, String name, String roleName, boolean permissive,
                                  List<List<Cond>> roleRules, List<List<Cond>> subjects, String problem) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    public record Config(ClusterRbacConfig.Mode mode, List<StringMatcher> services, List<String> namespaces,
                         boolean permissive, String problem) {
        public static final Config OFF = new Config(ClusterRbacConfig.Mode.OFF, List.of(), List.of(), false, "");
    }

    private final Config config;
    private final Map<String, List<CompiledBinding>> bindingsByNamespace;
    private final String clusterDomain;

    public LegacyRbac(Config config, Map<String, List<CompiledBinding>> bindingsByNamespace, String clusterDomain) {
        this.config = config;
        this.bindingsByNamespace = Map.copyOf(bindingsByNamespace);
        this.clusterDomain = clusterDomain;
    }

    public static LegacyRbac off() {
        return new LegacyRbac(Config.OFF, Map.of(), "cluster.local");
    }

    public Config config() {
        return config;
    }

    public List<CompiledBinding> bindings() {
        return bindingsByNamespace.values().stream().flatMap(List::stream).toList();
    }

    public int bindingCount() {
        return bindingsByNamespace.values().stream().mapToInt(List::size).sum();
    }

    /** Whether ClusterRbacConfig turns RBAC on for this destination service. */
    public boolean enabledFor(Destination d) {
        return switch (config.mode()) {
            case OFF -> false;
            case ON -> true;
            case ON_WITH_INCLUSION -> config.namespaces().contains(d.namespace()) || serviceListed(d);
            case ON_WITH_EXCLUSION -> !(config.namespaces().contains(d.namespace()) || serviceListed(d));
        };
    }

    private boolean serviceListed(Destination d) {
        String fqdn = fqdn(d, clusterDomain);
        for (StringMatcher m : config.services()) {
            if (m.matches(fqdn)) {
                return true;
            }
        }
        return false;
    }

    public static String fqdn(Destination d, String clusterDomain) {
        return d.service().isEmpty() ? "" : d.service() + "." + d.namespace() + ".svc." + clusterDomain;
    }

    public Decision evaluate(PolicyRequest r, boolean explain) {
        List<TraceEntry> trace = new ArrayList<>();
        trace.add(new TraceEntry(MODEL_CONFIG, "default", Action.ALLOW, config.permissive(), true, -1,
                explain ? "mode " + config.mode() + (config.permissive() ? ", enforcement PERMISSIVE" : "")
                        + " turns RBAC on for " + r.destination().namespace() + "/" + r.destination().service() : ""));
        TraceEntry granted = null;
        for (CompiledBinding b : bindingsByNamespace.getOrDefault(r.destination().namespace(), List.of())) {
            int rule = firstGrant(b, r);
            trace.add(new TraceEntry(MODEL_BINDING, b.key(), Action.ALLOW, b.permissive(), rule >= 0, rule,
                    explain ? explain(b, r, rule) : ""));
            if (rule >= 0 && !b.permissive() && granted == null) {
                granted = trace.get(trace.size() - 1);
            }
        }
        Decision enforced = granted != null
                ? new Decision(true, Action.ALLOW, granted.policy(), granted.rule(), "allowed-by-policy",
                        "allowed by ServiceRoleBinding " + granted.policy() + " (ServiceRole rule " + granted.rule() + ")",
                        false, trace)
                : new Decision(false, null, "", -1, "no-allow-policy-matched",
                        "RBAC: access denied: no ServiceRoleBinding grants this request", false, trace);
        if (config.permissive() && !enforced.allowed()) {
            return new Decision(true, null, "", -1, "legacy-permissive",
                    "ClusterRbacConfig enforcement PERMISSIVE: would deny (" + enforced.message() + ")", false, trace);
        }
        return enforced;
    }

    private static int firstGrant(CompiledBinding b, PolicyRequest r) {
        if (!b.problem().isEmpty()) {
            return -1;
        }
        boolean subject = false;
        for (List<Cond> s : b.subjects()) {
            if (all(s, r)) {
                subject = true;
                break;
            }
        }
        if (!subject) {
            return -1;
        }
        for (int i = 0; i < b.roleRules().size(); i++) {
            if (all(b.roleRules().get(i), r)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean all(List<Cond> conds, PolicyRequest r) {
        for (int i = 0; i < conds.size(); i++) {
            if (!conds.get(i).test(r)) {
                return false;
            }
        }
        return true;
    }

    private static String explain(CompiledBinding b, PolicyRequest r, int rule) {
        if (!b.problem().isEmpty()) {
            return "grants nothing: " + b.problem();
        }
        if (rule >= 0) {
            return "subject matched; ServiceRole " + b.roleName() + " rule " + rule + " matched";
        }
        List<String> why = new ArrayList<>();
        boolean subject = false;
        for (int i = 0; i < b.subjects().size(); i++) {
            String m = firstFailure(b.subjects().get(i), r);
            if (m == null) {
                subject = true;
                break;
            }
            why.add("subjects[" + i + "]: " + m);
        }
        if (!subject) {
            return String.join("; ", why);
        }
        for (int i = 0; i < b.roleRules().size(); i++) {
            why.add("ServiceRole " + b.roleName() + " rules[" + i + "]: " + firstFailure(b.roleRules().get(i), r));
        }
        return "subject matched; " + String.join("; ", why);
    }

    private static String firstFailure(List<Cond> conds, PolicyRequest r) {
        for (Cond c : conds) {
            if (!c.test(r)) {
                return c.describe() + " not met (request: " + c.actual(r) + ")";
            }
        }
        return null;
    }
}
