package io.greenshank.envoy;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A response Envoy generates itself ({@code sendLocalReply}): the status, the filter's header changes, then
 * {@code content-length} and a {@code text/plain} content type for a non-empty body (unless one was set), then the
 * connection manager's own response headers ({@code date}, {@code server: envoy}) and hop-by-hop removal.
 */
final class LocalReply {

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US);

    private LocalReply() {
    }

    static ClientResponse of(int status, String body, String details) {
        return of(status, body, details, List.of());
    }

    // source/common/http/utility.cc, Utility::prepareLocalReply (modify_headers first, then content-length/type)
    static ClientResponse of(int status, String body, String details, List<HeaderMutation> headerChanges) {
        EnvoyHeaderMap headers = EnvoyHeaderMap.response();
        // ext_authz.cc, Filter::onComplete (Denied): first remove every name the server set, so that they override,
        // then add each in order, so that one name may be set several times (set-cookie)
        for (HeaderMutation m : headerChanges) {
            if (m.action() == HeaderMutation.Action.SET) {
                headers.remove(lower(m.name()));
            }
        }
        for (HeaderMutation m : headerChanges) {
            String name = lower(m.name());
            switch (m.action()) {
                case SET, ADD -> headers.add(name, m.value());
                case ADD_IF_ABSENT -> {
                    if (!headers.has(name)) {
                        headers.add(name, m.value());
                    }
                }
                case OVERWRITE_IF_EXISTS -> {
                    if (headers.has(name)) {
                        headers.set(name, m.value());
                    }
                }
                case APPEND_IF_EXISTS -> {
                    if (headers.has(name)) {
                        headers.append(name, m.value());
                    }
                }
            }
        }
        String octets = Octets.fromUtf8(body);
        if (!body.isEmpty()) {
            headers.set("content-length", Integer.toString(octets.length()));
            if (!headers.has("content-type")) {
                headers.add("content-type", "text/plain");
            }
        } else {
            headers.remove("content-length");
            headers.remove("content-type");
        }
        // source/common/http/conn_manager_impl.cc, ActiveStream::encodeHeaders: date if absent, server overwritten
        if (!headers.has("date")) {
            headers.add("date", HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        }
        headers.set("server", "envoy");
        // source/common/http/conn_manager_utility.cc, ConnectionManagerUtility::mutateResponseHeaders: hop-by-hop
        for (String hop : List.of("connection", "upgrade", "transfer-encoding", "keep-alive", "proxy-connection")) {
            headers.remove(hop);
        }
        return new ClientResponse(status, headers.regularHeaders(), body, details);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
