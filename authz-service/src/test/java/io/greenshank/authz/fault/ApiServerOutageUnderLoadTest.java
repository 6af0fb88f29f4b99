package io.greenshank.authz.fault;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.greenshank.authz.fault.CheckLoad.Answer;
import io.greenshank.authz.fault.CheckLoad.Sent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.greenshank.authz.fault.ApiServerOutageProfile.ALLOW_TTL_MILLIS;
import static io.greenshank.authz.fault.ApiServerOutageProfile.DENY_TTL_MILLIS;
import static io.greenshank.authz.fault.ApiServerOutageProfile.SAR_TIMEOUT_MILLIS;
import static io.greenshank.authz.fault.JwksOutageUnderLoadTest.between;
import static io.greenshank.authz.fault.JwksOutageUnderLoadTest.ms;
import static io.greenshank.authz.fault.JwksOutageUnderLoadTest.rate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes API server made unreachable (refused, then black-holed) under sustained Check load that mixes routes
 * needing a SubjectAccessReview (answers in the review cache, and reviews never made before) with plain decisions
 * from the watched AuthorizationPolicies. What docs/authz-service.md promises: a review the API server cannot answer
 * within {@code sar.timeout} is a deny with {@code authorization_backend_unavailable}; cached answers live for
 * {@code sar.allow-ttl} / {@code sar.deny-ttl} and no longer; policies keep the last generation the informers built,
 * and a change made while the API server was away takes effect when the watch resumes, without a restart. Figures are
 * printed as {@code RELIABILITY ...} lines for docs/benchmarks.md.
 */
@QuarkusTest
@TestProfile(ApiServerOutageProfile.class)
class ApiServerOutageUnderLoadTest {

    static final String ALICE = ApiServerStandIn.RBAC_ALLOWED_USER;
    static final String MALLORY = "mallory@corp.test";
    /** How long the API server stays unreachable; {@code -Dfaults.apiOutageMillis=600000} for 10 min. */
    static final long OUTAGE_MILLIS = Long.getLong("faults.apiOutageMillis", ALLOW_TTL_MILLIS + 3_000);
    static final long SLACK_MILLIS = 150;
    /** Measured at the client: gRPC and scheduling on a shared 2-vCPU machine come on top of the server's bound. */
    static final long CLIENT_SLACK_MILLIS = 1_500;
    static final long RECOVERY_LIMIT_MILLIS = 40_000;

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();
    final AtomicLong counter = new AtomicLong();
    KubernetesClient direct;

    @AfterEach
    void putThePolicyBack() {
        if (direct != null) {
            FaultyApiServerResource.apply(direct, ApiServerOutageProfile.policy(false));
            direct.close();
        }
    }

    @Test
    void refused_api_server() throws Exception {
        outage("refuse");
    }

    @Test
    void black_holed_api_server() throws Exception {
        outage("black-hole");
    }

    /** What the configuration gives {@code sent} when the API server answers, with the policy flipped or not. */
    static Expected expected(Sent sent, boolean flipped) {
        if (sent.label().startsWith("sar")) {
            return sent.expectedUser().equals(ALICE) ? Expected.allow("rbac_allowed") : Expected.deny(403, "rbac_denied");
        }
        if (sent.path().startsWith("/app/open/") || (flipped && sent.path().startsWith("/app/flip/"))) {
            return Expected.allow("policy_allowed");
        }
        return Expected.deny(403, "policy_no_match");
    }

    record Expected(boolean allowed, int status, String reason) {
        static Expected allow(String reason) {
            return new Expected(true, 200, reason);
        }

        static Expected deny(int status, String reason) {
            return new Expected(false, status, reason);
        }

        boolean matches(Answer a) {
            return a.allowed() == allowed && a.status() == status && (allowed || a.reason().equals(reason));
        }
    }

