package io.greenshank.authz.check;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.greenshank.authz.envoy.DocumentedEnvoy;
import io.greenshank.envoy.AuthorizationCall;
import io.greenshank.envoy.ClientResponse;
import io.greenshank.envoy.ConnectionManagerConfig;
import io.greenshank.envoy.DownstreamRequest;
import io.greenshank.envoy.Envoy;
import io.greenshank.envoy.EnvoyConfig;
import io.greenshank.envoy.EnvoyOutcome;
import io.greenshank.envoy.ExtAuthzConfig;
import io.greenshank.envoy.GrpcChannelAuthorizationServer;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input through the real protocols: each is a clean deny with a reason, fast, and the service keeps serving.
 * Raw Checks test the sidecar against any CheckRequest; the Envoy model shows what a real Envoy in front makes of
 * the same input (much of it never reaches the sidecar at Envoy's default limits).
 */
abstract class BadInputCases {

    @TestHTTPResource("/")
    URL base;

    GrpcClient grpc;

    @BeforeEach
    void connect() {
        grpc = connectGrpc();
    }

    /** Where gRPC Check is reached: the HTTP port or the dedicated ext_authz port. */
    abstract GrpcClient connectGrpc();

    @AfterEach
    void stillServingAndDisconnect() throws Exception {
        CheckResponse r = grpc.check("GET", "/healthz", Map.of());
        assertThat(r.getStatus().getCode()).as("service still serves after the bad input").isZero();
        grpc.close();
    }

    /** The documented Envoy over both protocols, with connection-manager limits {@code hcm}. */
    Map<String, Envoy> envoys(ConnectionManagerConfig hcm) {
        return DocumentedEnvoy.both(hcm, grpc.channel, base);
    }

    /** Envoy's largest allowed header limits: what an operator who raised them lets through. */
    static ConnectionManagerConfig roomy() {
        return DocumentedEnvoy.istio().toBuilder().maxRequestHeadersKb(8192).maxRequestHeadersCount(10_000).build();
    }

    static int deniedStatus(CheckResponse r) {
        assertThat(r.getStatus().getCode()).isNotZero();
        return r.getDeniedResponse().getStatus().getCodeValue();
    }

    static String reason(CheckResponse r) {
        return GrpcClient.headersOf(r.getDeniedResponse()).get("x-greenshank-reason");
    }

    @Test
    void megabyte_header_value_is_refused() {
        long t0 = System.nanoTime();
        CheckResponse r = grpc.check("GET", "/x", Map.of("x-junk", "a".repeat(2 * 1024 * 1024)));
        assertThat(deniedStatus(r)).isEqualTo(400);
        assertThat(reason(r)).isEqualTo("headers_too_large");
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));

        DownstreamRequest big = DownstreamRequest.get("/x").header("x-junk", "a".repeat(2 * 1024 * 1024)).build();
        // at Envoy's default 60 KiB the codec answers 431 and the sidecar is never asked
        envoys(DocumentedEnvoy.istio()).forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(big);
            assertThat(out.clientResponse().status()).as(protocol).isEqualTo(431);
            assertThat(out.authorizationCall()).as(protocol).isEmpty();
        });
        // at Envoy's 8 MiB maximum gRPC carries it to the sidecar, which refuses it; HTTP sends only allowed headers
        Map<String, Envoy> roomy = envoys(roomy());
        ClientResponse viaGrpc = roomy.get("grpc").handle(big).clientResponse();
        assertThat(viaGrpc.status()).isEqualTo(400);
        assertThat(viaGrpc.headers().values("x-greenshank-reason")).containsExactly("headers_too_large");
        EnvoyOutcome viaHttp = roomy.get("http").handle(big);
        assertThat(viaHttp.clientResponse().status()).isEqualTo(401);
        assertThat(((AuthorizationCall.Http) viaHttp.authorizationCall().orElseThrow()).request().headers()
                .contains("x-junk")).isFalse();
    }

    @Test
    void thousands_of_headers_are_refused() {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            h.put("x-h-" + i, "v" + i);
        }
        CheckResponse r = grpc.check("GET", "/x", h);
        assertThat(reason(r)).isEqualTo("too_many_headers");

        DownstreamRequest.Builder many = DownstreamRequest.get("/x");
        h.forEach(many::header);
        DownstreamRequest request = many.build();
        envoys(DocumentedEnvoy.istio()).forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(request);
            assertThat(out.clientResponse().status()).as(protocol).isEqualTo(431);
            assertThat(out.authorizationCall()).as(protocol).isEmpty();
        });
        ClientResponse viaGrpc = envoys(roomy()).get("grpc").handle(request).clientResponse();
        assertThat(viaGrpc.status()).isEqualTo(400);
        assertThat(viaGrpc.headers().values("x-greenshank-reason")).containsExactly("too_many_headers");
    }

    @Test
    void malformed_protobuf_is_never_an_allow() throws Exception {
        MethodDescriptor<byte[], byte[]> raw = AuthorizationGrpc.getCheckMethod().toBuilder(new BytesMarshaller(), new BytesMarshaller()).build();
        int errors = 0;
        for (byte[] garbage : new byte[][]{{(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10},
                {0x0a, 0x05, 0x01}, "not a protobuf at all".getBytes(StandardCharsets.UTF_8)}) {
            try {
                byte[] answer = ClientCalls.blockingUnaryCall(grpc.channel, raw,
                        CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), garbage);
                // protobuf skips what it reads as unknown fields: such a request has no attributes and is denied
                assertThat(CheckResponse.parseFrom(answer).getStatus().getCode()).isNotZero();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK);
                errors++;
            }
        }
        assertThat(errors).as("truly unparsable messages are refused at the gRPC layer").isGreaterThan(0);
    }

    @Test
    void empty_check_request_with_no_attributes_is_a_bad_request() {
        CheckResponse r = grpc.stub.withDeadlineAfter(5, TimeUnit.SECONDS).check(CheckRequest.getDefaultInstance());
        assertThat(deniedStatus(r)).isEqualTo(400);
        assertThat(reason(r)).isEqualTo("method_invalid");
    }

    @Test
    void non_utf8_raw_header_bytes_are_denied_cleanly() {
        HeaderMap hm = HeaderMap.newBuilder().addHeaders(HeaderValue.newBuilder().setKey("authorization")
                .setRawValue(ByteString.copyFrom(new byte[]{'B', 'e', 'a', 'r', 'e', 'r', ' ', (byte) 0xc3, 0x28, (byte) 0xff, '.', 'a', '.', 'b'}))).build();
        CheckRequest req = CheckRequest.newBuilder().setAttributes(AttributeContext.newBuilder().setRequest(
                AttributeContext.Request.newBuilder().setHttp(AttributeContext.HttpRequest.newBuilder()
                        .setMethod("GET").setPath("/x").setHeaderMap(hm)))).build();
        CheckResponse r = grpc.stub.withDeadlineAfter(5, TimeUnit.SECONDS).check(req);
        assertThat(deniedStatus(r)).isEqualTo(401);
        assertThat(reason(r)).isEqualTo("token_malformed");

        // the same bytes from a client, through an Envoy with encode_raw_headers (HTTP/1 allows obs-text)
        Envoy raw = Envoy.grpc(EnvoyConfig.of(DocumentedEnvoy.istio(),
                ExtAuthzConfig.grpc().encodeRawHeaders(true).timeout(DocumentedEnvoy.TIMEOUT).build()),
                GrpcChannelAuthorizationServer.over(grpc.channel));
        ClientResponse c = raw.handle(DownstreamRequest.get("/x")
                .header("authorization", "Bearer \u00c3(\u00ff.a.b").build()).clientResponse();
        assertThat(c.status()).isEqualTo(401);
        assertThat(c.headers().values("x-greenshank-reason")).containsExactly("token_malformed");
    }

    @Test
    void oversized_and_truncated_jwts_are_refused() {
        CheckResponse big = grpc.check("GET", "/x", Map.of("authorization", "Bearer " + "a".repeat(40_000) + ".b.c"));
        assertThat(reason(big)).isEqualTo("token_too_large");
        String h = b64("{\"alg\":\"ES256\",\"kid\":\"x\"}");
        CheckResponse truncated = grpc.check("GET", "/x", Map.of("authorization", "Bearer " + h + ".eyJpc3MiOi"));
        assertThat(deniedStatus(truncated)).isEqualTo(401);

        envoys(DocumentedEnvoy.istio()).forEach((protocol, envoy) -> {
            ClientResponse tooBig = envoy.handle(DownstreamRequest.get("/x")
                    .header("Authorization", "Bearer " + "a".repeat(40_000) + ".b.c").build()).clientResponse();
            assertThat(tooBig.headers().values("x-greenshank-reason")).as(protocol).containsExactly("token_too_large");
            ClientResponse cut = envoy.handle(DownstreamRequest.get("/x")
                    .header("Authorization", "Bearer " + h + ".eyJpc3MiOi").build()).clientResponse();
            assertThat(cut.status()).as(protocol).isEqualTo(401);
        });
    }

    /**
     * "Quickly" is relative, not a wall-clock bound (which a loaded CI machine breaks): a claim set nested 3,000 deep
     * is refused at no more than a few times the cost of refusing a flat, equally long malformed claim set, measured
     * interleaved in the same run — the depth limit stops it before any parser recurses.
     */
    @Test
    void json_bomb_in_claims_is_refused_quickly() {
        String header = b64("{\"alg\":\"ES256\",\"kid\":\"x\"}");
        String bomb = "{\"iss\":\"x\",\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}";
        String flat = "{\"iss\":\"x\",\"a\":\"" + "a".repeat(6000) + "\"";
        String token = header + "." + b64(bomb) + ".AAAA";
        String flatToken = header + "." + b64(flat) + ".AAAA";
        long[] bombNanos = new long[9];
        long[] flatNanos = new long[9];
        for (int i = 0; i < bombNanos.length; i++) {
            long t0 = System.nanoTime();
            CheckResponse r = grpc.check("GET", "/x", Map.of("authorization", "Bearer " + token));
            bombNanos[i] = System.nanoTime() - t0;
            assertThat(reason(r)).isEqualTo("token_malformed");
            t0 = System.nanoTime();
            CheckResponse f = grpc.check("GET", "/x", Map.of("authorization", "Bearer " + flatToken));
            flatNanos[i] = System.nanoTime() - t0;
            assertThat(reason(f)).isEqualTo("token_malformed");
        }
        java.util.Arrays.sort(bombNanos);
        java.util.Arrays.sort(flatNanos);
        assertThat(bombNanos[4]).as("median refusal of the bomb vs of a flat claim set of the same length (ns)")
                .isLessThan(5 * flatNanos[4] + TimeUnit.MILLISECONDS.toNanos(20));

        envoys(DocumentedEnvoy.istio()).forEach((protocol, envoy) -> {
            EnvoyOutcome out = envoy.handle(DownstreamRequest.get("/x").header("Authorization", "Bearer " + token).build());
            assertThat(out.clientResponse().headers().values("x-greenshank-reason")).as(protocol)
                    .containsExactly("token_malformed");
        });
    }

    @Test
    void http_protocol_megabyte_header_is_refused_by_status() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/x"))
                .header("x-junk", "a".repeat(1024 * 1024)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isNotEqualTo(200);
        HttpResponse<String> mid = http.send(HttpRequest.newBuilder(URI.create(base + "ext-authz/x"))
                .header("x-junk", "a".repeat(70 * 1024)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(mid.statusCode()).isEqualTo(400);
        assertThat(mid.headers().firstValue("x-greenshank-reason")).contains("headers_too_large");
        // in front of the sidecar Envoy's own 60 KiB limit answers first
        ClientResponse viaEnvoy = envoys(DocumentedEnvoy.istio()).get("http").handle(DownstreamRequest.get("/x")
                .header("x-junk", "a".repeat(70 * 1024)).build()).clientResponse();
        assertThat(viaEnvoy.status()).isEqualTo(431);
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
