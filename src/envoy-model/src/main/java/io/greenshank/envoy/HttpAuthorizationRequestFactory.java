package io.greenshank.envoy;

import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the CheckRequest into the request sent to the {@code http_service}: {@code content-length: 0} first, then every
 * header the CheckRequest holds (already limited to the allowed ones; repeats already comma-merged), with
 * {@code path_prefix} put in front of {@code :path}.
 */
// source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc, RawHttpClientImpl::check
final class HttpAuthorizationRequestFactory {

    private final HttpServiceConfig service;

    HttpAuthorizationRequestFactory(HttpServiceConfig service) {
        this.service = service;
    }

    AuthorizationHttpRequest create(CheckRequest check) {
        AttributeContext.HttpRequest http = check.getAttributes().getRequest().getHttp();
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("content-length", "0"));
        String method = "";
        String path = "";
        String authority = "";
        for (Map.Entry<String, String> e : http.getHeadersMap().entrySet()) {
            String name = e.getKey();
            String value = Octets.fromUtf8(e.getValue());
            switch (name) {
                case "content-length" -> {
                    // already set above
                }
                case ":method" -> method = value;
                case ":path" -> path = service.pathPrefix() + value;
                case ":authority" -> authority = value;
                default -> {
                    if (!name.startsWith(":")) {
                        headers.add(new Header(name, value));
                    }
                }
            }
        }
        return new AuthorizationHttpRequest(method, path, authority, new HeaderList(headers));
    }
}
