package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.Destination;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Policies by the workloads they can apply to, so that finding a request's policies costs the same whether ten or
 * a hundred thousand policies are loaded: a hash lookup by namespace (plus the root namespace), then by one of the
 * selector's labels. Immutable; a change builds a new index.
 */
public final class AuthorizationPolicyIndex {

    private static final Bucket EMPTY = new Bucket(List.of(), Map.of());

    private final String rootNamespace;
    private final Bucket root;
    private final Map<String, Bucket> byNamespace;
    private final int size;

    private record Bucket(List<CompiledPolicy> unselected, Map<String, List<CompiledPolicy>> bySelectorLabel) {

        void collect(Map<String, String> labels, List<CompiledPolicy> out) {
            out.addAll(unselected);
            if (bySelectorLabel.isEmpty()) {
                return;
            }
            for (Map.Entry<String, String> l : labels.entrySet()) {
                List<CompiledPolicy> candidates = bySelectorLabel.get(l.getKey() + '=' + l.getValue());
                if (candidates != null) {
                    for (int i = 0; i < candidates.size(); i++) {
                        CompiledPolicy p = candidates.get(i);
                        if (p.selects(labels)) {
                            out.add(p);
                        }
                    }
                }
            }
        }
    }

    private AuthorizationPolicyIndex(String rootNamespace, Bucket root, Map<String, Bucket> byNamespace, int size) {
        this.rootNamespace = rootNamespace;
        this.root = root;
        this.byNamespace = byNamespace;
        this.size = size;
    }

    public static AuthorizationPolicyIndex empty(String rootNamespace) {
        return new AuthorizationPolicyIndex(rootNamespace, EMPTY, Map.of(), 0);
    }

    public static AuthorizationPolicyIndex of(String rootNamespace, Collection<CompiledPolicy> policies) {
        List<CompiledPolicy> sorted = new ArrayList<>(policies);
        sorted.sort(Comparator.comparing(CompiledPolicy::namespace).thenComparing(CompiledPolicy::name));
        Map<String, List<CompiledPolicy>> unselected = new HashMap<>();
        Map<String, Map<String, List<CompiledPolicy>>> selected = new HashMap<>();
        for (CompiledPolicy p : sorted) {
            if (p.selector().isEmpty()) {
                unselected.computeIfAbsent(p.namespace(), n -> new ArrayList<>()).add(p);
            } else {
                // Each policy sits under exactly one of its labels, so a lookup never sees it twice.
                Map.Entry<String, String> first = new TreeMap<>(p.selector()).firstEntry();
                selected.computeIfAbsent(p.namespace(), n -> new HashMap<>())
                        .computeIfAbsent(first.getKey() + '=' + first.getValue(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<String, Bucket> buckets = new HashMap<>();
        for (String ns : union(unselected.keySet(), selected.keySet())) {
            Map<String, List<CompiledPolicy>> sel = new HashMap<>();
            selected.getOrDefault(ns, Map.of()).forEach((k, v) -> sel.put(k, List.copyOf(v)));
            buckets.put(ns, new Bucket(List.copyOf(unselected.getOrDefault(ns, List.of())), Map.copyOf(sel)));
        }
        Bucket root = buckets.remove(rootNamespace);
        return new AuthorizationPolicyIndex(rootNamespace, root == null ? EMPTY : root, Map.copyOf(buckets),
                sorted.size());
    }

    private static List<String> union(Collection<String> a, Collection<String> b) {
        java.util.LinkedHashSet<String> s = new java.util.LinkedHashSet<>(a);
        s.addAll(b);
        return List.copyOf(s);
    }

    /** Every policy that applies to the destination workload: mesh-wide (root namespace) ones first. */
    public List<CompiledPolicy> applicable(Destination d) {
        List<CompiledPolicy> out = new ArrayList<>(8);
        root.collect(d.labels(), out);
        if (!d.namespace().equals(rootNamespace)) {
            Bucket b = byNamespace.get(d.namespace());
            if (b != null) {
                b.collect(d.labels(), out);
            }
        }
        return out;
    }

    public String rootNamespace() {
        return rootNamespace;
    }

    public int size() {
        return size;
    }
}
