package io.greenshank.bridge.tokenreview;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TokenReview the webhook answers, in the request's apiVersion, with only {@code status} filled in: the API
 * server reads nothing else (webhook.go, {@code tokenReviewV1Client.Create} decodes the body into a TokenReview and
 * {@code AuthenticateToken} uses {@code result.Status}).
 */
final class ReviewResponse {

    private ReviewResponse() {
    }

    static String json(String apiVersion, Review review) {
        Map<String, Object> status = new LinkedHashMap<>();
        if (review instanceof Review.Authenticated a) {
            status.put("authenticated", true);
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("username", a.user().username());
            user.put("uid", a.user().uid());
            user.put("groups", a.user().groups());
            if (!a.user().extra().isEmpty()) {
                user.put("extra", a.user().extra());
            }
            status.put("user", user);
            if (!a.audiences().isEmpty()) {
                status.put("audiences", a.audiences());
            }
        } else {
            status.put("authenticated", false);
            status.put("error", ((Review.Refused) review).reason().error());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", apiVersion);
        body.put("kind", "TokenReview");
        body.put("status", status);
        return JSONObjectUtils.toJSONString(body);
    }
}
