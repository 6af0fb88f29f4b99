package io.greenshank.authz.policy.istio;

import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.match.IpBlock;
import io.greenshank.authz.policy.match.PathTemplate;
import io.greenshank.authz.policy.match.StringMatcher;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The building blocks rules compile to. Shared by both policy models. */
public final class Conds {

    private Conds() {
    }

    /** String attribute (single or multi-valued) against Istio string matchers, optionally negated. */
    public record Strings(String name, Function<PolicyRequest, Object> attribute, List<StringMatcher> matchers,
                          boolean negate) implements Cond {
        @Override
        public boolean test(PolicyRequest r) {
            return anyMatch(attribute.apply(r)) != negate;
        }

        private boolean anyMatch(Object value) {
            if (value instanceof String s) {
                return matchOne(s);
            }
            if (value instanceof Collection<?> c) {
                for (Object o : c) {
                    if (o instanceof String s && matchOne(s)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private boolean matchOne(String s) {
            for (int i = 0; i < matchers.size(); i++) {
                if (matchers.get(i).matches(s)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return name + (negate ? " not in " : " in ") + matchers;
        }

        @Override
        public String actual(PolicyRequest r) {
            Object v = attribute.apply(r);
            return v == null ? "(absent)" : "'" + v + "'";
        }
    }

    /** Paths: Istio string matchers and URI templates. */
    public record Paths(String name, List<StringMatcher> matchers, List<PathTemplate> templates, boolean negate)
            implements Cond {
        @Override
        public boolean test(PolicyRequest r) {
            String p = r.path();
            boolean any = false;
            for (int i = 0; i < matchers.size() && !any; i++) {
                any = matchers.get(i).matches(p);
            }
            for (int i = 0; i < templates.size() && !any; i++) {
                any = templates.get(i).matches(p);
            }
            return any != negate;
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder(name).append(negate ? " not in [" : " in [");
            String sep = "";
            for (StringMatcher m : matchers) {
                b.append(sep).append(m);
                sep = ", ";
            }
            for (PathTemplate t : templates) {
                b.append(sep).append(t);
                sep = ", ";
            }
            return b.append(']').toString();
        }

        @Override
        public String actual(PolicyRequest r) {
            return "'" + r.path() + "'";
        }
    }

    /** An address attribute against CIDR blocks. */
    public record Ips(String name, Function<PolicyRequest, byte[]> attribute, Function<PolicyRequest, String> text,
                      List<IpBlock> blocks, boolean negate) implements Cond {
        @Override
        public boolean test(PolicyRequest r) {
            byte[] a = attribute.apply(r);
            boolean any = false;
            for (int i = 0; i < blocks.size() && !any; i++) {
                any = blocks.get(i).contains(a);
            }
            return any != negate;
        }

        @Override
        public String describe() {
            return name + (negate ? " not in " : " in ") + blocks;
        }

        @Override
        public String actual(PolicyRequest r) {
            String t = text.apply(r);
            return t == null ? "(absent)" : t;
        }
    }

    /** The destination port against a set of ports. */
    public record Ports(String name, Set<Integer> ports, boolean negate) implements Cond {
        @Override
        public boolean test(PolicyRequest r) {
            return ports.contains(r.destination().port()) != negate;
        }

        @Override
        public String describe() {
            return name + (negate ? " not in " : " in ") + ports;
        }

        @Override
        public String actual(PolicyRequest r) {
            return String.valueOf(r.destination().port());
        }
    }

    /** Both halves of a {@code when} condition with {@code values} and {@code notValues}. */
    public record AllOf(List<Cond> conds) implements Cond {
        @Override
        public boolean test(PolicyRequest r) {
            for (int i = 0; i < conds.size(); i++) {
                if (!conds.get(i).test(r)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return String.join(" and ", conds.stream().map(Cond::describe).toList());
        }

        @Override
        public String actual(PolicyRequest r) {
            return conds.isEmpty() ? "" : conds.get(0).actual(r);
        }
    }

    /** Walks {@code request.auth.claims[a][b]} into nested claim objects. */
    public static Object claim(Map<String, Object> claims, List<String> path) {
        Object cur = claims;
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(p);
        }
        return cur instanceof String || cur instanceof Collection<?> ? cur : null;
    }
}
