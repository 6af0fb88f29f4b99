package io.greenshank.authz.decision;

import io.greenshank.authz.credential.Credential;
import io.greenshank.authz.credential.CredentialExtractor;
import io.greenshank.authz.jwt.TokenAuthenticator;
import io.greenshank.authz.observe.Json;
import io.greenshank.authz.path.PathNormalizer;
import io.greenshank.identity.Identity;
import io.greenshank.identity.IdentityHeaders;
import io.greenshank.identity.SpiffeId;
import io.greenshank.identity.jwt.RejectReason;
import io.greenshank.identity.jwt.TokenRejectedException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The decision core both ext_authz protocols share: screening (limits, method, path, header syntax: 400) → credential
 * → authentication (cache, then verification) → mesh peer → {@link Authorizer} → response. The authorizer's
 * {@link AuthorizationResult.Kind} picks the status: 403 for a policy refusal whoever the caller is, 401 (or the login
 * redirect) only where a credential is required and absent or refused, 400 for a request that cannot be judged.
 * Fails closed: every exception is a deny with the error status.
 */
public final class DecisionEngine {

    private final CredentialExtractor credentials;
    private final TokenAuthenticator tokens;
    private final Authorizer authorizer;
    private final IdentityHeaders identityHeaders;
    /** Client copies to strip when the request goes upstream with no identity of ours. */
    private final List<String> removeNames;
    /**
     * Client copies to strip when it goes upstream with our identity headers: all but those we set. Envoy applies the
     * sets before the removals, and a set already replaces every client copy, so listing a set header here would
     * strip the verified value too (ext_authz.cc, Filter::onComplete, CheckStatus::OK).
     */
    private final List<String> removeNamesBesidesIdentity;
    private final DenyPolicy deny;
    private final RequestLimits limits;
    private final boolean meshAuthenticatesPeers;

    public DecisionEngine(CredentialExtractor credentials, TokenAuthenticator tokens, Authorizer authorizer,
                          IdentityHeaders identityHeaders, List<String> alsoRemove, DenyPolicy deny,
                          RequestLimits limits, boolean meshAuthenticatesPeers) {
        this.credentials = credentials;
        this.tokens = tokens;
        this.authorizer = authorizer;
        this.identityHeaders = identityHeaders;
        Set<String> names = new LinkedHashSet<>(identityHeaders.names());
        alsoRemove.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        this.removeNames = List.copyOf(names);
        this.removeNamesBesidesIdentity = names.stream().filter(n -> !identityHeaders.names().contains(n)).toList();
        this.deny = deny;
        this.limits = limits;
        this.meshAuthenticatesPeers = meshAuthenticatesPeers;
    }

    /** A decision that needs no blocking work (no credential, or a cached one), or null when it needs a worker. */
    public Decision tryDecideNow(CheckAttributes request) {
        if (authorizer.mayBlock()) {
            return null;
        }
        try {
            Decision refused = screen(request);
            if (refused != null) {
                return refused;
            }
            Optional<Credential> credential = credentials.extract(request.headers());
            if (credential.isEmpty()) {
                return authorize(request, anonymous(request));
            }
            Identity id = tokens.peek(credential.get().token());
            return id == null ? null : authorize(request, Optional.of(withMeshPeer(id, request)));
        } catch (RuntimeException e) {
            return error(request, "internal_error");
        }
    }

    /** The full decision; may block briefly (JWKS refetch on an unknown kid, a blocking authorizer). */
    public Decision decide(CheckAttributes request) {
        try {
            Decision refused = screen(request);
            if (refused != null) {
                return refused;
            }
            Optional<Credential> credential = credentials.extract(request.headers());
            if (credential.isEmpty()) {
                return authorize(request, anonymous(request));
            }
            String token = credential.get().token();
            Identity id = tokens.cached(token);
            if (id == null) {
                try {
                    id = tokens.verify(token);
                } catch (TokenRejectedException e) {
                    return rejected(request, e);
                }
            }
            return authorize(request, Optional.of(withMeshPeer(id, request)));
        } catch (RuntimeException e) {
            return error(request, "internal_error");
        }
    }

    /** The deny for a decision that did not finish in time or failed outside the engine. */
    public Decision error(CheckAttributes request, String reason) {
        return new Decision(Decision.Outcome.ERROR, deny.errorStatus(), Decision.Denial.ERROR, reason,
                Optional.empty(), "", Map.of(), List.of(), Map.of("x-greenshank-reason", reason),
                body(deny.errorStatus() == 503 ? "unavailable" : "forbidden", reason));
    }

