package io.greenshank.authz.route;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.greenshank.authz.path.Hosts;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.sar.ResourceAttributes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes for an ingress gateway that fronts many services: the first route whose host and path template match a
 * request decides the destination it is judged against and the Kubernetes resource it acts on.
 *
 * <p>Path templates: {@code {var}} captures one segment, {@code *} matches one segment, a trailing {@code **} matches
 * the rest (zero or more segments). Hosts: exact (case-insensitive, port ignored), {@code *.suffix}, or {@code *}.
 *
 * <p>Query variables ({@code query: {namespace: <parameter>}}) exist because some APIs name the namespace only in the
 * query string (Kubeflow Pipelines: {@code ?namespace=} in v2beta1, {@code ?resource_reference_key.type=NAMESPACE&
 * resource_reference_key.id=} in v1beta1). A value that cannot be read unambiguously refuses the request
 * ({@link RejectedRouteException}) instead of picking one.
 */
public final class RouteTable {

    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z][A-Za-z0-9_]*)}");
    /**
     * What a query variable may hold: a DNS-1123 subdomain, as namespaces and object names are. A variable fills the
     * destination namespace policies are looked up by, so a value no object can have (a trailing space, an
     * upper-case letter) must not reach a namespace where no DENY applies.
     */
    private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private record Compiled(Route route, String host, List<String> segments, java.util.Set<String> pathVariables) {

        boolean readsQuery() {
            return !route.query().isEmpty() || !route.queryEquals().isEmpty();
        }
    }

    private final List<Compiled> routes;
    private final boolean hasResources;

    private RouteTable(List<Compiled> routes) {
        this.routes = routes;
        this.hasResources = routes.stream().anyMatch(c -> c.route().resource() != null);
    }

    public static RouteTable empty() {
        return new RouteTable(List.of());
    }

    public static RouteTable of(List<Route> routes) {
        List<Compiled> out = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            String where = "routes[" + i + "]";
            if (r.path() == null || !r.path().startsWith("/")) {
                throw new IllegalArgumentException(where + ".path must start with '/'");
            }
            if (r.destination() == null || r.destination().namespace() == null) {
                throw new IllegalArgumentException(where + ".destination.namespace is required");
            }
            List<String> segments = List.of(r.path().substring(1).split("/", -1));
            java.util.Set<String> vars = new java.util.HashSet<>();
            for (int s = 0; s < segments.size(); s++) {
                String seg = segments.get(s);
                if (seg.equals("**") && s != segments.size() - 1) {
                    throw new IllegalArgumentException(where + ".path: ** must be the last segment");
                }
                Matcher m = VARIABLE.matcher(seg);
                if (m.find() && !m.group().equals(seg)) {
                    throw new IllegalArgumentException(where + ".path: a variable must be a whole segment");
                }
                if (seg.startsWith("{") && !m.matches()) {
                    throw new IllegalArgumentException(where + ".path: bad variable '" + seg + "'");
                }
                if (m.matches()) {
                    vars.add(m.group(1));
                }
            }
            java.util.Set<String> pathVars = java.util.Set.copyOf(vars);
            checkQuery(where, r);
            vars.addAll(r.query().keySet());
            checkVariables(where, vars, r);
            String host = r.host() == null || r.host().isBlank() ? "*" : Hosts.normalize(r.host());
            out.add(new Compiled(r, host, segments, pathVars));
        }
        return new RouteTable(List.copyOf(out));
    }

    public static RouteTable parseYaml(String yaml) throws IOException {
        ObjectMapper m = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        JsonNode root = m.readTree(yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return empty();
        }
        JsonNode routes = root.path("routes");
        List<Route> list = new ArrayList<>();
        for (JsonNode n : routes) {
            list.add(m.treeToValue(n, Route.class));
        }
        return of(list);
    }

    private static void checkQuery(String where, Route r) {
        r.query().forEach((variable, parameter) -> {
            if (!VARIABLE.matcher("{" + variable + "}").matches()) {
                throw new IllegalArgumentException(where + ".query: bad variable name '" + variable + "'");
            }
            if (parameter == null || parameter.isBlank()) {
                throw new IllegalArgumentException(where + ".query." + variable + " must name a query parameter");
            }
        });
        r.methods().forEach(m -> {
            if (!io.greenshank.authz.decision.RequestSyntax.isMethod(m) || !m.equals(m.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException(where + ".methods: '" + m + "' is not an upper-case HTTP method");
            }
        });
        r.queryEquals().forEach((parameter, value) -> {
            if (parameter.isBlank() || value == null) {
                throw new IllegalArgumentException(where + ".queryEquals: '" + parameter + "' needs a name and a value");
            }
        });
    }

    private static void checkVariables(String where, java.util.Set<String> vars, Route r) {
        List<String> used = new ArrayList<>();
        used.add(r.destination().namespace());
        used.add(r.destination().service());
        if (r.destination().labels() != null) {
            used.addAll(r.destination().labels().values());
        }
        if (r.resource() != null) {
            Route.ResourceTemplate t = r.resource();
            if (t.resource() == null || t.resource().isBlank()) {
                throw new IllegalArgumentException(where + ".resource.resource is required");
            }
            used.addAll(java.util.Arrays.asList(t.verb(), t.group(), t.version(), t.resource(), t.subresource(),
                    t.namespace(), t.name()));
        }
        for (String u : used) {
            if (u == null) {
                continue;
            }
            Matcher m = VARIABLE.matcher(u);
            while (m.find()) {
                if (!vars.contains(m.group(1))) {
                    throw new IllegalArgumentException(where + ": {" + m.group(1) + "} is not a variable of the path");
                }
            }
        }
    }

    public boolean hasResources() {
        return hasResources;
    }

    public int size() {
        return routes.size();
    }

    /**
     * The first route matching the (normalized) path, the host and the route's {@code queryEquals}, or empty.
     *
     * @param query the raw query string, without {@code ?}
     * @throws RejectedRouteException where the first route whose path matches reads a parameter that is repeated,
     *                                badly encoded, missing, or that disagrees with the path
     */
    public Optional<RouteMatch> match(String method, String host, String path, String query)
            throws RejectedRouteException {
        String h = Hosts.withoutPort(Hosts.normalize(host));
        String m = method == null ? "GET" : method;
        QueryParameters parameters = null;
        for (int i = 0; i < routes.size(); i++) {
            Compiled c = routes.get(i);
            if (!hostMatches(c.host(), h) || !c.route().methods().isEmpty() && !c.route().methods().contains(m)) {
                continue;
            }
            Map<String, String> vars = matchPath(c.segments(), path);
            if (vars == null) {
                continue;
            }
            if (c.readsQuery()) {
                if (parameters == null) {
                    parameters = QueryParameters.parse(query);
                }
                if (!queryEqualsHolds(c.route(), parameters)) {
                    continue;
                }
                readQueryVariables(c, parameters, vars);
            }
            return Optional.of(resolve(i, c.route(), vars, method));
        }
        return Optional.empty();
    }

    private static boolean queryEqualsHolds(Route r, QueryParameters parameters) throws RejectedRouteException {
        for (Map.Entry<String, String> e : r.queryEquals().entrySet()) {
            if (!e.getValue().equals(parameters.single(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static void readQueryVariables(Compiled c, QueryParameters parameters, Map<String, String> vars)
            throws RejectedRouteException {
        for (Map.Entry<String, String> e : c.route().query().entrySet()) {
            String variable = e.getKey();
            String parameter = e.getValue();
            String value = parameters.single(parameter);
            boolean inPath = c.pathVariables().contains(variable);
            if (value == null || value.isEmpty()) {
                if (inPath) {
                    continue;
                }
                throw new RejectedRouteException("query_parameter_missing",
                        "this route reads {" + variable + "} from query parameter '" + parameter + "', which is "
                                + (value == null ? "absent" : "empty"));
            }
            if (value.length() > 253 || !KUBERNETES_NAME.matcher(value).matches()) {
                throw new RejectedRouteException("query_parameter_invalid", "query parameter '" + parameter
                        + "' is not a Kubernetes name (RFC 1123: lower-case letters, digits, '-' and '.')");
            }
            if (inPath && !value.equals(vars.get(variable))) {
                throw new RejectedRouteException("route_variable_conflict", "{" + variable + "} is '"
                        + vars.get(variable) + "' in the path but '" + value + "' in query parameter '" + parameter + "'");
            }
            vars.put(variable, value);
        }
    }

    private static boolean hostMatches(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
        }
        return Hosts.withoutPort(pattern).equals(host);
    }

    private static Map<String, String> matchPath(List<String> template, String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String[] segs = path.substring(1).split("/", -1);
        Map<String, String> vars = new HashMap<>();
        int i = 0;
        for (; i < template.size(); i++) {
            String t = template.get(i);
            if (t.equals("**")) {
                return vars;
            }
            if (i >= segs.length) {
                return null;
            }
            String s = segs[i];
            if (t.equals("*")) {
                if (s.isEmpty()) {
                    return null;
                }
            } else if (t.startsWith("{")) {
                if (s.isEmpty()) {
                    return null;
                }
                vars.put(t.substring(1, t.length() - 1), s);
            } else if (!t.equals(s)) {
                return null;
            }
        }
        return i == segs.length ? vars : null;
    }

    private static RouteMatch resolve(int index, Route r, Map<String, String> vars, String method) {
        Route.DestinationTemplate d = r.destination();
        Map<String, String> labels = new LinkedHashMap<>();
        if (d.labels() != null) {
            d.labels().forEach((k, v) -> labels.put(k, fill(v, vars)));
        }
        Destination dest = new Destination(fill(d.namespace(), vars), fill(d.service(), vars), labels, "", 0);
        Optional<ResourceAttributes> resource = Optional.empty();
        if (r.resource() != null) {
            Route.ResourceTemplate t = r.resource();
            String name = fill(t.name(), vars);
            String verb = t.verb() != null ? fill(t.verb(), vars)
                    : ResourceAttributes.verbFor(method == null ? "GET" : method, !name.isEmpty());
            resource = Optional.of(new ResourceAttributes(verb.toLowerCase(Locale.ROOT), fill(t.group(), vars),
                    fill(t.version(), vars), fill(t.resource(), vars), fill(t.subresource(), vars),
                    fill(t.namespace(), vars), name));
        }
        return new RouteMatch(index, r, Map.copyOf(vars), dest, resource);
    }

    private static String fill(String template, Map<String, String> vars) {
        if (template == null) {
            return "";
        }
        if (template.indexOf('{') < 0) {
            return template;
        }
        Matcher m = VARIABLE.matcher(template);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), "")));
        }
        m.appendTail(b);
        return b.toString();
    }
}
