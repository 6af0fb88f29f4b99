package io.greenshank.bridge.device;

import io.greenshank.bridge.ldap.DirectoryUnavailableException;
import io.greenshank.bridge.login.BrowserAuthenticator;
import io.greenshank.bridge.login.LoginPage;
import io.greenshank.bridge.login.PasswordLogin;
import io.greenshank.bridge.oidc.FormLogin;
import io.greenshank.bridge.oidc.Issuer;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import io.greenshank.bridge.throttle.LoginThrottle;
import io.greenshank.bridge.token.AuthenticatedUser;
import io.greenshank.bridge.web.BrowserBinding;
import io.greenshank.bridge.web.SecurityHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * {@code /device}, the verification URI of RFC 8628: the user enters (or follows a link with) the code their device
 * shows, signs in with a password or Kerberos (SPNEGO, as at {@code /authorize}), and approves or denies. The post is
 * bound to the browser the page was shown to ({@link BrowserBinding}) and must come from this origin. Wrong codes
 * count towards the caller's address throttle, so the 2^34 codes cannot be searched from one place.
 */
@Path(DeviceEndpoint.PATH)
public class DeviceEndpoint {

    public static final String PATH = "/device";
    private static final Logger LOG = Logger.getLogger(DeviceEndpoint.class);
    static final String BAD_CODE = "That code is not valid or has expired. Check the code on your device.";
    static final String METRIC = "greenshank_bridge_device_verifications_total";

    private final DeviceCodes codes;
    private final PasswordLogin login;
    private final Instance<BrowserAuthenticator> authenticators;
    private final LoginThrottle throttle;
    private final Issuer issuer;
    private final MeterRegistry metrics;

