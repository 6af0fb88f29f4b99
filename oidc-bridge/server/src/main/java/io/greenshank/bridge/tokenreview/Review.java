package io.greenshank.bridge.tokenreview;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the webhook answers for one token: a user, or why not. */
public sealed interface Review {

    /**
     * @param audiences {@code status.audiences}: the requested audiences the token was issued for; empty means
     *                  "valid for the API server itself" (the token carries one of the configured cluster audiences)
     * @param codeGrant {@code sid}: the authorization-code grant the token was issued from, which a reuse of that code
     *                  revokes; checked against the session store before the answer is sent
     */
    record Authenticated(ReviewedUser user, List<String> audiences, Optional<String> codeGrant) implements Review {
        public Authenticated {
            Objects.requireNonNull(user, "user");
            audiences = List.copyOf(audiences);
            Objects.requireNonNull(codeGrant, "codeGrant");
        }

        public Authenticated(ReviewedUser user, List<String> audiences) {
            this(user, audiences, Optional.empty());
        }
    }

    record Refused(Refusal reason) implements Review {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
