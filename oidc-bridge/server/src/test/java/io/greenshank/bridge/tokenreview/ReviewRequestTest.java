package io.greenshank.bridge.tokenreview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The streaming parse of a TokenReview body: the fields it reads, and every shape it refuses and why. */
class ReviewRequestTest {

    static ReviewRequest parse(String body) throws ReviewRequest.Refused {
        return ReviewRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    static Refusal refusal(String body) {
        try {
            parse(body);
        } catch (ReviewRequest.Refused e) {
            return e.reason();
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void readsTheFourFieldsInAnyOrderAndSkipsTheRest() throws Exception {
        ReviewRequest r = parse("{\"spec\":{\"audiences\":[\"https://kubernetes.default.svc\",\"kubectl\"],"
                + "\"token\":\"a.b.c\",\"extra\":{\"x\":[1,{\"y\":null}]}},\"status\":{},"
                + "\"kind\":\"TokenReview\",\"metadata\":{\"creationTimestamp\":null},"
                + "\"apiVersion\":\"authentication.k8s.io/v1beta1\"}");
        assertThat(r.apiVersion()).isEqualTo(ReviewRequest.V1BETA1);
        assertThat(r.token()).isEqualTo("a.b.c");
        assertThat(r.audiences()).containsExactly("https://kubernetes.default.svc", "kubectl");
        assertThat(parse("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
                + "\"spec\":{\"token\":\"t\",\"audiences\":null}}").audiences()).isEmpty();
    }

    @Test
    void refusesWhatIsNotOneStrictJsonObject() {
        for (String body : List.of("", "[]", "{not json", "{\"apiVersion\":\"authentication.k8s.io/v1\"} {}",
                "{'apiVersion':'authentication.k8s.io/v1','kind':'TokenReview','spec':{'token':'t'}}",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"t\"},"
                        + "\"spec\":{\"token\":\"u\"}}")) {
            assertThat(refusal(body)).as(body).isEqualTo(Refusal.MALFORMED_REQUEST);
        }
    }

    @Test
    void kindAndVersionComeBeforeTheSpec() {
        assertThat(refusal("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SubjectAccessReview\","
                + "\"spec\":42}")).isEqualTo(Refusal.WRONG_KIND);
        assertThat(refusal("{\"apiVersion\":1,\"kind\":\"TokenReview\"}")).isEqualTo(Refusal.WRONG_KIND);
        assertThatThrownBy(() -> parse("{\"apiVersion\":\"authentication.k8s.io/v1beta1\",\"kind\":\"Other\"}"))
                .isInstanceOfSatisfying(ReviewRequest.Refused.class, e -> {
                    assertThat(e.reason()).isEqualTo(Refusal.WRONG_KIND);
                    assertThat(e.apiVersion()).as("answered in the version asked").isEqualTo(ReviewRequest.V1BETA1);
                });
    }

    @Test
    void aMissingTokenAndAMalformedSpecAreToldApart() {
        String head = "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\"";
        assertThat(refusal(head + "}")).isEqualTo(Refusal.MISSING_TOKEN);
        assertThat(refusal(head + ",\"spec\":{}}")).isEqualTo(Refusal.MISSING_TOKEN);
        assertThat(refusal(head + ",\"spec\":{\"token\":null}}")).isEqualTo(Refusal.MISSING_TOKEN);
        assertThat(refusal(head + ",\"spec\":{\"token\":\"\"}}")).isEqualTo(Refusal.MISSING_TOKEN);
        assertThat(refusal(head + ",\"spec\":null}")).isEqualTo(Refusal.MALFORMED_REQUEST);
        assertThat(refusal(head + ",\"spec\":{\"token\":42}}")).isEqualTo(Refusal.MALFORMED_REQUEST);
        assertThat(refusal(head + ",\"spec\":{\"token\":\"t\",\"audiences\":\"kubectl\"}}"))
                .isEqualTo(Refusal.MALFORMED_REQUEST);
        assertThat(refusal(head + ",\"spec\":{\"token\":\"t\",\"audiences\":[\"kubectl\",7]}}"))
                .isEqualTo(Refusal.MALFORMED_REQUEST);
    }

    @Test
    void neverShowsTheToken() throws Exception {
        assertThat(parse("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
                + "\"spec\":{\"token\":\"secret-token\"}}").toString()).doesNotContain("secret-token");
        assertThatThrownBy(() -> parse("{")).isInstanceOf(ReviewRequest.Refused.class);
    }
}
