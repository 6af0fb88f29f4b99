package io.greenshank.bridge.tokenreview;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A TokenReview as the API server posts it: {@code apiVersion}, {@code kind}, {@code spec.token},
 * {@code spec.audiences}. Parsing never throws anything but {@link Refused}.
 *
 * @param apiVersion {@code authentication.k8s.io/v1} or {@code authentication.k8s.io/v1beta1}; the answer uses it
 */
public record ReviewRequest(String apiVersion, String token, List<String> audiences) {

    public static final String V1 = "authentication.k8s.io/v1";
    public static final String V1BETA1 = "authentication.k8s.io/v1beta1";

    public ReviewRequest {
        audiences = List.copyOf(audiences);
    }

    /** A request that cannot be reviewed; {@link #apiVersion} is the one to answer with. */
    public static final class Refused extends Exception {
        private final Refusal reason;
        private final String apiVersion;

        Refused(Refusal reason, String apiVersion) {
            super(reason.label(), null, false, false);
            this.reason = reason;
            this.apiVersion = apiVersion;
        }

        public Refusal reason() {
            return reason;
        }

        public String apiVersion() {
            return apiVersion;
        }
    }

    public static ReviewRequest parse(byte[] body) throws Refused {
        Map<String, Object> json;
        try {
            String text = new String(body, StandardCharsets.UTF_8).strip();
            // Nimbus's parser reads "[]" as an empty object: only an object is a TokenReview.
            json = text.startsWith("{") ? JSONObjectUtils.parse(text) : null;
        } catch (ParseException | RuntimeException e) {
            json = null;
        }
        if (json == null) {
            throw new Refused(Refusal.MALFORMED_REQUEST, V1);
        }
        Object version = json.get("apiVersion");
        String answerAs = V1BETA1.equals(version) ? V1BETA1 : V1;
        if (!(V1.equals(version) || V1BETA1.equals(version)) || !"TokenReview".equals(json.get("kind"))) {
            throw new Refused(Refusal.WRONG_KIND, answerAs);
        }
        if (!(json.get("spec") instanceof Map<?, ?> spec)) {
            throw new Refused(json.containsKey("spec") ? Refusal.MALFORMED_REQUEST : Refusal.MISSING_TOKEN, answerAs);
        }
        Object token = spec.get("token");
        if (token != null && !(token instanceof String)) {
            throw new Refused(Refusal.MALFORMED_REQUEST, answerAs);
        }
        if (token == null || ((String) token).isEmpty()) {
            throw new Refused(Refusal.MISSING_TOKEN, answerAs);
        }
        List<String> audiences = new ArrayList<>();
        Object auds = spec.get("audiences");
        if (auds instanceof List<?> list) {
            for (Object a : list) {
                if (!(a instanceof String s)) {
                    throw new Refused(Refusal.MALFORMED_REQUEST, answerAs);
                }
                audiences.add(s);
            }
        } else if (auds != null) {
            throw new Refused(Refusal.MALFORMED_REQUEST, answerAs);
        }
        return new ReviewRequest(answerAs, (String) token, audiences);
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "ReviewRequest[apiVersion=" + apiVersion + ", audiences=" + audiences + "]";
    }
}
