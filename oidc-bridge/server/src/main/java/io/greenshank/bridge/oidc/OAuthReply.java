package io.greenshank.bridge.oidc;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** A back-channel JSON answer or RFC 6749 §5.2 error: never cached. */
public record OAuthReply(int status, Map<String, Object> body, Map<String, String> headers) {

    public static OAuthReply error(OAuthException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("error_description", e.description());
        return new OAuthReply(e.status(), body, e.headers());
    }

    public void write(HttpServerResponse response) {
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache");
        headers.forEach(response::putHeader);
        response.end(new JsonObject(body).toBuffer());
    }
}
