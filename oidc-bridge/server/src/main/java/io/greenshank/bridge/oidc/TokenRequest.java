package io.greenshank.bridge.oidc;

import io.greenshank.bridge.client.OidcClient;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A token request as a grant sees it.
 *
 * @param client        the already-authenticated client
 * @param params        the form parameters (first value of each); never logged
 * @param headers       request headers, names lower-cased; never logged
 * @param clientAddress the caller's IP address, for throttling
 * @param issuer        the issuer this request is served under
 */
public record TokenRequest(OidcClient client, Map<String, String> params, Map<String, List<String>> headers,
                           String clientAddress, String issuer) {

    public TokenRequest {
        Objects.requireNonNull(client, "client");
        params = Map.copyOf(params);
        headers = headers.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> e.getKey().toLowerCase(Locale.ROOT), e -> List.copyOf(e.getValue()), (a, b) -> a));
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(issuer, "issuer");
    }

    /** A form parameter, empty when absent or blank. */
    public Optional<String> param(String name) {
        String v = params.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    /** A required form parameter, or {@code invalid_request}. */
    public String requireParam(String name) throws OAuthException {
        return param(name).orElseThrow(() -> OAuthException.invalidRequest("missing " + name));
    }

    /** The first value of a header (case-insensitive name), e.g. {@code Authorization}. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    @Override
    public String toString() {
        return "TokenRequest[client=" + client.id() + ", grant_type=" + params.get("grant_type") + ", from="
                + clientAddress + "]";
    }
}
