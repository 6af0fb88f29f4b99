package io.greenshank.authz.policy.bench;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.policy.PolicyRequest;
import io.greenshank.authz.policy.PolicySet;
import io.greenshank.authz.policy.source.PolicyDocuments;
import io.greenshank.authz.policy.source.PolicyEntry;
import io.greenshank.authz.policy.source.PolicySetBuilder;
import io.greenshank.authz.sar.ResourceAttributes;
import io.greenshank.authz.sar.ReviewSubject;
import io.greenshank.authz.sar.SubjectAccessReviewer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not part of {@code verify} (tagged {@code benchmark}, which the module excludes, and outside surefire's default
 * includes). Run with:
 * <pre>
 * mvn -B -o -pl authz-service -am test -Dtest=PolicyEvaluationBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.excluded=none -DargLine=-Xmx256m
 * </pre>
 * Loads the policies of 10,000 Kubeflow profiles (an owner policy and five contributor policies each, 60,000
 * AuthorizationPolicies) through the real YAML path, then measures single-evaluation latency against floors measured
 * in the same run: the same requests against an empty policy set, and against 10 profiles (so that any growth with
 * out-of-scope policies shows). Then a cached SubjectAccessReview against a no-op loop.
 */
@Tag("benchmark")
class PolicyEvaluationBenchmark {

    static final int PROFILES = 10_000;
    static final int CONTRIBUTORS = 5;
    static final String GATEWAY = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";

    static String profile(int i) {
        String ns = "kubeflow-user-" + i;
        StringBuilder b = new StringBuilder();
        b.append("""
                apiVersion: security.istio.io/v1beta1
                kind: AuthorizationPolicy
                metadata: {name: ns-owner-access-istio, namespace: %s}
                spec:
                  rules:
                  - from: [{source: {principals: ["%s"]}}]
                    when: [{key: "request.headers[kubeflow-userid]", values: ["owner-%d@example.com"]}]
                  - when: [{key: source.namespace, values: ["%s"]}]
                  - to: [{operation: {paths: ["/healthz", "/metrics", "/wait-for-drain"]}}]
                  - from: [{source: {principals: ["cluster.local/ns/kubeflow/sa/notebook-controller-service-account"]}}]
                    to: [{operation: {methods: ["GET"], paths: ["*/api/kernels"]}}]
                """.formatted(ns, GATEWAY, i, ns));
        for (int c = 0; c < CONTRIBUTORS; c++) {
            b.append("""
                    ---
                    apiVersion: security.istio.io/v1beta1
                    kind: AuthorizationPolicy
                    metadata: {name: user-contrib-%d-clusterrole-edit, namespace: %s}
                    spec:
                      rules:
                      - from: [{source: {principals: ["%s"]}}]
                        when: [{key: "request.headers[kubeflow-userid]", values: ["contrib-%d-%d@example.com"]}]
                    """.formatted(c, ns, GATEWAY, i, c));
        }
        return b.toString();
    }

    static PolicySet load(int profiles) {
        PolicyDocuments docs = new PolicyDocuments("istio-system");
        List<PolicyEntry> entries = new ArrayList<>(profiles * (CONTRIBUTORS + 1));
        for (int i = 0; i < profiles; i++) {
            entries.addAll(docs.parseYaml(profile(i), "profile-" + i + ".yaml"));
        }
        return PolicySetBuilder.build(entries, "istio-system", "cluster.local", 1);
    }

