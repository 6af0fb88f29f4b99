package io.greenshank.authz.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.authz.sar.ResourceAttributes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final String ROUTES = """
            routes:
            - host: kubeflow.example.com
              path: /notebook/{namespace}/{name}/**
              destination:
                namespace: "{namespace}"
                service: "{name}"
                labels: {notebook-name: "{name}"}
              resource: {group: kubeflow.org, version: v1, resource: notebooks, namespace: "{namespace}", name: "{name}"}
            - host: "*.example.com"
              path: /pipeline/apis/v1/namespaces/{namespace}/runs
              destination: {namespace: kubeflow, service: ml-pipeline, labels: {app: ml-pipeline}}
              resource: {group: pipelines.kubeflow.org, resource: runs, namespace: "{namespace}"}
            - path: /**
              destination: {namespace: kubeflow, service: centraldashboard, labels: {app: centraldashboard}}
            """;

    @Test
    void pathTemplateVariablesFillDestinationAndResource() throws Exception {
        RouteTable t = RouteTable.parseYaml(ROUTES);
        RouteMatch m = t.match("GET", "KubeFlow.example.com:443", "/notebook/kubeflow-alice/nb1/lab/tree", "")
                .orElseThrow();
        assertThat(m.index()).isZero();
        assertThat(m.destination().namespace()).isEqualTo("kubeflow-alice");
        assertThat(m.destination().service()).isEqualTo("nb1");
        assertThat(m.destination().labels()).isEqualTo(Map.of("notebook-name", "nb1"));
        assertThat(m.resource()).contains(new ResourceAttributes("get", "kubeflow.org", "v1", "notebooks", "",
                "kubeflow-alice", "nb1"));
    }

    @Test
    void verbComesFromTheMethodAndWhetherAnObjectIsNamed() throws Exception {
        RouteTable t = RouteTable.parseYaml(ROUTES);
        assertThat(t.match("GET", "a.example.com", "/pipeline/apis/v1/namespaces/team/runs", "").orElseThrow()
                .resource().orElseThrow().verb()).isEqualTo("list");
        assertThat(t.match("POST", "a.example.com", "/pipeline/apis/v1/namespaces/team/runs", "").orElseThrow()
                .resource().orElseThrow().verb()).isEqualTo("create");
        assertThat(t.match("DELETE", "kubeflow.example.com", "/notebook/ns/nb/", "").orElseThrow()
                .resource().orElseThrow().verb()).isEqualTo("delete");
    }

    @Test
    void firstMatchWinsAndHostsFilter() throws Exception {
        RouteTable t = RouteTable.parseYaml(ROUTES);
        assertThat(t.match("GET", "other.org", "/notebook/ns/nb/x", "").orElseThrow().destination().service())
                .as("host does not match route 0, falls through to the catch-all").isEqualTo("centraldashboard");
        assertThat(t.match("GET", "kubeflow.example.com", "/notebook/ns", "").orElseThrow().index()).isEqualTo(2);
        assertThat(t.match("GET", "kubeflow.example.com", "/notebook//nb/x", "").orElseThrow().index())
                .as("a variable needs a non-empty segment").isEqualTo(2);
        assertThat(RouteTable.empty().match("GET", "h", "/", "")).isEmpty();
    }

    @Test
    void badTablesAreRejectedWithTheRouteNamed() {
        assertThatThrownBy(() -> RouteTable.parseYaml("""
                routes:
                - path: /a/**/b
                  destination: {namespace: x}""")).hasMessageContaining("routes[0].path: ** must be the last");
        assertThatThrownBy(() -> RouteTable.parseYaml("""
                routes:
                - path: /a/{ns}
                  destination: {namespace: "{namespace}"}""")).hasMessageContaining("{namespace} is not a variable");
    }

    /** Kubeflow Pipelines names the namespace in the query string: v2beta1 {@code namespace}, v1beta1 a reference key. */
    private static final String PIPELINES = """
            routes:
            - path: /apis/v2beta1/runs
              query: {namespace: namespace}
              destination: {namespace: kubeflow, service: ml-pipeline}
              resource: {group: pipelines.kubeflow.org, version: v1beta1, resource: runs, namespace: "{namespace}"}
            - path: /apis/v1beta1/runs
              queryEquals: {resource_reference_key.type: NAMESPACE}
              query: {namespace: resource_reference_key.id}
              destination: {namespace: kubeflow, service: ml-pipeline}
              resource: {group: pipelines.kubeflow.org, version: v1beta1, resource: runs, namespace: "{namespace}"}
            - path: /ns/{namespace}/runs
              query: {namespace: namespace}
              destination: {namespace: "{namespace}"}
            - path: /**
              destination: {namespace: kubeflow, service: ml-pipeline}
            """;

    private static String namespaceOf(RouteTable t, String path, String query) throws RejectedRouteException {
        return t.match("GET", "h", path, query).orElseThrow().resource().orElseThrow().namespace();
    }

    private static String rejection(RouteTable t, String path, String query) {
        try {
            return "matched " + t.match("GET", "h", path, query);
        } catch (RejectedRouteException e) {
            return e.reason();
        }
    }

    @Test
    void aQueryVariableIsReadDecodedFromItsParameter() throws Exception {
        RouteTable t = RouteTable.parseYaml(PIPELINES);
        assertThat(namespaceOf(t, "/apis/v2beta1/runs", "page_size=10&namespace=team-a")).isEqualTo("team-a");
        assertThat(namespaceOf(t, "/apis/v2beta1/runs", "namespace=team%2Da&sort_by=")).isEqualTo("team-a");
        assertThat(namespaceOf(t, "/apis/v2beta1/runs", "%6Eamespace=team-a")).as("the name is decoded too")
                .isEqualTo("team-a");
        assertThat(namespaceOf(t, "/apis/v1beta1/runs",
                "resource_reference_key.type=NAMESPACE&resource_reference_key.id=team-b")).isEqualTo("team-b");
        assertThat(t.match("GET", "h", "/apis/v1beta1/runs",
                "resource_reference_key.type=EXPERIMENT&resource_reference_key.id=e1").orElseThrow().index())
                .as("an id that is not a namespace is not read as one").isEqualTo(3);
    }

    @Test
    void aValueThatCannotBeReadUnambiguouslyRefusesTheRequest() throws Exception {
        RouteTable t = RouteTable.parseYaml(PIPELINES);
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=team-a&namespace=team-b"))
                .isEqualTo("query_parameter_repeated");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=team-a&%6eamespace=team-a"))
                .as("repeated after decoding, even with one value").isEqualTo("query_parameter_repeated");
        assertThat(rejection(t, "/apis/v1beta1/runs", "resource_reference_key.type=NAMESPACE"
                + "&resource_reference_key.type=EXPERIMENT&resource_reference_key.id=team-a"))
                .as("a repeated condition is not settled by either value").isEqualTo("query_parameter_repeated");
        assertThat(rejection(t, "/apis/v2beta1/runs", "page_size=10")).isEqualTo("query_parameter_missing");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=")).isEqualTo("query_parameter_missing");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=team%zz")).isEqualTo("query_parameter_invalid");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=team-a;namespace=team-b"))
                .isEqualTo("query_parameter_invalid");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=team-a%00")).isEqualTo("query_parameter_invalid");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=%C0%AF")).isEqualTo("query_parameter_invalid");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=team-a+")).as("no object is named 'team-a '")
                .isEqualTo("query_parameter_invalid");
        assertThat(rejection(t, "/apis/v2beta1/runs", "namespace=Team-A")).isEqualTo("query_parameter_invalid");
    }

    @Test
    void methodsLimitARouteSoACreateWithItsNamespaceInTheBodyFallsThrough() throws Exception {
        RouteTable t = RouteTable.parseYaml("""
                routes:
                - methods: [GET]
                  path: /apis/v2beta1/runs
                  query: {namespace: namespace}
                  destination: {namespace: kubeflow, service: ml-pipeline}
                - path: /**
                  destination: {namespace: kubeflow, service: other}
                """);
        assertThat(t.match("POST", "h", "/apis/v2beta1/runs", "").orElseThrow().index()).isEqualTo(1);
        assertThat(t.match("GET", "h", "/apis/v2beta1/runs", "namespace=a").orElseThrow().index()).isZero();
        assertThatThrownBy(() -> RouteTable.parseYaml("""
                routes:
                - methods: [get]
                  path: /a
                  destination: {namespace: x}""")).hasMessageContaining("routes[0].methods: 'get' is not");
    }

    @Test
    void aVariableInPathAndQueryMustAgree() throws Exception {
        RouteTable t = RouteTable.parseYaml(PIPELINES);
        assertThat(t.match("GET", "h", "/ns/team-a/runs", "namespace=team-a").orElseThrow().destination().namespace())
                .isEqualTo("team-a");
        assertThat(t.match("GET", "h", "/ns/team-a/runs", "").orElseThrow().destination().namespace())
                .as("the path alone names it").isEqualTo("team-a");
        assertThat(rejection(t, "/ns/team-a/runs", "namespace=team-b")).isEqualTo("route_variable_conflict");
    }

    @Test
    void badQuerySettingsAreRejectedWithTheRouteNamed() {
        assertThatThrownBy(() -> RouteTable.parseYaml("""
                routes:
                - path: /a
                  query: {"ns-1": namespace}
                  destination: {namespace: x}""")).hasMessageContaining("routes[0].query: bad variable name 'ns-1'");
        assertThatThrownBy(() -> RouteTable.parseYaml("""
                routes:
                - path: /a
                  query: {ns: ""}
                  destination: {namespace: "{ns}"}""")).hasMessageContaining("routes[0].query.ns must name");
    }
}
