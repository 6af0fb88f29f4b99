package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Envoy's header map, with the behaviour that decides what reaches the upstream: pseudo-headers kept ahead of the
 * others, in a request map {@code host} stored as {@code :authority}, the O(1) "inline" headers holding one entry (a
 * repeat is comma-joined into it), every other name keeping one entry per field, and set = remove every entry, then
 * add one at the end. Names given here are already lower case.
 */
// source/common/http/header_map_impl.cc, HeaderMapImpl (insertByKey, addCopy, setCopy, appendCopy, remove)
final class EnvoyHeaderMap {

    /**
     * The request map's inline headers: source/common/http/headers.h, INLINE_REQ_STRING_HEADERS,
     * INLINE_REQ_NUMERIC_HEADERS and INLINE_REQ_RESP_STRING/NUMERIC_HEADERS. Custom inline headers registered by
     * extensions (for example {@code authorization}) are not modelled.
     */
    private static final Set<String> REQUEST_INLINE = Set.of(
            // INLINE_REQ_RESP_STRING_HEADERS / NUMERIC
            "connection", "content-type", "x-envoy-decorator-operation", "keep-alive", "proxy-connection", "proxy-status",
            "x-request-id", "transfer-encoding", "upgrade", "via", "content-length", "x-envoy-attempt-count",
            // INLINE_REQ_STRING_HEADERS
            "x-client-trace-id", "x-envoy-downstream-service-cluster", "x-envoy-downstream-service-node",
            "x-envoy-external-address", "x-envoy-force-trace", "x-envoy-hedge-on-per-try-timeout", "x-envoy-internal",
            "x-envoy-ip-tags", "x-envoy-retry-on", "x-envoy-retry-grpc-on", "x-envoy-retriable-status-codes",
            "x-envoy-retriable-header-names", "x-envoy-original-path", "x-envoy-original-url",
            "x-envoy-upstream-alt-stat-name", "x-envoy-upstream-rq-timeout-alt-response", "expect",
            "x-forwarded-client-cert", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "grpc-timeout",
            ":authority", ":method", ":path", ":protocol", ":scheme", "te", "user-agent",
            // INLINE_REQ_NUMERIC_HEADERS
            "x-envoy-expected-rq-timeout-ms", "x-envoy-max-retries", "x-envoy-upstream-rq-timeout-ms",
            "x-envoy-upstream-rq-per-try-timeout-ms", "x-envoy-upstream-stream-duration-ms");

    /** headers.h: INLINE_RESP_STRING/NUMERIC_HEADERS(_TRAILERS) and INLINE_REQ_RESP_STRING/NUMERIC_HEADERS. */
    private static final Set<String> RESPONSE_INLINE = Set.of(
            "connection", "content-type", "x-envoy-decorator-operation", "keep-alive", "proxy-connection", "proxy-status",
            "x-request-id", "transfer-encoding", "upgrade", "via", "content-length", "x-envoy-attempt-count",
            "date", "x-envoy-degraded", "x-envoy-immediate-health-check-fail", "x-envoy-ratelimited",
            "x-envoy-upstream-canary", "x-envoy-upstream-healthchecked-cluster", "location", "server",
            "x-envoy-upstream-service-time", ":status", "grpc-status", "grpc-message");

    private final List<Header> entries = new ArrayList<>();
    private final Set<String> inline;
    private final boolean request;

    private EnvoyHeaderMap(Set<String> inline, boolean request) {
        this.inline = inline;
        this.request = request;
    }

    static EnvoyHeaderMap request() {
        return new EnvoyHeaderMap(REQUEST_INLINE, true);
    }

    static EnvoyHeaderMap response() {
        return new EnvoyHeaderMap(RESPONSE_INLINE, false);
    }

    /** In a request map {@code host} is the legacy spelling of {@code :authority} (HeaderMapImpl::StaticLookupTable). */
    private String key(String name) {
        return request && name.equals("host") ? ":authority" : name;
    }

    /** addViaMove / addCopy: a repeated inline header is joined into its one entry with ",". */
    void add(String name, String value) {
        String k = key(name);
        if (inline.contains(k)) {
            int i = indexOf(k);
            if (i >= 0) {
                entries.set(i, new Header(k, joined(entries.get(i).value(), value, ",")));
                return;
            }
        }
        insert(new Header(k, value));
    }

    /** setCopy: every entry under the name goes, one new entry is added (at the end of its section). */
    void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    /**
     * The typed setters of inline headers ({@code setPath}, {@code setForwardedProto}, {@code setRequestId}, …): the
     * one entry's value changes where it stands; absent, it is added.
     */
    // source/common/http/header_map_impl.h, HeaderMapImpl::setInline
    void setInline(String name, String value) {
        String k = key(name);
        int i = indexOf(k);
        if (i < 0) {
            add(k, value);
        } else {
            entries.set(i, new Header(k, value));
        }
    }

    /** appendCopy: joins onto the first entry ("; " for cookie, "," otherwise), or adds one. */
    // source/common/http/header_map_impl.cc, HeaderMapImpl::appendCopy / delimiterByHeader
    void append(String name, String value) {
        String k = key(name);
        int i = indexOf(k);
        if (i < 0) {
            add(k, value);
            return;
        }
        entries.set(i, new Header(k, joined(entries.get(i).value(), value, k.equals("cookie") ? "; " : ",")));
    }

    void remove(String name) {
        String k = key(name);
        entries.removeIf(h -> h.name().equals(k));
    }

    List<String> get(String name) {
        String k = key(name);
        return entries.stream().filter(h -> h.name().equals(k)).map(Header::value).toList();
    }

    Optional<String> first(String name) {
        List<String> v = get(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    boolean has(String name) {
        return indexOf(key(name)) >= 0;
    }

    String value(String name) {
        return first(name).orElse("");
    }

    int size() {
        return entries.size();
    }

    /** byteSize(): names plus values. */
    long byteSize() {
        long n = 0;
        for (Header h : entries) {
            n += h.name().length() + h.value().length();
        }
        return n;
    }

    List<Header> entries() {
        return List.copyOf(entries);
    }

    /** The non-pseudo entries, in order: what an HTTP/1 upstream sees as header lines (besides Host). */
    HeaderList regularHeaders() {
        return new HeaderList(entries.stream().filter(h -> !h.name().startsWith(":")).toList());
    }

    private int indexOf(String k) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().equals(k)) {
                return i;
            }
        }
        return -1;
    }

    /** HeaderList::insert: pseudo-headers go after the last pseudo-header, everything else at the end. */
    private void insert(Header h) {
        if (!h.name().startsWith(":")) {
            entries.add(h);
            return;
        }
        int i = 0;
        while (i < entries.size() && entries.get(i).name().startsWith(":")) {
            i++;
        }
        entries.add(i, h);
    }

    /** HeaderMapImpl::appendToHeader: nothing to add leaves the value; the delimiter only between two values. */
    private static String joined(String existing, String more, String delimiter) {
        if (more.isEmpty()) {
            return existing;
        }
        return existing.isEmpty() ? more : existing + delimiter + more;
    }
}
