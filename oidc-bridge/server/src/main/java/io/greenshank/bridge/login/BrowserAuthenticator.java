package io.greenshank.bridge.login;

import io.greenshank.bridge.token.AuthenticatedUser;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A way to authenticate a browser at the authorization endpoint without the login form (e.g. SPNEGO).
 * Implementations are CDI beans; the authorization endpoint asks each in turn before it shows the form.
 */
public interface BrowserAuthenticator {

    /**
     * @param headers       request headers, names lower-cased; never logged
     * @param clientAddress the browser's IP address
     */
    Outcome attempt(Map<String, List<String>> headers, String clientAddress);

    /** What an attempt found. */
    sealed interface Outcome permits Authenticated, Challenge, NotApplicable {
    }

    /** The browser proved who it is; the endpoint issues a code at once, sending {@code responseHeaders}. */
    record Authenticated(AuthenticatedUser user, Map<String, String> responseHeaders) implements Outcome {
        public Authenticated {
            Objects.requireNonNull(user, "user");
            responseHeaders = Map.copyOf(responseHeaders);
        }
    }

    /**
     * No credential yet: the login form is shown with status 401 and these headers (e.g.
     * {@code WWW-Authenticate: Negotiate}), so a capable browser retries and any other one shows the form.
     */
    record Challenge(Map<String, String> responseHeaders) implements Outcome {
        public Challenge {
            responseHeaders = Map.copyOf(responseHeaders);
        }
    }

    /** This authenticator has nothing to say (not configured, or a credential it rejected: reason logged). */
    record NotApplicable() implements Outcome {
    }
}
