package io.greenshank.bridge.tokenreview;

import com.nimbusds.jose.jwk.JWK;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What checking a token on its own (signature, issuer, type, times, claims) found, before any request's audiences. */
sealed interface Verification {

    /**
     * @param audiences the token's {@code aud}
     * @param codeGrant the token's {@code sid}, checked for revocation at every review, cached or not
     * @param expiresAt the token's {@code exp}: the verification holds until then
     * @param key       the published key the signature verified with: the verification holds while it is published
     */
    record Verified(ReviewedUser user, List<String> audiences, Optional<String> codeGrant, Instant expiresAt, JWK key)
            implements Verification {
        public Verified {
            Objects.requireNonNull(user, "user");
            audiences = List.copyOf(audiences);
            Objects.requireNonNull(codeGrant, "codeGrant");
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(key, "key");
        }
    }

    record Refused(Refusal reason) implements Verification {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
