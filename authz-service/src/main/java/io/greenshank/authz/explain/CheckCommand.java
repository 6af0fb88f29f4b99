package io.greenshank.authz.explain;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code greenshank-check [--grpc host:port] [--token <jwt>] [--source-principal <spiffe uri>] [--method GET]
 * [--host kubeflow.example.com] [-H 'name: value']... <path>}: sends one ext_authz {@code Check} over gRPC, as Envoy's
 * {@code grpc_service} would, and prints the {@code CheckResponse} as what Envoy does with it: on allow the headers
 * set on (and removed from) the request that goes upstream; on deny the status, headers and body the client gets.
 * Exit status 0 for allow, 3 for deny, 1 for usage or transport errors. {@code bin/greenshank-check} runs it from the
 * packaged jar.
 */
public final class CheckCommand {

    static final String USAGE = "usage: greenshank-check [--grpc host:port] [--token <jwt>] [--source-principal <uri>] "
            + "[--method GET] [--host <authority>] [-H 'name: value']... <path>";

    private CheckCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String target = "127.0.0.1:9191";
        String method = "GET";
        String host = "kubeflow.example.com";
        String principal = "";
        String path = null;
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--grpc" -> target = args[++i];
                    case "--token" -> headers.put("authorization", "Bearer " + args[++i]);
                    case "--source-principal" -> principal = args[++i];
                    case "--method" -> method = args[++i].toUpperCase(Locale.ROOT);
                    case "--host" -> host = args[++i];
                    case "-H", "--header" -> {
                        String h = args[++i];
                        int colon = h.indexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("a header is 'name: value', not '" + h + "'");
                        }
                        headers.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                                (a, b) -> a + "," + b);
                    }
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("-") || path != null) {
                            throw new IllegalArgumentException("unexpected argument " + args[i]);
                        }
                        path = args[i];
                    }
                }
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            err.println("bad arguments: an option is missing its value\n" + USAGE);
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("bad arguments: " + e.getMessage() + "\n" + USAGE);
            return 1;
        }
        if (path == null) {
            err.println(USAGE);
            return 1;
        }
        CheckRequest request = request(method, host, path, headers, principal);
        ManagedChannel channel = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
        try {
            CheckResponse response = AuthorizationGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(request);
            out.print(render(response));
            return response.getStatus().getCode() == Status.Code.OK.value() ? 0 : 3;
        } catch (StatusRuntimeException e) {
            err.println("Check on " + target + " failed: " + e.getStatus().getCode()
                    + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription())
                    + (e.getStatus().getCode() == Status.Code.UNAVAILABLE
                            ? " (is authz-service's gRPC port there? bin/greenshank-dev: AUTHZ_GRPC_PORT)" : ""));
            return 1;
        } finally {
            channel.shutdownNow();
        }
    }

    /** What Envoy sends for a request through the ingress gateway (or a sidecar whose peer is {@code principal}). */
    static CheckRequest request(String method, String host, String path, Map<String, String> headers, String principal) {
        AttributeContext.HttpRequest.Builder http = AttributeContext.HttpRequest.newBuilder().setMethod(method)
                .setHost(host).setPath(path).setScheme("https").setProtocol("HTTP/1.1").putAllHeaders(headers)
                .putHeaders(":authority", host).putHeaders(":method", method).putHeaders(":path", path);
        return CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder()
                .setSource(AttributeContext.Peer.newBuilder().setPrincipal(principal))
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http))).build();
    }

    /** The response as Envoy acts on it. */
    static String render(CheckResponse r) {
        StringBuilder b = new StringBuilder();
        Status.Code code = Status.fromCodeValue(r.getStatus().getCode()).getCode();
        if (code == Status.Code.OK) {
            b.append("ALLOW (gRPC status OK): the request goes upstream\n");
            OkHttpResponse ok = r.getOkResponse();
            b.append("headers set:\n");
            lines(b, ok.getHeadersList());
            b.append("headers removed:");
            b.append(ok.getHeadersToRemoveList().isEmpty() ? " (none)\n" : "\n");
            ok.getHeadersToRemoveList().forEach(h -> b.append("  ").append(h).append('\n'));
            return b.toString();
        }
        DeniedHttpResponse denied = r.getDeniedResponse();
        b.append("DENY (gRPC status ").append(code).append(")");
        if (!r.getStatus().getMessage().isEmpty()) {
            b.append(": ").append(r.getStatus().getMessage());
        }
        b.append('\n');
        b.append("denied status: ").append(denied.getStatus().getCodeValue()).append('\n');
        b.append("headers:\n");
        lines(b, denied.getHeadersList());
        b.append("body: ").append(denied.getBody().isEmpty() ? "(none)" : denied.getBody()).append('\n');
        return b.toString();
    }

    private static void lines(StringBuilder b, List<HeaderValueOption> headers) {
        if (headers.isEmpty()) {
            b.append("  (none)\n");
        }
        for (HeaderValueOption h : headers) {
            b.append("  ").append(h.getHeader().getKey()).append(": ").append(h.getHeader().getValue()).append('\n');
        }
    }
}
