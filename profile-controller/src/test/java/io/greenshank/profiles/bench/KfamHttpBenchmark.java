package io.greenshank.profiles.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.profiles.cache.ClusterCache;
import io.greenshank.profiles.crd.Profile;
import io.greenshank.profiles.sharing.SharingService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /kfam/v1/bindings?user=…} over HTTP (keep-alive, one client thread) at 1,000 profiles with 2 contributors
 * each, against the in-process index read as floor, with {@code SharingService.list} in process to separate the HTTP
 * overhead (request, authentication, JSON). Not part of {@code verify}; run with
 * {@code ./mvnw -B -o -pl profile-controller -am verify -Dtest=KfamHttpBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@QuarkusTest
@TestProfile(KfamHttpBenchmarkProfile.class)
@Tag("benchmark")
class KfamHttpBenchmark {

    static final int COUNT = Integer.getInteger("profiles.bench.count", 1000);
    static final String XFCC = "By=spiffe://cluster.local/ns/kubeflow/sa/profiles;"
            + "URI=spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account";
    /** In every profile: the worst case, 1,000 bindings in the answer. */
    static final String EVERYWHERE = "bob@example.com";
    /** In one profile, as most contributors are. */
    static final String TYPICAL = "c-7@example.com";

    @Inject
    KubernetesClient k;
    @Inject
    ClusterCache cache;
    @Inject
    SharingService sharing;
    @TestHTTPResource("/kfam/v1/bindings")
    URI bindings;

    @Test
    void listingOneUsersBindingsOverHttp() throws Exception {
        ProfilesBenchmark.parallel(COUNT, 4, i -> {
            Profile p = k.resource(ProfilesBenchmark.profile(i)).create();
            String ns = p.getMetadata().getName();
            String owner = p.getSpec().owner().getName();
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                    .withAnnotations(Map.of("owner", owner)).endMetadata().build()).create();
            binding(ns, "namespaceAdmin", owner, "kubeflow-admin", "admin");
            binding(ns, "contrib-bob", EVERYWHERE, "kubeflow-edit", "edit");
            binding(ns, "contrib-c", "c-" + i + "@example.com", "kubeflow-edit", "edit");
            return null;
        });
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (cache.roleBindingsOf(cache.keys().userKey(EVERYWHERE)).size() < COUNT || cache.profileNames().size() < COUNT) {
            assertThat(System.nanoTime()).as("cache filled within 2 minutes").isLessThan(deadline);
            Thread.sleep(20);
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        System.out.printf("%nBENCH KFAM listing over HTTP, %d profiles with 2 contributors each (%d RoleBindings cached)%n",
                COUNT, 3 * COUNT);
        Map<String, Double> p99s = new java.util.LinkedHashMap<>();
        for (String user : List.of(EVERYWHERE, TYPICAL)) {
            int expected = EVERYWHERE.equals(user) ? COUNT : 1;
            HttpRequest request = HttpRequest.newBuilder(URI.create(bindings + "?user=" + user))
                    .header("kubeflow-userid", user).header("x-forwarded-client-cert", XFCC).GET().build();
            Identity who = new Identity(user, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                    AuthMethod.TRUSTED_HEADER, Map.of(), Optional.empty());
            int[] size = new int[1];
            Histogram overHttp = ProfilesBenchmark.measure(() -> {
                try {
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200 || count(r.body(), "\"referredNamespace\"") != expected) {
                        throw new AssertionError(r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length())));
                    }
                    size[0] = r.body().length();
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Histogram inProcess = ProfilesBenchmark.measure(() -> {
                if (sharing.list(who, Optional.of(user), Optional.empty(), Optional.empty()).size() != expected) {
                    throw new AssertionError();
                }
            });
            Histogram index = ProfilesBenchmark.measure(() -> {
                if (cache.roleBindingsOf(cache.keys().userKey(user)).size() != expected) {
                    throw new AssertionError();
                }
            });
            System.out.printf("BENCH  ?user=%s: %d bindings, %d bytes of JSON%n", user, expected, size[0]);
            ProfilesBenchmark.print("GET /kfam/v1/bindings over HTTP", overHttp);
            ProfilesBenchmark.print("sharing.list in process", inProcess);
            ProfilesBenchmark.print("floor: raw index read", index);
            System.out.printf("BENCH   HTTP overhead p50 %.3f ms (HTTP - in process); ratio HTTP/floor p50 %.0fx%n",
                    (overHttp.getValueAtPercentile(50) - inProcess.getValueAtPercentile(50)) / 1000.0,
                    overHttp.getValueAtPercentile(50) / (double) Math.max(1, index.getValueAtPercentile(50)));
            p99s.put(user, overHttp.getValueAtPercentile(99) / 1000.0);
        }
        System.out.println();
        p99s.forEach((user, p99) -> assertThat(p99).as("p99 over HTTP for ?user=" + user + ", ms").isLessThan(50.0));
    }

    void binding(String ns, String name, String user, String clusterRole, String role) {
        k.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withAnnotations(Map.of("user", user, "role", role)).build())
                .withRoleRef(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole))
                .withSubjects(new Subject("rbac.authorization.k8s.io", "User", user, null)).build()).create();
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
