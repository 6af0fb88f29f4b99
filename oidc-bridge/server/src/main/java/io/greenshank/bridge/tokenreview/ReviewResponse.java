package io.greenshank.bridge.tokenreview;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The TokenReview the webhook answers, in the request's apiVersion, with only {@code status} filled in: the API
 * server reads nothing else (webhook.go, {@code tokenReviewV1Client.Create} decodes the body into a TokenReview and
 * {@code AuthenticateToken} uses {@code result.Status}). Written field by field with Jackson's generator: no map of
 * the answer is built.
 */
final class ReviewResponse {

    private static final JsonFactory JSON = new JsonFactory();

    private ReviewResponse() {
    }

    static Buffer buffer(String apiVersion, Review review) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", apiVersion);
            g.writeStringField("kind", "TokenReview");
            g.writeObjectFieldStart("status");
            if (review instanceof Review.Authenticated a) {
                g.writeBooleanField("authenticated", true);
                g.writeObjectFieldStart("user");
                g.writeStringField("username", a.user().username());
                g.writeStringField("uid", a.user().uid());
                g.writeFieldName("groups");
                strings(g, a.user().groups());
                if (!a.user().extra().isEmpty()) {
                    g.writeObjectFieldStart("extra");
                    for (Map.Entry<String, List<String>> e : a.user().extra().entrySet()) {
                        g.writeFieldName(e.getKey());
                        strings(g, e.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
                if (!a.audiences().isEmpty()) {
                    g.writeFieldName("audiences");
                    strings(g, a.audiences());
                }
            } else {
                g.writeBooleanField("authenticated", false);
                g.writeStringField("error", ((Review.Refused) review).reason().error());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static void strings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
