package io.greenshank.authz.check;

import io.greenshank.authz.credential.CredentialExtractor;
import io.greenshank.authz.decision.AuthorizationResult;
import io.greenshank.authz.decision.Authorizer;
import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision;
import io.greenshank.authz.decision.DecisionEngine;
import io.greenshank.authz.decision.DenyPolicy;
import io.greenshank.authz.decision.RequestLimits;
import io.greenshank.authz.jwt.TokenAuthenticator;
import io.greenshank.authz.jwt.VerifiedTokenCache;
import io.greenshank.authz.observe.DecisionLog;
import io.greenshank.authz.observe.DecisionMetrics;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.jwt.JwtVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CheckDispatcherTest {

    static DecisionEngine engine(Authorizer a) {
        return new DecisionEngine(new CredentialExtractor(Optional.empty(), List.of()),
                new TokenAuthenticator(JwtVerifier.builder().build(), new VerifiedTokenCache(10, Duration.ofMinutes(1), Clock.systemUTC()), h -> { }),
                a, IdentityHeaders.KUBEFLOW_DEFAULT, List.of(), new DenyPolicy(Optional.empty(), "rd", 503, "g"),
                new RequestLimits(65536, 200), false);
    }

    static final CheckAttributes REQ = new CheckAttributes("grpc", "GET", "https", "h", "/x", "", Map.of(), null, null, "", null);

    @Test
    void a_decision_that_overruns_the_timeout_is_denied_with_the_error_status() throws Exception {
        Authorizer slow = new Authorizer() {
            @Override
            public AuthorizationResult authorize(CheckAttributes request, Optional<Identity> identity) {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return AuthorizationResult.allow("late", "p");
            }

            @Override
            public boolean mayBlock() {
                return true;
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CheckDispatcher d = new CheckDispatcher(engine(slow), Executors.newCachedThreadPool(), Duration.ofMillis(200),
                new DecisionMetrics(registry), new DecisionLog(false));
        long t0 = System.nanoTime();
        Decision decision = d.check(REQ).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.status()).isEqualTo(503);
        assertThat(decision.reason()).isEqualTo("decision_timeout");
        assertThat(registry.get("greenshank.authz.decisions").tag("reason", "decision_timeout").counter().count()).isEqualTo(1.0);
    }

    @Test
    void a_rejected_worker_submission_is_a_deny() throws Exception {
        Authorizer blocking = new Authorizer() {
            @Override
            public AuthorizationResult authorize(CheckAttributes request, Optional<Identity> identity) {
                return AuthorizationResult.allow("ok", "p");
            }

            @Override
            public boolean mayBlock() {
                return true;
            }
        };
        var pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        CheckDispatcher d = new CheckDispatcher(engine(blocking), pool, Duration.ofSeconds(1),
                new DecisionMetrics(new SimpleMeterRegistry()), new DecisionLog(false));
        Decision decision = d.check(REQ).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo("overloaded");
    }
}
