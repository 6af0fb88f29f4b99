package io.greenshank.bridge.tokenreview;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Reads the body with Jackson's streaming parser: only the four fields, no tree or map of the whole document.
     * Strict JSON, one object, no duplicate keys; unknown fields are skipped.
     */
    public static ReviewRequest parse(byte[] body) throws Refused {
        Fields f;
        try (JsonParser p = JSON.createParser(body)) {
            f = p.nextToken() == JsonToken.START_OBJECT ? readTop(p) : null;
            if (f != null && p.nextToken() != null) {
                f = null;
            }
        } catch (IOException | RuntimeException e) {
            f = null;
        }
        if (f == null) {
            throw new Refused(Refusal.MALFORMED_REQUEST, V1);
        }
        String answerAs = V1BETA1.equals(f.apiVersion) ? V1BETA1 : V1;
        if (!(V1.equals(f.apiVersion) || V1BETA1.equals(f.apiVersion)) || !"TokenReview".equals(f.kind)) {
            throw new Refused(Refusal.WRONG_KIND, answerAs);
        }
        if (f.spec == Spec.MALFORMED) {
            throw new Refused(Refusal.MALFORMED_REQUEST, answerAs);
        }
        if (f.token == null || f.token.isEmpty()) {
            throw new Refused(Refusal.MISSING_TOKEN, answerAs);
        }
        return new ReviewRequest(answerAs, f.token, f.audiences);
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private enum Spec { ABSENT, READ, MALFORMED }

    /** What the body said; {@code apiVersion} and {@code kind} stay null unless they are strings. */
    private static final class Fields {
        String apiVersion;
        String kind;
        Spec spec = Spec.ABSENT;
        String token;
        List<String> audiences = List.of();
    }

    private static Fields readTop(JsonParser p) throws IOException {
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "apiVersion" -> f.apiVersion = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "kind" -> f.kind = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "spec" -> f.spec = value == JsonToken.START_OBJECT && readSpec(p, f) ? Spec.READ : Spec.MALFORMED;
                default -> { }
            }
            p.skipChildren();
        }
        return f;
    }

    /** False when {@code spec} is malformed: a token that is not a string, audiences not a list of strings. */
    private static boolean readSpec(JsonParser p, Fields f) throws IOException {
        boolean wellFormed = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("token".equals(name)) {
                if (value == JsonToken.VALUE_STRING) {
                    f.token = p.getText();
                } else if (value != JsonToken.VALUE_NULL) {
                    wellFormed = false;
                }
            } else if ("audiences".equals(name) && value == JsonToken.START_ARRAY) {
                List<String> audiences = new ArrayList<>();
                JsonToken a;
                while ((a = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (a == JsonToken.VALUE_STRING) {
                        audiences.add(p.getText());
                    } else {
                        wellFormed = false;
                        p.skipChildren();
                    }
                }
                f.audiences = audiences;
            } else if ("audiences".equals(name) && value != JsonToken.VALUE_NULL) {
                wellFormed = false;
            }
            p.skipChildren();
        }
        return wellFormed;
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "ReviewRequest[apiVersion=" + apiVersion + ", audiences=" + audiences + "]";
    }
}
