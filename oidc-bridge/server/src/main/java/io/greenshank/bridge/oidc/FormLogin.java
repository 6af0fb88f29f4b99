package io.greenshank.bridge.oidc;

import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.login.PasswordLogin;
import io.greenshank.bridge.oidc.AuthorizationRequests.Pending;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.web.BrowserBinding;

/**
 * The login form's submission, free of HTTP so that it can be run at two replicas in a test: verify the sealed
 * request (any replica can), check the password, spend the request, issue the code. The order matters: a failed
 * login writes nothing and leaves the form usable; only a successful one spends it, before the code is issued, so
 * of two posts of one form exactly one gets a code.
 */
public final class FormLogin {

    public static final String UNAVAILABLE = "Sign-in is temporarily unavailable. Try again in a moment.";
    public static final String MISCONFIGURED = "Sign-in is unavailable: this service is misconfigured. Contact your "
            + "administrator.";
    public static final String WRONG_CREDENTIALS = "The username or password is incorrect.";

    /** What a submission came to. */
    public sealed interface Outcome permits Issued, Retry, Rejected, Unavailable, CodeUnavailable {
    }

    /** Signed in: redirect to the client with {@code code}. */
    public record Issued(Pending request, String code) implements Outcome {
    }

    /** Show the form again, with the same sealed request, {@code message} and HTTP {@code status}. */
    public record Retry(Pending request, int status, String message) implements Outcome {
    }

    /** The form's request is tampered, foreign, expired or spent: nothing issued, the user starts again. */
    public record Rejected(AuthorizationRequests.Refusal refusal) implements Outcome {
    }

    /** The session store did not answer, so the request could not be spent: nothing issued, the form still works. */
    public record Unavailable() implements Outcome {
    }

    /** Signed in and the request spent, but the code could not be stored: the client is told to retry. */
    public record CodeUnavailable(Pending request) implements Outcome {
    }

    private final AuthorizationRequests requests;
    private final PasswordLogin login;
    private final AuthorizationCodes codes;

    public FormLogin(AuthorizationRequests requests, PasswordLogin login, AuthorizationCodes codes) {
        this.requests = requests;
        this.login = login;
        this.codes = codes;
    }

    /**
     * @param sealed     the form's {@code request} field
     * @param csrfCookie the post's {@link BrowserBinding#COOKIE}; it must be the browser's the form was shown to,
     *                   checked before the password so that a cross-site post learns nothing
     * @param audience   the bridge's authorize endpoint, as when the form was sealed
     */
    public Outcome submit(String sealed, String csrfCookie, String username, String password, String clientAddress,
                          String audience) {
        AuthorizationRequests.Verified verified;
        try {
            verified = requests.unseal(sealed, audience);
        } catch (AuthorizationRequests.RefusedException e) {
            return new Rejected(e.refusal());
        }
        if (!BrowserBinding.matches(csrfCookie, verified.browserBinding())) {
            requests.refused(AuthorizationRequests.Refusal.CROSS_SITE);
            return new Rejected(AuthorizationRequests.Refusal.CROSS_SITE);
        }
        Pending p = verified.request();
        AuthenticatedUser user;
        try {
            user = login.login(username == null ? "" : username, password, clientAddress);
        } catch (PasswordLogin.Refused e) {
            return new Retry(p, 200, e.retryAfter().map(d -> "Too many failed attempts. Wait " + (d.toSeconds() + 1)
                    + " seconds and try again.").orElse(WRONG_CREDENTIALS));
        } catch (DirectoryUnavailableException e) {
            return new Retry(p, 503,
                    e instanceof io.greenshank.bridge.ldap.DirectoryMisconfiguredException ? MISCONFIGURED : UNAVAILABLE);
        }
        try {
            if (!requests.spend(verified)) {
                return new Rejected(AuthorizationRequests.Refusal.SPENT);
            }
        } catch (SessionStoreUnavailableException e) {
            return new Unavailable();
        }
        try {
            return new Issued(p, codes.issue(p, user));
        } catch (SessionStoreUnavailableException e) {
            return new CodeUnavailable(p);
        }
    }
}
