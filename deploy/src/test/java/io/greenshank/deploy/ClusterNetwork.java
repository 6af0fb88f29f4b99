package io.greenshank.deploy;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Cluster DNS and kube-proxy for a {@link RenderedInstall}: an in-cluster Service address ({@code name.namespace},
 * {@code ...svc} or {@code ...svc.cluster.local}, and a Service port) goes, as in a cluster, to the rendered Service
 * of that name and namespace, its port, the Deployment whose pod labels its selector matches, the container port its
 * {@code targetPort} names, and so to the loopback port this run started that container's service on. Anything that
 * does not resolve in the rendered objects is an assertion error naming what is missing.
 */
final class ClusterNetwork {

    private final RenderedInstall install;

    ClusterNetwork(RenderedInstall install) {
        this.install = install;
    }

    /** {@code http://name.namespace:port/path} as the loopback URL that reaches the same container. */
    URI resolve(URI inCluster) {
        int port = resolve(inCluster.getHost(), inCluster.getPort());
        return URI.create(inCluster.getScheme() + "://127.0.0.1:" + port + inCluster.getRawPath()
                + (inCluster.getRawQuery() == null ? "" : "?" + inCluster.getRawQuery()));
    }

    int resolve(String host, int servicePort) {
        String[] labels = host.split("\\.");
        String suffix = host.substring(Math.min(host.length(), labels[0].length() + 1 + (labels.length > 1
                ? labels[1].length() : 0)));
        if (labels.length < 2 || !List.of("", ".svc", ".svc.cluster.local").contains(suffix)) {
            throw new AssertionError(host + " is not an in-cluster Service name (name.namespace[.svc.cluster.local])");
        }
        io.fabric8.kubernetes.api.model.Service service = install.rendered.find(
                io.fabric8.kubernetes.api.model.Service.class, labels[1], labels[0]).orElseThrow(
                () -> new AssertionError("no Service " + labels[0] + " in namespace " + labels[1] + " is rendered"));
        ServicePort port = service.getSpec().getPorts().stream().filter(p -> p.getPort() == servicePort).findFirst()
                .orElseThrow(() -> new AssertionError("Service " + labels[1] + "/" + labels[0] + " has no port "
                        + servicePort + ": " + service.getSpec().getPorts()));
        Map<String, String> selector = service.getSpec().getSelector();
        List<Deployment> selected = install.rendered.all(Deployment.class).stream()
                .filter(d -> labels[1].equals(d.getMetadata().getNamespace()))
                .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                        .containsAll(selector.entrySet()))
                .toList();
        if (selected.size() != 1) {
            throw new AssertionError("Service " + labels[1] + "/" + labels[0] + " selects " + selected.size()
                    + " Deployments (" + selector + "), not one");
        }
        Deployment d = selected.get(0);
        RenderedInstall.Service s = List.of(RenderedInstall.BRIDGE, RenderedInstall.CONTROLLER, RenderedInstall.AUTHZ)
                .stream().filter(x -> x.deployment().equals(d.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("Deployment " + d.getMetadata().getName() + " is not started"));
        IntOrString target = port.getTargetPort();
        String name = target.getStrVal() != null ? target.getStrVal()
                : d.getSpec().getTemplate().getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
                .filter(p -> p.getContainerPort().equals(target.getIntVal())).map(ContainerPort::getName)
                .findFirst().orElseThrow(() -> new AssertionError(d.getMetadata().getName()
                        + " declares no container port " + target.getIntVal()));
        return install.loopbackPort(s, name);
    }
}