    public DeviceEndpoint(DeviceCodes codes, PasswordLogin login, @Any Instance<BrowserAuthenticator> authenticators,
                          LoginThrottle throttle, Issuer issuer, MeterRegistry metrics) {
        this.codes = codes;
        this.login = login;
        this.authenticators = authenticators;
        this.throttle = throttle;
        this.issuer = issuer;
        this.metrics = metrics;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response show(@QueryParam("user_code") String typed, @Context UriInfo uri, @Context HttpServerRequest http,
                         @CookieParam(BrowserBinding.COOKIE) String csrfCookie) {
        if (typed == null || typed.isBlank()) {
            return page(200, DevicePage.entry(action(uri), Optional.empty()));
        }
        return withPendingCode(typed, http, uri, found -> {
            BrowserBinding.Cookie browser = BrowserBinding.forBrowser(csrfCookie);
            Response.ResponseBuilder rb = pageBuilder(200, DevicePage.approval(action(uri),
                    UserCodes.display(found.code()), found.grant().clientId(), browser.binding(), Optional.empty(),
                    ""));
            if (browser.fresh()) {
                rb.header("Set-Cookie", browser.setCookieHeader());
            }
            count("shown");
            return rb.build();
        });
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response decide(@FormParam("user_code") String typed, @FormParam("csrf") String binding,
                           @FormParam("decision") String decision, @FormParam("username") String username,
                           @FormParam("password") String password, @Context UriInfo uri,
                           @Context HttpHeaders headers, @Context HttpServerRequest http,
                           @CookieParam(BrowserBinding.COOKIE) String csrfCookie,
                           @HeaderParam("Origin") String origin) {
        if (!BrowserBinding.sameOrigin(origin, issuer.of(uri))
                || !BrowserBinding.matches(csrfCookie, Optional.ofNullable(binding))) {
            count("cross_site");
            LOG.infof("device form refused: posted cross-site or without this browser's cookie");
            return message(403, "Sign-in expired", "This page has expired. Open the link on your device again.");
        }
        return withPendingCode(typed, http, uri, found -> onDecision(found, decision, username, password, binding,
                uri, headers, address(http)));
    }

    private Response onDecision(Found found, String decision, String username, String password, String binding,
                                UriInfo uri, HttpHeaders headers, String address) {
        String shown = UserCodes.display(found.code());
        if ("deny".equals(decision)) {
            return decided(found.code(), false, Optional.empty(), Map.of());
        }
        if (!"approve".equals(decision)) {
            return again(uri, shown, found.grant(), binding, 400, "Choose approve or deny.", username, Map.of());
        }
        if (username != null && !username.isBlank()) {
            try {
                AuthenticatedUser user = login.login(username, password, address);
                return decided(found.code(), true, Optional.of(user), Map.of());
            } catch (PasswordLogin.Refused e) {
                return again(uri, shown, found.grant(), binding, 200, e.retryAfter().map(d -> "Too many failed "
                        + "attempts. Wait " + (d.toSeconds() + 1) + " seconds and try again.")
                        .orElse(FormLogin.WRONG_CREDENTIALS), username, Map.of());
            } catch (DirectoryUnavailableException e) {
                return again(uri, shown, found.grant(), binding, 503, FormLogin.UNAVAILABLE, username, Map.of());
            }
        }
        Map<String, String> challenge = new LinkedHashMap<>();
        for (BrowserAuthenticator a : authenticators) {
            BrowserAuthenticator.Outcome o = a.attempt(lowerCased(headers), address);
            if (o instanceof BrowserAuthenticator.Authenticated ok) {
                return decided(found.code(), true, Optional.of(ok.user()), ok.responseHeaders());
            }
            if (o instanceof BrowserAuthenticator.Challenge ch) {
                challenge.putAll(ch.responseHeaders());
            }
        }
        return again(uri, shown, found.grant(), binding, challenge.isEmpty() ? 400 : 401,
                "Enter your username and password to approve.", "", challenge);
    }

    /** A typed user code that names a pending code. */
    private record Found(String code, DeviceCodes.Grant grant) {
    }

    /**
     * Runs {@code then} for the pending code {@code typed} names; otherwise answers the page for a throttled caller,
     * a wrong or expired code, or the store down.
     */
    private Response withPendingCode(String typed, HttpServerRequest http, UriInfo uri, Function<Found, Response> then) {
        String address = address(http);
        Optional<Response> throttled = throttled(address);
        if (throttled.isPresent()) {
            return throttled.get();
        }
        Optional<String> code = UserCodes.normalize(typed);
        Optional<DeviceCodes.Grant> grant;
        try {
            grant = code.isEmpty() ? Optional.empty() : codes.pending(code.get());
        } catch (SessionStoreUnavailableException e) {
            return unavailable();
        }
        if (grant.isEmpty()) {
            return badCode(address, action(uri));
        }
        return then.apply(new Found(code.get(), grant.get()));
    }

    private Response decided(String code, boolean approve, Optional<AuthenticatedUser> user,
                             Map<String, String> responseHeaders) {
        DeviceCodes.Decision d;
        try {
            d = codes.decide(code, approve, user);
        } catch (SessionStoreUnavailableException e) {
            return unavailable();
        }
        count(d.name().toLowerCase(Locale.ROOT));
        Response.ResponseBuilder rb = switch (d) {
            case APPROVED -> {
                LOG.infof("device code approved by %s", user.orElseThrow().user().username());
                yield pageBuilder(200, LoginPage.message("Device approved",
                        "You are signed in on your device. You can close this window."));
            }
            case DENIED -> pageBuilder(200, LoginPage.message("Device denied",
                    "The device was not signed in. You can close this window."));
            case NOT_FOUND -> pageBuilder(400, LoginPage.message("Code no longer valid",
                    "This code has expired or was already used. Start again on your device."));
        };
        responseHeaders.forEach(rb::header);
        return rb.build();
    }

    private Response again(UriInfo uri, String shown, DeviceCodes.Grant grant, String binding, int status,
                           String error, String username, Map<String, String> responseHeaders) {
        Response.ResponseBuilder rb = pageBuilder(status, DevicePage.approval(action(uri), shown, grant.clientId(),
                binding, Optional.of(error), username == null ? "" : username));
        responseHeaders.forEach(rb::header);
        return rb.build();
    }

    private Optional<Response> throttled(String address) {
        return throttle.blockedFor(throttleKey(address), address).map(wait -> {
            count("throttled");
            return pageBuilder(429, LoginPage.message("Too many attempts", "Too many wrong codes. Wait "
                    + (wait.toSeconds() + 1) + " seconds and try again."))
                    .header("Retry-After", Long.toString(wait.toSeconds() + 1)).build();
        });
    }

    private Response badCode(String address, String action) {
        throttle.failed(throttleKey(address), address);
        count("bad_code");
        LOG.infof("device code entry refused from %s: unknown or expired user code", address);
        return page(400, DevicePage.entry(action, Optional.of(BAD_CODE)));
    }

    /** A user-code key per address, so a wrong code never locks out anyone else. */
    private static String throttleKey(String address) {
        return "\u0000device-code@" + address;
    }

    private Response unavailable() {
        count("unavailable");
        return message(503, "Sign-in unavailable", FormLogin.UNAVAILABLE);
    }

    private static Response message(int status, String title, String text) {
        return pageBuilder(status, LoginPage.message(title, text)).build();
    }

    private static Response page(int status, String html) {
        return pageBuilder(status, html).build();
    }

    private static Response.ResponseBuilder pageBuilder(int status, String html) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE).entity(html)
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", SecurityHeaders.pageCsp(""));
    }

    private static String action(UriInfo uri) {
        return uri.getBaseUri().getPath().replaceAll("/$", "") + PATH;
    }

    private static String address(HttpServerRequest http) {
        return http != null && http.remoteAddress() != null ? http.remoteAddress().hostAddress() : "unknown";
    }

    private static Map<String, List<String>> lowerCased(HttpHeaders headers) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        headers.getRequestHeaders().forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        return m;
    }

    private void count(String outcome) {
        metrics.counter(METRIC, "outcome", outcome).increment();
    }
}
