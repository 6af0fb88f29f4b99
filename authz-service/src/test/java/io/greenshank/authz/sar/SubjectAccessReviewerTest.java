package io.greenshank.authz.sar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.greenshank.identity.AuthMethod;
import io.greenshank.identity.Identity;
import io.greenshank.identity.SpiffeId;
import io.greenshank.testing.net.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SubjectAccessReview against fabric8's Kubernetes mock server, asserting what is sent and how often. */
class SubjectAccessReviewerTest {

    private static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubernetesMockServer server;
    private KubernetesClient client;
    private ExecutorService executor;
    private final AtomicLong clock = new AtomicLong();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
        executor = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        client.close();
        server.destroy();
    }

    private SubjectAccessReviewer reviewer(Duration allowTtl, Duration denyTtl, int max, Duration timeout) {
        return new SubjectAccessReviewer(client, new SubjectAccessReviewer.Settings(allowTtl, denyTtl, max, timeout),
                executor, clock::get);
    }

    private static String answer(boolean allowed, String reason) {
        return """
                {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
                 "status":{"allowed":%s,"reason":"%s"}}""".formatted(allowed, reason);
    }

    private static final ResourceAttributes LIST_NOTEBOOKS =
            new ResourceAttributes("list", "kubeflow.org", "v1", "notebooks", "", "kubeflow-alice", "");

    private static Identity alice() {
        return new Identity("alice@example.com", List.of("ml-team"), Optional.of("https://idp"), Optional.of("a1"),
                Optional.empty(), AuthMethod.JWT, Map.of(), Optional.empty());
    }

    @Test
    void sendsExactlyTheReviewForTheCallerAndResource() throws Exception {
        server.expect().post().withPath(PATH).andReturn(201, answer(true, "RBAC: allowed by RoleBinding")).once();
        ReviewDecision d = reviewer(Duration.ofMinutes(1), Duration.ofSeconds(5), 100, Duration.ofSeconds(5))
                .review(ReviewSubject.of(alice()), LIST_NOTEBOOKS);
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason()).isEqualTo("RBAC: allowed by RoleBinding");
        RecordedRequest sent = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getPath()).isEqualTo(PATH);
        JsonNode body = JSON.readTree(sent.getBody().readUtf8());
        assertThat(body).isEqualTo(JSON.readTree("""
                {"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
                 "spec":{"groups":["ml-team","system:authenticated"],
                         "resourceAttributes":{"group":"kubeflow.org","namespace":"kubeflow-alice",
                                               "resource":"notebooks","verb":"list","version":"v1"},
                         "user":"alice@example.com"}}"""));
    }

    @Test
    void serviceAccountsAreReviewedWithTheirKubernetesUserAndGroups() throws Exception {
        server.expect().post().withPath(PATH).andReturn(201, answer(false, "")).once();
        Identity sa = Identity.ofMeshPeer(SpiffeId.parse("cluster.local/ns/kubeflow/sa/pipeline-runner").orElseThrow());
        ResourceAttributes logs = new ResourceAttributes("get", "", "", "pods", "log", "kubeflow", "runner-0");
        reviewer(Duration.ofMinutes(1), Duration.ofSeconds(5), 100, Duration.ofSeconds(5))
                .review(ReviewSubject.of(sa), logs);
        JsonNode body = JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().readUtf8());
        assertThat(body.get("spec")).isEqualTo(JSON.readTree("""
                {"groups":["system:serviceaccounts","system:serviceaccounts:kubeflow","system:authenticated"],
                 "resourceAttributes":{"group":"","name":"runner-0","namespace":"kubeflow","resource":"pods",
                                       "subresource":"log","verb":"get"},
                 "user":"system:serviceaccount:kubeflow:pipeline-runner"}"""));
    }

    @Test
    void allowsAndDeniesAreCachedForTheirOwnLifetimes() {
        server.expect().post().withPath(PATH).andReturn(201, answer(true, "")).once();
        server.expect().post().withPath(PATH).andReturn(201, answer(false, "no")).always();
        SubjectAccessReviewer r = reviewer(Duration.ofSeconds(60), Duration.ofSeconds(5), 100, Duration.ofSeconds(5));
        ReviewSubject alice = ReviewSubject.of(alice());
        ResourceAttributes other = new ResourceAttributes("delete", "kubeflow.org", "v1", "notebooks", "",
                "kubeflow-alice", "nb");
        assertThat(r.review(alice, LIST_NOTEBOOKS).allowed()).isTrue();
        assertThat(r.review(alice, other).allowed()).isFalse();
        assertThat(server.getRequestCount()).isEqualTo(2);

        clock.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(r.review(alice, LIST_NOTEBOOKS).cached()).isTrue();
        assertThat(r.review(alice, other).cached()).isTrue();
        assertThat(server.getRequestCount()).isEqualTo(2);

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(r.review(alice, LIST_NOTEBOOKS).cached()).as("allow lives 60 s").isTrue();
        ReviewDecision again = r.review(alice, other);
        assertThat(again.cached()).as("deny lives 5 s").isFalse();
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void theCacheIsBoundedInSize() {
        server.expect().post().withPath(PATH).andReturn(201, answer(true, "")).always();
        SubjectAccessReviewer r = reviewer(Duration.ofMinutes(5), Duration.ofMinutes(5), 20, Duration.ofSeconds(5));
        for (int i = 0; i < 100; i++) {
            r.review(new ReviewSubject("user-" + i, List.of(), Map.of()), LIST_NOTEBOOKS);
            assertThat(r.cacheSize()).isLessThanOrEqualTo(20);
        }
        assertThat(r.apiCalls()).isEqualTo(100);
    }

    @Test
    void expiredDecisionsNobodyAsksForAgainAreDroppedWithinOneLifetime() {
        server.expect().post().withPath(PATH).andReturn(201, answer(true, "")).always();
        SubjectAccessReviewer r = reviewer(Duration.ofSeconds(60), Duration.ofSeconds(5), 10_000, Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            r.review(new ReviewSubject("user-" + i, List.of(), Map.of()), LIST_NOTEBOOKS);
        }
        assertThat(r.cacheSize()).isEqualTo(50);

        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        r.review(new ReviewSubject("someone-new", List.of(), Map.of()), LIST_NOTEBOOKS);
        assertThat(r.cacheSize()).as("the 50 expired decisions are gone though the cache is far from full")
                .isEqualTo(1);

        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        r.review(new ReviewSubject("another", List.of(), Map.of()), LIST_NOTEBOOKS);
        assertThat(r.cacheSize()).as("live decisions stay").isEqualTo(2);
        assertThat(r.review(new ReviewSubject("someone-new", List.of(), Map.of()), LIST_NOTEBOOKS).cached()).isTrue();
    }

    @Test
    void identicalConcurrentReviewsCoalesceIntoOneCall() throws Exception {
        server.expect().post().delay(400, TimeUnit.MILLISECONDS).withPath(PATH).andReturn(201, answer(true, ""))
                .always();
        SubjectAccessReviewer r = reviewer(Duration.ZERO, Duration.ZERO, 100, Duration.ofSeconds(10));
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<ReviewDecision>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(callers.submit(() -> r.review(ReviewSubject.of(alice()), LIST_NOTEBOOKS)));
            }
            for (Future<ReviewDecision> f : results) {
                assertThat(f.get(10, TimeUnit.SECONDS).allowed()).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(server.getRequestCount()).as("caching is off, so only coalescing saved the calls").isEqualTo(1);
        assertThat(r.apiCalls()).isEqualTo(1);
    }

    @Test
    void anApiErrorDeniesAsBackendUnavailableAndIsNotCached() {
        server.expect().post().withPath(PATH).andReturn(500, "{\"kind\":\"Status\",\"code\":500}").always();
        SubjectAccessReviewer r = reviewer(Duration.ofMinutes(1), Duration.ofMinutes(1), 100, Duration.ofSeconds(5));
        ReviewDecision d = r.review(ReviewSubject.of(alice()), LIST_NOTEBOOKS);
        assertThat(d.allowed()).isFalse();
        assertThat(d.unavailable()).isTrue();
        assertThat(d.reason()).startsWith("authorization backend unavailable");
        r.review(ReviewSubject.of(alice()), LIST_NOTEBOOKS);
        assertThat(server.getRequestCount()).as("two reviews, each retried once").isEqualTo(4);
    }

    @Test
    void aSlowApiServerDeniesAtTheTimeout() {
        server.expect().post().delay(3, TimeUnit.SECONDS).withPath(PATH).andReturn(201, answer(true, "")).always();
        SubjectAccessReviewer r = reviewer(Duration.ofMinutes(1), Duration.ofMinutes(1), 100, Duration.ofMillis(200));
        long start = System.nanoTime();
        ReviewDecision d = r.review(ReviewSubject.of(alice()), LIST_NOTEBOOKS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).startsWith("authorization backend unavailable").contains("timed out");
        assertThat(tookMs).isLessThan(2000);
    }

    /**
     * With the Kubernetes client's default retries (10, backing off to 51 s) a review begun while the API server
     * refused connections kept retrying after it returned, and the next Check for the same subject and resource joined
     * that call and was refused too. A review is now one attempt bounded by the timeout.
     */
    @Test
    void aReviewBegunDuringAnOutageDoesNotOutliveItsTimeout() throws InterruptedException {
        server.expect().post().withPath(PATH).andReturn(201, answer(true, "")).always();
        try (FaultProxy proxy = FaultProxy.toLoopback(server.getPort());
             KubernetesClient retrying = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                     .withMasterUrl("http://127.0.0.1:" + proxy.port()).withRequestRetryBackoffLimit(10).build()).build()) {
            SubjectAccessReviewer r = new SubjectAccessReviewer(retrying, new SubjectAccessReviewer.Settings(
                    Duration.ofMinutes(1), Duration.ofMinutes(1), 100, Duration.ofSeconds(2)), executor, clock::get);
            proxy.refuse();
            long start = System.nanoTime();
            ReviewDecision during = r.review(ReviewSubject.of(alice()), LIST_NOTEBOOKS);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(during.unavailable()).isTrue();
            TimeUnit.MILLISECONDS.sleep(4_000 - tookMs); // an outage of 4 s: retries would now be 3.2 s apart
            proxy.restore();
            ReviewDecision after = r.review(ReviewSubject.of(alice()), LIST_NOTEBOOKS);
            assertThat(after.allowed()).as("the first review after the API server returned: %s", after).isTrue();
            assertThat(tookMs).as("a refused connection is not retried until the timeout").isLessThan(1_500);
        }
    }
}
