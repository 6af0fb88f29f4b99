package io.greenshank.bridge.tokenreview;

import java.util.List;
import java.util.Objects;

/** What the webhook answers for one token: a user, or why not. */
public sealed interface Review {

    /**
     * @param audiences {@code status.audiences}: the requested audiences the token was issued for; empty means
     *                  "valid for the API server itself" (the token carries one of the configured cluster audiences)
     */
    record Authenticated(ReviewedUser user, List<String> audiences) implements Review {
        public Authenticated {
            Objects.requireNonNull(user, "user");
            audiences = List.copyOf(audiences);
        }
    }

    record Refused(Refusal reason) implements Review {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
