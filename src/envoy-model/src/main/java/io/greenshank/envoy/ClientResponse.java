package io.greenshank.envoy;

import java.util.Objects;

/**
 * What the client receives when Envoy answers itself instead of forwarding.
 *
 * @param status  the HTTP status; 0 when Envoy sent no response at all but reset the stream or closed the connection
 *                (an HTTP/2 protocol error)
 * @param headers the response headers (without {@code :status}); names are lower case
 * @param body    the body, as text
 * @param details Envoy's response code details, as in the access log's {@code %RESPONSE_CODE_DETAILS%}
 *                (for example {@code ext_authz_denied}, {@code ext_authz_error}, {@code http1.codec_error})
 */
public record ClientResponse(int status, HeaderList headers, String body, String details) {

    public ClientResponse {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(details, "details");
    }

    static ClientResponse reset(String details) {
        return new ClientResponse(0, HeaderList.EMPTY, "", details);
    }

    /** No HTTP response: the stream was reset or the connection closed. */
    public boolean isReset() {
        return status == 0;
    }

    @Override
    public String toString() {
        return isReset() ? "reset (" + details + ")" : status + " " + headers + " " + body + " (" + details + ")";
    }
}
