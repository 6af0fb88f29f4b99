package io.greenshank.authz.check;

import io.greenshank.authz.credential.CredentialExtractor;
import io.greenshank.authz.decision.AuthenticatedOrPublicAuthorizer;
import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision;
import io.greenshank.authz.decision.DecisionEngine;
import io.greenshank.authz.decision.DenyPolicy;
import io.greenshank.authz.decision.PublicPaths;
import io.greenshank.authz.decision.RequestLimits;
import io.greenshank.authz.jwt.TokenAuthenticator;
import io.greenshank.authz.jwt.VerifiedTokenCache;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.jwt.JwtVerifier;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision core the Check fuzz targets drive (anonymous callers; {@code /public/*} and {@code /healthz} public),
 * and the oracle for "a fuzzed request is never allowed unless an equivalent well-formed one is": an allowed request
 * has a token method and a path that, resolved the way a lenient upstream would (every escape decoded once,
 * {@code \} as {@code /}, dot segments removed, slashes merged), is still public.
 */
final class FuzzedChecks {

    static final DecisionEngine ENGINE = new DecisionEngine(new CredentialExtractor(Optional.empty(), List.of()),
            new TokenAuthenticator(JwtVerifier.builder().build(),
                    new VerifiedTokenCache(10, Duration.ofMinutes(1), Clock.systemUTC()), h -> { }),
            new AuthenticatedOrPublicAuthorizer(new PublicPaths(List.of("/public/*", "/healthz"))),
            IdentityHeaders.KUBEFLOW_DEFAULT, List.of(), new DenyPolicy(Optional.empty(), "rd", 503, "greenshank"),
            new RequestLimits(8192, 50), false);

    private FuzzedChecks() {
    }

    /** Decides and checks the oracle; any exception escaping the engine fails the target. */
    static Decision decideAndCheck(CheckAttributes request) {
        Decision d = ENGINE.decide(request);
        assertThat(d).isNotNull();
        if (d.allowed()) {
            assertThat(request.method()).as("method of an allowed request").matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            String resolved = resolvedAsUpstream(request.path());
            assertThat(resolved.equals("/healthz") || resolved.startsWith("/public/"))
                    .as("allowed path %s resolves to %s", request.path(), resolved).isTrue();
        }
        return d;
    }

    /** The path as the most lenient upstream would serve it; independent of the product's normalizer. */
    static String resolvedAsUpstream(String path) {
        byte[] raw = path.getBytes(StandardCharsets.UTF_8);
        StringBuilder decoded = new StringBuilder();
        for (int i = 0; i < raw.length; i++) {
            int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
            int lo = i + 2 < raw.length ? Character.digit(raw[i + 2], 16) : -1;
            if (raw[i] == '%' && hi >= 0 && lo >= 0) {
                decoded.append((char) (hi * 16 + lo));
                i += 2;
            } else {
                decoded.append((char) (raw[i] & 0xff));
            }
        }
        Deque<String> out = new ArrayDeque<>();
        for (String segment : decoded.toString().replace('\\', '/').split("/+", -1)) {
            if (segment.equals("..")) {
                out.pollLast();
            } else if (!segment.equals(".") && !segment.isEmpty()) {
                out.addLast(segment);
            }
        }
        String slashed = decoded.toString().replace('\\', '/');
        // RFC 3986 section 5.2.4: a final "." or ".." segment leaves the path ending in "/"
        boolean trailing = slashed.endsWith("/") || slashed.endsWith("/.") || slashed.endsWith("/..");
        return "/" + String.join("/", out) + (trailing && !out.isEmpty() ? "/" : "");
    }
}
