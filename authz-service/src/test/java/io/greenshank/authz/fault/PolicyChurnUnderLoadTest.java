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
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.greenshank.authz.fault.ApiServerOutageUnderLoadTest.config;
import static io.greenshank.authz.fault.JwksOutageUnderLoadTest.between;
import static io.greenshank.authz.fault.JwksOutageUnderLoadTest.ms;
import static io.greenshank.authz.fault.JwksOutageUnderLoadTest.rate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policies changed every 100 ms through the API stand-in's watch (as they reach the sidecar in a cluster) while Checks
 * run in a closed loop, alternating between the sets {@link PolicyChurn#A} and {@link PolicyChurn#B}; each change
 * writes the set's ALLOW and then its DENY. docs/authz-service.md promises that changes arriving within
 * {@code batch-delay} become one generation swapped in atomically: every decision must be A's or B's answer for its
 * request, as the product's engine gives it offline, never one that only a mix of the two sets would give. Shares the
 * API-outage test's profile, so the two run in one Quarkus start.
 */
@QuarkusTest
@TestProfile(ApiServerOutageProfile.class)
class PolicyChurnUnderLoadTest {

    static final long CHANGE_EVERY_MILLIS = 100;
    /** How long policies churn; {@code -Dfaults.churnMillis=600000} for 10 min. */
    static final long CHURN_MILLIS = Long.getLong("faults.churnMillis", 10_000);
    static final long FLOOR_MILLIS = 3_000;
    static final long SETTLE_MILLIS = 2_000;

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();
    final AtomicLong counter = new AtomicLong();

    /** One change of set: both objects written between {@code startNanos} and {@code doneNanos}. */
    record Write(PolicyChurn set, long startNanos, long doneNanos) {
    }

    @Test
    void every_decision_is_one_sets_answer_while_policies_change_every_100_ms() throws Exception {
        String token = token("alice@corp.test");
        try (KubernetesClient direct = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(config("test.apiserver.direct-url")).build()).build();
             CheckLoad load = new CheckLoad(base.getHost(), base.getPort(), "kubeflow-userid")) {
            FaultyApiServerResource.apply(direct, PolicyChurn.A.allowYaml());
            FaultyApiServerResource.apply(direct, PolicyChurn.A.denyYaml());
            load.start(4, lane -> {
                String probe = PolicyChurn.PROBES.get((int) (counter.incrementAndGet() % PolicyChurn.PROBES.size()));
                Sent sent = new Sent("probe", "alice@corp.test", probe);
                return Map.entry(sent, CheckLoad.request(probe, Map.of("authorization", "Bearer " + token)));
            });
            long applied = System.nanoTime();
            assertThat(load.awaitAnswer(a -> a.sentNanos() > applied && a.sent().path().equals("/churn/s") && a.allowed(),
                    30_000)).as("set A applied before the churn").isPresent();
            TimeUnit.MILLISECONDS.sleep(500);
            long floorFrom = System.nanoTime();
            TimeUnit.MILLISECONDS.sleep(FLOOR_MILLIS);
            long churnFrom = System.nanoTime();
            long generationBefore = generation();
            List<Write> writes = new ArrayList<>();
            PolicyChurn next = PolicyChurn.B;
            // a fixed delay, not a fixed rate: a writer catching up on a loaded machine would send sets back to back
            while (System.nanoTime() - churnFrom < TimeUnit.MILLISECONDS.toNanos(CHURN_MILLIS)) {
                TimeUnit.MILLISECONDS.sleep(CHANGE_EVERY_MILLIS);
                long start = System.nanoTime();
                apply(next);
                writes.add(new Write(next, start, System.nanoTime()));
                next = next.other();
            }
            long churnTo = System.nanoTime();
            long generationAfter = generation();
            TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
            List<Answer> answers = load.stop();
            report(answers, writes, floorFrom, churnFrom, churnTo, generationAfter - generationBefore);
            judge(answers, writes, floorFrom, churnFrom, generationAfter - generationBefore);
        }
    }

    void apply(PolicyChurn set) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(config("test.apiserver.direct-url")
                + "/control/apply/" + set)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("apply %s: %s", set, r.body()).isEqualTo(200);
    }

    static String actual(Answer a) {
        return a.allowed() ? "allow" : a.reason();
    }

    /** The set an answer shows, when its probe tells the two apart and the answer is one of theirs. */
    static Optional<PolicyChurn> shows(Answer a) {
        String p = a.sent().path();
        if (PolicyChurn.A.answer(p).equals(PolicyChurn.B.answer(p))) {
            return Optional.empty();
        }
        return PolicyChurn.A.answer(p).equals(actual(a)) ? Optional.of(PolicyChurn.A)
                : PolicyChurn.B.answer(p).equals(actual(a)) ? Optional.of(PolicyChurn.B) : Optional.empty();
    }

    void judge(List<Answer> answers, List<Write> writes, long floorFrom, long churnFrom, long generations) {
        assertThat(PolicyChurn.PROBES.stream().filter(p -> !PolicyChurn.A.answer(p).equals(PolicyChurn.B.answer(p))))
                .as("probes that tell the sets apart").hasSizeGreaterThanOrEqualTo(2);
        // from the moment set A was seen applied: before it, the namespace had no policy and everything was allowed
        List<Answer> mixed = between(answers, floorFrom, Long.MAX_VALUE).stream()
                .filter(a -> !actual(a).equals(PolicyChurn.A.answer(a.sent().path()))
                && !actual(a).equals(PolicyChurn.B.answer(a.sent().path()))).toList();
        assertThat(mixed).as("decisions neither set gives (a half-applied set), of %d", answers.size()).isEmpty();
        assertThat(between(answers, floorFrom, churnFrom)).as("before the churn: set A")
                .isNotEmpty().allSatisfy(a -> assertThat(actual(a)).isEqualTo(PolicyChurn.A.answer(a.sent().path())));
        Write last = writes.get(writes.size() - 1);
        assertThat(between(answers, last.doneNanos() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS / 2), Long.MAX_VALUE))
                .as("after the churn: the last set written, %s", last.set()).isNotEmpty()
                .allSatisfy(a -> assertThat(actual(a)).isEqualTo(last.set().answer(a.sent().path())));
        assertThat(generations).as("generations applied during %d set changes", writes.size())
                .isGreaterThanOrEqualTo(writes.size() / 10);
    }

    /**
     * Staleness: an answer showing the set that a completed write had already replaced was served that long after
     * the write; the worst over the run is printed with the time from each write to the first decision under it.
     */
    static void report(List<Answer> answers, List<Write> writes, long floorFrom, long churnFrom, long churnTo,
                       long generations) {
        long worstStale = 0;
        for (Answer a : between(answers, churnFrom, Long.MAX_VALUE)) {
            Optional<PolicyChurn> set = shows(a);
            Write latest = null;
            for (Write w : writes) {
                if (w.doneNanos() < a.sentNanos()) {
                    latest = w;
                }
            }
            if (set.isPresent() && latest != null && latest.set() != set.get()) {
                worstStale = Math.max(worstStale, a.answeredNanos() - latest.doneNanos());
            }
        }
        long worstFirst = 0;
        int observed = 0;
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            long until = i + 1 < writes.size() ? writes.get(i + 1).startNanos() : Long.MAX_VALUE;
            Optional<Answer> first = answers.stream().filter(a -> a.sentNanos() >= w.doneNanos()
                    && a.answeredNanos() < until && shows(a).equals(Optional.of(w.set()))).findFirst();
            if (first.isPresent()) {
                observed++;
                worstFirst = Math.max(worstFirst, first.get().answeredNanos() - w.startNanos());
            }
        }
        double floor = rate(between(answers, floorFrom, churnFrom), floorFrom, churnFrom);
        double held = rate(between(answers, churnFrom, churnTo), churnFrom, churnTo);
        double seconds = (churnTo - churnFrom) / 1e9;
        System.out.printf("%nRELIABILITY policy-churn: decisions/s %.0f without churn, %.0f while policies changed"
                        + " (ratio %.2f); set changes/s %.1f (%d), generations applied/s %.1f (%d); worst staleness %d ms"
                        + " (a decision under a set already replaced, after the replacing write completed); write to first"
                        + " decision under it: worst %d ms, %d of %d writes seen before the next; answers %d; load average %s%n",
                floor, held, held / Math.max(1, floor), writes.size() / seconds, writes.size(), generations / seconds,
                generations, ms(worstStale), ms(worstFirst), observed, writes.size(), answers.size(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    long generation() throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("greenshank_policy_generation"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no greenshank_policy_generation in /q/metrics"));
    }

    String token(String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "dev/token?user=" + user))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("dev token").isEqualTo(200);
        return r.body().trim();
    }
}
