package io.greenshank.authz.envoy;

import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.ExtAuthzConfig;
import io.greenshank.envoy.GrpcChannelAuthorizationServer;
import io.greenshank.envoy.HttpServiceConfig;
import io.greenshank.envoy.JdkHttpAuthorizationServer;
import io.greenshank.envoy.StringMatcher;
import io.grpc.Channel;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.greenshank.envoy.StringMatcher.exact;

/**
 * The Envoy that docs/authz-service.md ("Wiring Envoy") tells users to run in front of the sidecar, as the Envoy
 * model: ext_authz with {@code failure_mode_allow: false} and the default {@code status_on_error}, a timeout above the
 * sidecar's own decision bound, and for {@code http_service} the documented path prefix and header lists.
 */
public final class DocumentedEnvoy {

    /** Above {@code greenshank.authz.deny.timeout}, as the docs ask (Envoy's own gRPC default is 200 ms). */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** {@code authorization_request.allowed_headers} as documented (Envoy adds authorization, :method, :path, :authority). */
    public static final List<String> HTTP_ALLOWED_HEADERS = List.of("cookie", "accept", "x-forwarded-proto",
            "x-envoy-external-address");

    /** {@code authorization_response.allowed_client_headers} as documented. */
    public static final List<String> HTTP_ALLOWED_CLIENT_HEADERS = List.of("www-authenticate", "location",
            "x-greenshank-reason", "content-type", "cache-control");

    private DocumentedEnvoy() {
    }

    /** What Istio puts in front of every workload: path normalization BASE. */
    public static ConnectionManagerConfig istio() {
        return ConnectionManagerConfig.istioDefaults();
    }

    public static ExtAuthzConfig grpcFilter() {
        return ExtAuthzConfig.grpc().timeout(TIMEOUT).build();
    }

    /**
     * @param userHeader       {@code greenshank.authz.headers.user}
     * @param groupsHeader     {@code greenshank.authz.headers.groups}
     * @param moreAllowedHeaders request headers a deployment's credentials or policies need besides the documented ones
     */
    public static ExtAuthzConfig httpFilterFor(String userHeader, String groupsHeader, String... moreAllowedHeaders) {
        List<StringMatcher> allowed = new ArrayList<>();
        HTTP_ALLOWED_HEADERS.forEach(h -> allowed.add(exact(h)));
        for (String h : moreAllowedHeaders) {
            allowed.add(exact(h));
        }
        HttpServiceConfig service = HttpServiceConfig.builder().pathPrefix("/ext-authz")
                .allowedUpstreamHeaders(exact(userHeader), exact(groupsHeader))
                .allowedClientHeaders(HTTP_ALLOWED_CLIENT_HEADERS.stream().map(StringMatcher::exact)
                        .toArray(StringMatcher[]::new))
                .build();
        return ExtAuthzConfig.http(service).allowedHeaders(allowed.toArray(StringMatcher[]::new)).timeout(TIMEOUT).build();
    }

    public static ExtAuthzConfig httpFilter(String... moreAllowedHeaders) {
        return httpFilterFor("kubeflow-userid", "kubeflow-groups", moreAllowedHeaders);
    }

    public static Envoy grpc(ConnectionManagerConfig hcm, Channel channel) {
        return Envoy.grpc(EnvoyConfig.of(hcm, grpcFilter()), GrpcChannelAuthorizationServer.over(channel));
    }

    public static Envoy http(ConnectionManagerConfig hcm, URL base, ExtAuthzConfig filter) {
        return Envoy.http(EnvoyConfig.of(hcm, filter), JdkHttpAuthorizationServer.at(URI.create(
                base.getProtocol() + "://" + base.getHost() + ":" + base.getPort())));
    }

    /** The same Envoy over both protocols, keyed {@code grpc} and {@code http}, for assertions that must hold on each. */
    public static Map<String, Envoy> both(ConnectionManagerConfig hcm, Channel grpcChannel, URL httpBase,
                                          ExtAuthzConfig httpFilter) {
        Map<String, Envoy> m = new LinkedHashMap<>();
        m.put("grpc", grpc(hcm, grpcChannel));
        m.put("http", http(hcm, httpBase, httpFilter));
        return m;
    }

    public static Map<String, Envoy> both(ConnectionManagerConfig hcm, Channel grpcChannel, URL httpBase) {
        return both(hcm, grpcChannel, httpBase, httpFilter());
    }
}