    void outage(String fault) throws Exception {
        direct = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(config("test.apiserver.direct-url")).build()).build();
        Map<String, String> tokens = Map.of(ALICE, token(ALICE), MALLORY, token(MALLORY));
        String[] policyPaths = {"/app/open/x", "/app/closed/x", "/app/flip/x"};
        try (CheckLoad load = new CheckLoad(base.getHost(), base.getPort(), "kubeflow-userid")) {
            load.start(4, lane -> {
                long n = counter.incrementAndGet();
                String user = n % 2 == 0 ? ALICE : MALLORY;
                Sent sent = switch (lane) {
                    case 0 -> new Sent("sar-cached", user, "/api/namespaces/team/notebooks/nb-" + (n / 2) % 4);
                    case 1 -> new Sent("sar-fresh", user, "/api/namespaces/team/notebooks/fresh-" + n);
                    default -> new Sent("policy", user, policyPaths[(int) (n % policyPaths.length)]);
                };
                return Map.entry(sent, CheckLoad.request(sent.path(),
                        Map.of("authorization", "Bearer " + tokens.get(user))));
            });
            load.awaitAllowed(40, 60_000);
            long started = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(1_500);
            long faultRequested = System.nanoTime();
            control(fault);
            long faultAt = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(1_000);
            FaultyApiServerResource.apply(direct, ApiServerOutageProfile.policy(true));
            long flippedAt = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(ALLOW_TTL_MILLIS);
            int readyDuring = readiness();
            TimeUnit.MILLISECONDS.sleep(Math.max(0, OUTAGE_MILLIS - ALLOW_TTL_MILLIS - 1_000));
            int reviewThreads = threadsNamed("greenshank-sar");
            long restoredAt = System.nanoTime();
            control("restore");
            Optional<Answer> flipSeen = load.awaitAnswer(a -> a.sent().path().startsWith("/app/flip/") && a.allowed(),
                    RECOVERY_LIMIT_MILLIS);
            Optional<Answer> sarBack = load.awaitAnswer(a -> a.sent().label().equals("sar-fresh") && a.allowed()
                    && a.sentNanos() > restoredAt, RECOVERY_LIMIT_MILLIS);
            TimeUnit.MILLISECONDS.sleep(2_000);
            int readyAfter = readiness();
            List<Answer> answers = load.stop();
            Timeline t = new Timeline(started, faultRequested, faultAt, flippedAt, restoredAt,
                    flipSeen.map(Answer::answeredNanos).orElse(-1L), sarBack.map(Answer::answeredNanos).orElse(-1L));
            report(fault, answers, t, readyDuring, readyAfter, reviewThreads);
            judge(answers, t, readyDuring, readyAfter);
        }
    }

    record Timeline(long started, long faultRequested, long faultAt, long flippedAt, long restoredAt, long flipSeen,
                    long sarBack) {
        long recovered() {
            return Math.max(flipSeen, sarBack);
        }
    }

    void judge(List<Answer> answers, Timeline t, int readyDuring, int readyAfter) {
        assertThat(answers).as("answers under load").hasSizeGreaterThan(40);
        long cachedAllowUntil = t.faultAt() + TimeUnit.MILLISECONDS.toNanos(ALLOW_TTL_MILLIS + SLACK_MILLIS);
        long cachedDenyUntil = t.faultAt() + TimeUnit.MILLISECONDS.toNanos(DENY_TTL_MILLIS + SLACK_MILLIS);
        for (Answer a : answers) {
            // never an allow the configuration would not give, at any moment
            if (a.allowed()) {
                boolean flipped = a.answeredNanos() > t.restoredAt();
                assertThat(expected(a.sent(), flipped).allowed())
                        .as("%s %s for %s allowed %d ms after the fault", a.sent().label(), a.sent().path(),
                                a.sent().expectedUser(), ms(a.sentNanos() - t.faultAt())).isTrue();
                assertThat(a.user()).as("user of an allowed Check").contains(a.sent().expectedUser());
                if (a.sent().label().equals("sar-fresh")) {
                    assertThat(a.sentNanos() < t.faultAt() || a.answeredNanos() > t.restoredAt())
                            .as("a review never made before allowed while the API server was away").isTrue();
                }
                if (a.sent().label().equals("sar-cached")) {
                    assertThat(a.sentNanos() < cachedAllowUntil || a.answeredNanos() > t.restoredAt())
                            .as("a cached allow used %d ms after the fault, allow-ttl %d ms",
                                    ms(a.sentNanos() - t.faultAt()), ALLOW_TTL_MILLIS).isTrue();
                }
            }
        }
        assertThat(between(answers, t.started(), t.faultRequested()).stream()
                .filter(a -> a.answeredNanos() < t.faultRequested()))
                .as("before the fault every answer is the configuration's")
                .allSatisfy(a -> assertThat(expected(a.sent(), false).matches(a)).as("%s", a).isTrue());

        List<Answer> during = between(answers, t.faultAt(), t.restoredAt()).stream()
                .filter(a -> a.answeredNanos() < t.restoredAt()).toList();
        // policy decisions keep the last generation the informers built: the change is not seen while away
        assertThat(during.stream().filter(a -> a.sent().label().equals("policy")))
                .as("policy decisions during the outage use the last synced set").isNotEmpty()
                .allSatisfy(a -> assertThat(expected(a.sent(), false).matches(a)).as("%s", a).isTrue());
        // reviews fail closed with the documented reason once nothing cached applies, within sar.timeout
        List<Answer> reviews = during.stream().filter(a -> a.sent().label().startsWith("sar")).toList();
        assertThat(reviews.stream().filter(a -> a.sent().label().equals("sar-fresh") && a.sentNanos() > t.faultAt()
                        + TimeUnit.MILLISECONDS.toNanos(SLACK_MILLIS)))
                .as("reviews never made before, during the outage").isNotEmpty()
                .allSatisfy(ApiServerOutageUnderLoadTest::backendUnavailable);
        assertThat(reviews.stream().filter(a -> a.sentNanos() > Math.max(cachedAllowUntil, cachedDenyUntil)))
                .as("every review once the cached answers expired").isNotEmpty()
                .allSatisfy(ApiServerOutageUnderLoadTest::backendUnavailable);
        assertThat(during.stream().mapToLong(Answer::latencyMillis).max().orElseThrow())
                .as("slowest answer during the outage (ms)").isLessThanOrEqualTo(SAR_TIMEOUT_MILLIS + CLIENT_SLACK_MILLIS);

        // recovered without a restart: the change made while away took effect, reviews succeed again
        assertThat(t.flipSeen()).as("the policy changed during the outage took effect within %d ms of the return",
                RECOVERY_LIMIT_MILLIS).isPositive();
        assertThat(t.sarBack()).as("a new review allowed within %d ms of the return", RECOVERY_LIMIT_MILLIS).isPositive();
        assertThat(between(answers, t.recovered() + TimeUnit.MILLISECONDS.toNanos(300), Long.MAX_VALUE))
                .as("after recovery every answer is the changed configuration's").isNotEmpty()
                .allSatisfy(a -> assertThat(expected(a.sent(), true).matches(a)).as("%s", a).isTrue());
        assertThat(readyDuring).as("readiness while the API server is away (the last list stays in force)").isEqualTo(200);
        assertThat(readyAfter).as("readiness after the return").isEqualTo(200);
    }

    static void backendUnavailable(Answer a) {
        assertThat(a.allowed()).as("%s", a).isFalse();
        assertThat(a.status()).as("%s", a).isEqualTo(403);
        assertThat(a.reason()).as("%s", a).isEqualTo("authorization_backend_unavailable");
    }

    /** The figures, printed before any assertion so that a failing run still shows them. */
    static void report(String fault, List<Answer> answers, Timeline t, int readyDuring, int readyAfter, int reviewThreads) {
        List<Answer> during = between(answers, t.faultAt(), t.restoredAt());
        long failClosed = during.stream().filter(a -> a.reason().equals("authorization_backend_unavailable"))
                .mapToLong(Answer::answeredNanos).min().orElse(-1);
        long end = answers.stream().mapToLong(Answer::answeredNanos).max().orElse(t.restoredAt());
        System.out.printf("%nRELIABILITY apiserver %s: fail-closed %d ms after the fault (sar.timeout %d ms), slowest"
                        + " answer during the fault %d ms (policy %d ms, review %d ms); recovered after restore: reviews"
                        + " %d ms, watch (change made during the outage applied) %d ms; decisions/s before %.0f, during"
                        + " %.0f, after %.0f; readiness during %d, after %d; greenshank-sar threads at the end of the"
                        + " outage %d; answers %d; load average %s%n", fault,
                failClosed < 0 ? -1 : ms(failClosed - t.faultRequested()), SAR_TIMEOUT_MILLIS,
                during.stream().mapToLong(Answer::latencyMillis).max().orElse(-1),
                during.stream().filter(a -> a.sent().label().equals("policy")).mapToLong(Answer::latencyMillis).max().orElse(-1),
                during.stream().filter(a -> a.sent().label().startsWith("sar")).mapToLong(Answer::latencyMillis).max().orElse(-1),
                t.sarBack() < 0 ? -1 : ms(t.sarBack() - t.restoredAt()),
                t.flipSeen() < 0 ? -1 : ms(t.flipSeen() - t.restoredAt()),
                rate(between(answers, t.started(), t.faultRequested()), t.started(), t.faultRequested()),
                rate(during, t.faultAt(), t.restoredAt()),
                t.recovered() < 0 ? 0 : rate(between(answers, t.recovered(), end), t.recovered(), end),
                readyDuring, readyAfter, reviewThreads, answers.size(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    static int threadsNamed(String prefix) {
        return (int) Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                .filter(i -> i.getThreadName().startsWith(prefix)).count();
    }

    int readiness() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    String token(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token?user=" + user + "&groups=ml"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("dev token").isEqualTo(200);
        return r.body().trim();
    }

    void control(String action) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(config("test.apiserver.direct-url")
                + "/control/" + action)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("API server control " + action).isEqualTo(200);
    }

    static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }
}
