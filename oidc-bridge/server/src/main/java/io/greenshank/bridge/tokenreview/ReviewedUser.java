package io.greenshank.bridge.tokenreview;

import java.util.List;
import java.util.Map;

/** {@code status.user} of a TokenReview: the Kubernetes user a token stands for. */
public record ReviewedUser(String username, String uid, List<String> groups, Map<String, List<String>> extra) {

    public ReviewedUser {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }
}
