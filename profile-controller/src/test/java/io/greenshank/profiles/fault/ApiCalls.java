package io.greenshank.profiles.fault;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every HTTP request attempt one controller's client makes, counted before it is sent (fabric8 calls interceptors
 * once per attempt, retries included), with the writes kept in order. The client names itself in
 * {@code User-Agent}, so the API server's own request log says which replica sent what.
 */
final class ApiCalls implements Interceptor {

    /** One write (anything but GET) as the client sent it. */
    record Write(long nanoTime, String identity, String method, String path) {
        boolean isLease() {
            return path.contains("/leases");
        }
    }

    private final String identity;
    private final AtomicLong attempts = new AtomicLong();
    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();

    ApiCalls(String identity) {
        this.identity = identity;
    }

    /** A client of {@code baseUrl} (the API stand-in, or a FaultProxy in front of it) recording into {@code calls}. */
    static KubernetesClient client(Config template, String baseUrl, ApiCalls calls) {
        Config config = new ConfigBuilder(template).withMasterUrl(baseUrl).withUserAgent(calls.identity).build();
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("greenshank-api-calls", calls))
                .build();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        attempts.incrementAndGet();
        if (!"GET".equals(request.method())) {
            writes.add(new Write(System.nanoTime(), identity, request.method(), request.uri().getPath()));
        }
    }

    String identity() {
        return identity;
    }

    long attempts() {
        return attempts.get();
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }
}