    /**
     * Refuses, before any credential is looked at, what Envoy's codec would never have let through or what cannot be
     * judged: size limits first (they bound the rest of the work), then the method, the path and header syntax.
     */
    private Decision screen(CheckAttributes request) {
        Map<String, String> headers = request.headers();
        if (headers.size() > limits.maxHeaders()) {
            return badRequest("too_many_headers");
        }
        long bytes = request.path().length() + (long) request.query().length() + request.method().length();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            bytes += h.getKey().length() + h.getValue().length();
        }
        if (bytes > limits.maxHeaderBytes()) {
            return badRequest("headers_too_large");
        }
        if (!RequestSyntax.isMethod(request.method())) {
            return badRequest("method_invalid");
        }
        if (PathNormalizer.malformed(request.path()) != null) {
            return badRequest("path_rejected");
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!RequestSyntax.isHeaderName(h.getKey()) || !RequestSyntax.isHeaderValue(h.getValue())) {
                return badRequest("header_invalid");
            }
        }
        return null;
    }

    /** The deny for a request whose protocol framing is malformed (before the decision core could run). */
    public Decision malformed(String reason) {
        return badRequest(reason);
    }

    private Decision badRequest(String reason) {
        return new Decision(Decision.Outcome.DENY, 400, Decision.Denial.BAD_REQUEST, reason, Optional.empty(), "",
                Map.of(), List.of(), Map.of("x-greenshank-reason", reason), body("bad_request", reason));
    }

    private Optional<Identity> anonymous(CheckAttributes request) {
        if (meshAuthenticatesPeers) {
            return meshPeer(request).map(Identity::ofMeshPeer);
        }
        return Optional.empty();
    }

    private Identity withMeshPeer(Identity id, CheckAttributes request) {
        Optional<SpiffeId> peer = meshPeer(request);
        return peer.isPresent() ? id.withMeshPeer(peer.get()) : id;
    }

    private static Optional<SpiffeId> meshPeer(CheckAttributes request) {
        String p = request.source().principal();
        return p.isEmpty() ? Optional.empty() : SpiffeId.parse(p);
    }

    private Decision authorize(CheckAttributes request, Optional<Identity> identity) {
        AuthorizationResult result;
        try {
            result = authorizer.authorize(request, identity);
        } catch (RuntimeException e) {
            return error(request, "authorizer_error");
        }
        if (result == null) {
            return error(request, "authorizer_error");
        }
        if (!result.allowed()) {
            return refusal(request, identity, result);
        }
        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = removeNames;
        if (identity.isPresent()) {
            String user = identityHeaders.userValue(identity.get());
            if (!headerSafe(user)) {
                return unauthenticated(request, "user_claim_invalid", "the user name cannot be sent as a header",
                        result.policy(), Decision.Denial.CREDENTIAL_INVALID);
            }
            set.put(identityHeaders.userHeader(), user);
            set.put(identityHeaders.groupsHeader(), identityHeaders.groupsValue(identity.get()));
            remove = removeNamesBesidesIdentity;
        }
        return new Decision(Decision.Outcome.ALLOW, 200, Decision.Denial.NONE, result.reason(), identity,
                result.policy(), set, remove, Map.of(), "");
    }

    /** The response for a refusing result: its kind, never its reason string or the caller, picks the status. */
    private Decision refusal(CheckAttributes request, Optional<Identity> identity, AuthorizationResult result) {
        return switch (result.kind()) {
            // A policy refusal is a 403 whoever the caller is: a login would not change what policy says (an
            // anonymous caller that must authenticate is refused as CREDENTIAL_REQUIRED, by the baseline).
            case DENY -> new Decision(Decision.Outcome.DENY, 403, Decision.Denial.POLICY, result.reason(), identity,
                    result.policy(), Map.of(), List.of(), Map.of("x-greenshank-reason", result.reason()),
                    forbiddenBody(result.reason(), result.policy()));
            case CREDENTIAL_REQUIRED -> unauthenticated(request, result.reason(), "no credentials", result.policy(),
                    Decision.Denial.CREDENTIAL_REQUIRED);
            case BAD_REQUEST -> badRequest(result.reason());
            case ALLOW -> throw new IllegalStateException("not a refusal");
        };
    }

    private Decision rejected(CheckAttributes request, TokenRejectedException e) {
        RejectReason r = e.reason();
        if (r.isServerSide()) {
            return error(request, r.code());
        }
        return unauthenticated(request, r.code(), r.description(), "", Decision.Denial.CREDENTIAL_INVALID);
    }

    private Decision unauthenticated(CheckAttributes request, String reason, String description, String policy,
                                     Decision.Denial denial) {
        Map<String, String> client = new LinkedHashMap<>();
        client.put("x-greenshank-reason", reason);
        if (deny.loginUrl().isPresent() && isBrowser(request)) {
            String original = originalUrl(request);
            String login = deny.loginUrl().get().toString();
            client.put("location", login + (login.indexOf('?') < 0 ? '?' : '&') + deny.returnParam() + "="
                    + URLEncoder.encode(original, StandardCharsets.UTF_8));
            client.put("cache-control", "no-store");
            return new Decision(Decision.Outcome.DENY, 302, denial, reason, Optional.empty(), policy, Map.of(),
                    List.of(), client, "");
        }
        client.put("www-authenticate", "Bearer realm=\"" + deny.realm() + "\", error=\"invalid_token\", error_description=\""
                + description + "\"");
        return new Decision(Decision.Outcome.DENY, 401, denial, reason, Optional.empty(), policy, Map.of(), List.of(),
                client, body("unauthenticated", reason));
    }

    private static boolean isBrowser(CheckAttributes request) {
        String accept = request.header("accept");
        return accept != null && accept.contains("text/html");
    }

    private static String originalUrl(CheckAttributes request) {
        String scheme = request.header("x-forwarded-proto");
        if (scheme == null || scheme.isEmpty()) {
            scheme = request.scheme().isEmpty() ? "https" : request.scheme();
        }
        String host = request.host().isEmpty() ? request.headers().getOrDefault("host", "") : request.host();
        return scheme + "://" + host + request.path() + (request.query().isEmpty() ? "" : "?" + request.query());
    }

    private static boolean headerSafe(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return !v.isEmpty();
    }

    private static String body(String error, String reason) {
        return "{\"error\":" + Json.quote(error) + ",\"reason\":" + Json.quote(reason) + "}";
    }

    /** A refusal names the policy and rule that decided it, so the person refused can ask for the right change. */
    private static String forbiddenBody(String reason, String policy) {
        if (policy == null || policy.isEmpty()) {
            return body("forbidden", reason);
        }
        return "{\"error\":\"forbidden\",\"reason\":" + Json.quote(reason) + ",\"policy\":" + Json.quote(policy) + "}";
    }
}
