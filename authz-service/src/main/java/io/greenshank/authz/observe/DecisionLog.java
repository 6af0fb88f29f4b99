package io.greenshank.authz.observe;

import io.greenshank.authz.decision.CheckAttributes;
import io.greenshank.authz.decision.Decision;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * One JSON line per Check on the {@code greenshank.decision} logger: who, what, verdict, why, how long. Never a token,
 * a cookie or a query string (which may carry {@code access_token}). A refusal also says which kind it is
 * ({@code "denial"}: {@code credential_required}, {@code credential_invalid}, {@code policy}, {@code bad_request},
 * {@code error}; see {@link Decision.Denial}); an allow has no {@code denial} field.
 */
public final class DecisionLog {

    private static final Logger LOG = Logger.getLogger("greenshank.decision");

    private final boolean enabled;

    public DecisionLog(boolean enabled) {
        this.enabled = enabled;
    }

    public void log(CheckAttributes r, Decision d, long nanos) {
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder b = new StringBuilder(256);
        b.append("{\"ts\":\"").append(Instant.now()).append('"');
        field(b, "protocol", r.protocol());
        field(b, "decision", d.outcome().tag());
        b.append(",\"status\":").append(d.status());
        if (d.denial() != Decision.Denial.NONE) {
            field(b, "denial", d.denial().tag());
        }
        field(b, "reason", d.reason());
        field(b, "policy", d.policy());
        field(b, "user", d.identity().map(i -> i.user()).orElse(""));
        field(b, "method", r.method());
        field(b, "host", r.host());
        field(b, "path", truncate(r.path()));
        field(b, "source", r.source().principal().isEmpty() ? r.source().address() : r.source().principal());
        String requestId = r.header("x-request-id");
        if (requestId != null) {
            field(b, "request_id", truncate(requestId));
        }
        b.append(",\"latency_us\":").append(nanos / 1000).append('}');
        LOG.info(b.toString());
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append(",\"").append(name).append("\":");
        Json.quote(b, value);
    }

    private static String truncate(String s) {
        return s.length() <= 512 ? s : s.substring(0, 512) + "...";
    }
}