    static List<PolicyRequest> requests(int n, int profiles) {
        SplittableRandom rnd = new SplittableRandom(42);
        List<PolicyRequest> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int i = rnd.nextInt(profiles);
            int kind = rnd.nextInt(3);
            String user = switch (kind) {
                case 0 -> "owner-" + i + "@example.com";
                case 1 -> "contrib-" + i + "-" + rnd.nextInt(CONTRIBUTORS) + "@example.com";
                default -> "stranger-" + k + "@example.com";
            };
            out.add(PolicyRequest.builder().sourcePrincipal(GATEWAY).method("GET").host("kubeflow.example.com")
                    .path("/notebook/kubeflow-user-" + i + "/nb/lab/tree")
                    .headers(Map.of("kubeflow-userid", user, "accept", "text/html"))
                    .destination(new Destination("kubeflow-user-" + i, "nb", Map.of("notebook-name", "nb"), "", 8888))
                    .build());
        }
        return out;
    }

    /** Records each evaluation's latency; returns a checksum so the JIT cannot drop the work. */
    static long run(PolicySet set, List<PolicyRequest> reqs, int iterations, Histogram h) {
        long allowed = 0;
        int n = reqs.size();
        for (int k = 0; k < iterations; k++) {
            PolicyRequest r = reqs.get(k % n);
            long t0 = System.nanoTime();
            boolean a = set.evaluate(r).allowed();
            long t1 = System.nanoTime();
            if (h != null) {
                h.recordValue(t1 - t0);
            }
            allowed += a ? 1 : 0;
        }
        return allowed;
    }

    static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static String line(String name, Histogram h) {
        return String.format("%-34s p50 %7.2f us  p99 %7.2f us  p99.9 %7.2f us  max %8.1f us", name,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    @Test
    void evaluation() throws Exception {
        List<PolicyRequest> reqs = requests(20_000, PROFILES);
        // The same mix aimed at the 10 loaded profiles: six policies in scope per request, as with 10,000.
        List<PolicyRequest> smallReqs = requests(20_000, 10);
        PolicySet empty = PolicySet.empty("istio-system");
        PolicySet small = load(10);
        long before = usedHeap();
        long t0 = System.nanoTime();
        PolicySet big = load(PROFILES);
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        long retained = usedHeap() - before;
        long maxHeap = Runtime.getRuntime().maxMemory();

        long sink = 0;
        for (int round = 0; round < 3; round++) {
            sink += run(empty, reqs, 300_000, null) + run(small, smallReqs, 300_000, null) + run(big, reqs, 300_000, null);
        }
        int iterations = 2_000_000;
        Histogram hEmpty = new Histogram(60_000_000_000L, 3);
        Histogram hSmall = new Histogram(60_000_000_000L, 3);
        Histogram hBig = new Histogram(60_000_000_000L, 3);
        Histogram hBigHot = new Histogram(60_000_000_000L, 3);
        // Interleave the three so that machine noise hits them alike.
        for (int slice = 0; slice < 10; slice++) {
            sink += run(empty, reqs, iterations / 10, hEmpty);
            sink += run(small, smallReqs, iterations / 10, hSmall);
            sink += run(big, smallReqs, iterations / 10, hBigHot);
            sink += run(big, reqs, iterations / 10, hBig);
        }
        long allowedBig = run(big, reqs, reqs.size(), null);

        StringBuilder report = new StringBuilder();
        report.append(String.format("policies loaded: %d AuthorizationPolicies from %d profiles in %d ms;"
                        + " retained heap %.1f MB (max heap %d MB)%n", big.authorizationPolicies().size(), PROFILES,
                loadMs, retained / 1e6, maxHeap / (1024 * 1024)));
        report.append(String.format("request mix: %d distinct requests, %d%% allowed by policy%n", reqs.size(),
                allowedBig * 100 / reqs.size()));
        report.append(line("floor: empty policy set", hEmpty)).append('\n');
        report.append("(10 profiles: requests to those 10 namespaces; 10,000 profiles: requests spread over all)\n");
        report.append(line("10 profiles (60 policies)", hSmall)).append('\n');
        report.append(line("10,000 profiles, requests to 10 ns", hBigHot)).append('\n');
        report.append(line("10,000 profiles (60,000 policies)", hBig)).append('\n');
        report.append(String.format("p99 ratio, same 10 namespaces, 60,000 vs 60 policies loaded: %.2f%n",
                (double) hBigHot.getValueAtPercentile(99) / hSmall.getValueAtPercentile(99)));
        report.append(String.format("p99 ratio 10,000 profiles spread / 10 profiles: %.2f; p99 minus floor: %.2f us%n",
                (double) hBig.getValueAtPercentile(99) / hSmall.getValueAtPercentile(99),
                (hBig.getValueAtPercentile(99) - hEmpty.getValueAtPercentile(99)) / 1000.0));
        report.append(String.format("target p99 < 20 us: %s; heap < 256 MB: %s%n",
                hBig.getValueAtPercentile(99) < 20_000 ? "met" : "NOT MET", retained < 256L << 20 ? "met" : "NOT MET"));
        report.append(sar());
        report.append("(checksum ").append(sink).append(")\n");
        System.out.println(report);
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/policy-benchmark.txt"), report.toString());
    }

    /** A cached SubjectAccessReview, against a loop doing the same bookkeeping without the review. */
    static String sar() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReturn(201,
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"status\":{\"allowed\":true}}")
                .always();
        var pool = Executors.newFixedThreadPool(2);
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(server.createClient().getConfiguration()).build()).build()) {
            SubjectAccessReviewer reviewer = new SubjectAccessReviewer(client, new SubjectAccessReviewer.Settings(
                    Duration.ofHours(1), Duration.ofHours(1), 100_000, Duration.ofSeconds(5)), pool, System::nanoTime);
            int users = 1000;
            List<ReviewSubject> subjects = new ArrayList<>();
            List<ResourceAttributes> resources = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                subjects.add(new ReviewSubject("user-" + u + "@example.com", List.of("ml", "system:authenticated"),
                        Map.of()));
                resources.add(new ResourceAttributes("list", "kubeflow.org", "v1", "notebooks", "",
                        "kubeflow-user-" + u, ""));
                reviewer.review(subjects.get(u), resources.get(u));
            }
            Histogram hit = new Histogram(60_000_000_000L, 3);
            Histogram floor = new Histogram(60_000_000_000L, 3);
            long sink = 0;
            for (int warm = 0; warm < 500_000; warm++) {
                sink += reviewer.review(subjects.get(warm % users), resources.get(warm % users)).allowed() ? 1 : 0;
            }
            for (int slice = 0; slice < 10; slice++) {
                for (int k = 0; k < 100_000; k++) {
                    ReviewSubject s = subjects.get(k % users);
                    ResourceAttributes a = resources.get(k % users);
                    long t0 = System.nanoTime();
                    sink += s.hashCode() + a.hashCode() > 0 ? 1 : 0;
                    long t1 = System.nanoTime();
                    floor.recordValue(t1 - t0);
                }
                for (int k = 0; k < 100_000; k++) {
                    ReviewSubject s = subjects.get(k % users);
                    ResourceAttributes a = resources.get(k % users);
                    long t0 = System.nanoTime();
                    sink += reviewer.review(s, a).allowed() ? 1 : 0;
                    long t1 = System.nanoTime();
                    hit.recordValue(t1 - t0);
                }
            }
            return line("floor: no-op (same loop)", floor) + "\n" + line("cached SubjectAccessReview", hit) + "\n"
                    + String.format("cached SAR p99 minus floor: %.2f us (target < 5 us: %s); API calls %d for %d"
                            + " users (checksum %d)%n",
                    (hit.getValueAtPercentile(99) - floor.getValueAtPercentile(99)) / 1000.0,
                    hit.getValueAtPercentile(99) - floor.getValueAtPercentile(99) < 5_000 ? "met" : "NOT MET",
                    reviewer.apiCalls(), users, sink);
        } finally {
            pool.shutdownNow();
            server.destroy();
        }
    }
}
