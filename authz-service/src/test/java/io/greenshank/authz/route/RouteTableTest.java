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
        RouteMatch m = t.match("GET", "KubeFlow.example.com:443", "/notebook/kubeflow-alice/nb1/lab/tree").orElseThrow();
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
        assertThat(t.match("GET", "a.example.com", "/pipeline/apis/v1/namespaces/team/runs").orElseThrow()
                .resource().orElseThrow().verb()).isEqualTo("list");
        assertThat(t.match("POST", "a.example.com", "/pipeline/apis/v1/namespaces/team/runs").orElseThrow()
                .resource().orElseThrow().verb()).isEqualTo("create");
        assertThat(t.match("DELETE", "kubeflow.example.com", "/notebook/ns/nb/").orElseThrow()
                .resource().orElseThrow().verb()).isEqualTo("delete");
    }

    @Test
    void firstMatchWinsAndHostsFilter() throws Exception {
        RouteTable t = RouteTable.parseYaml(ROUTES);
        assertThat(t.match("GET", "other.org", "/notebook/ns/nb/x").orElseThrow().destination().service())
                .as("host does not match route 0, falls through to the catch-all").isEqualTo("centraldashboard");
        assertThat(t.match("GET", "kubeflow.example.com", "/notebook/ns").orElseThrow().index()).isEqualTo(2);
        assertThat(t.match("GET", "kubeflow.example.com", "/notebook//nb/x").orElseThrow().index())
                .as("a variable needs a non-empty segment").isEqualTo(2);
        assertThat(RouteTable.empty().match("GET", "h", "/")).isEmpty();
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
}
