package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server codec: turns the bytes a client wrote into Envoy's header map, or refuses them. HTTP/1 refusals are a
 * 400 (431 for size) written by the codec; HTTP/2 protocol errors reset the stream or close the connection, with no
 * HTTP response at all.
 */
final class DownstreamCodec {

    /**
     * The methods Envoy's HTTP/1 parsers accept, case-sensitively: a lower-case {@code get}, or any other word, is
     * HPE_INVALID_METHOD (http-parser's method table, which BalsaParser mirrors).
     */
    // source/common/http/http1/balsa_parser.cc, isMethodValid
    private static final Set<String> HTTP1_METHODS = Set.of("ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET",
            "HEAD", "LINK", "LOCK", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "MSEARCH", "NOTIFY", "OPTIONS",
            "PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "REBIND", "REPORT", "SEARCH", "SOURCE", "SUBSCRIBE",
            "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE");

    /** RFC 9113 8.2.2: connection-specific fields make an HTTP/2 request malformed. */
    private static final Set<String> HTTP2_CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    private final ConnectionManagerConfig config;

    DownstreamCodec(ConnectionManagerConfig config) {
        this.config = config;
    }

    DecodedRequest decode(DownstreamRequest request) {
        return config.codec() == Codec.HTTP1 ? http1(request) : http2(request);
    }

    // source/common/http/http1/codec_impl.cc, ServerConnectionImpl; source/common/http/http1/balsa_parser.cc
    private DecodedRequest http1(DownstreamRequest request) {
        if (!HTTP1_METHODS.contains(request.method())) {
            throw http1Error(400, "http1.codec_error");
        }
        String target = request.path();
        if (!http1UrlValid(target, request.method().equals("CONNECT"))) {
            throw http1Error(400, "http1.codec_error");
        }
        List<Header> fields = new ArrayList<>();
        if (!request.authority().isEmpty()) {
            fields.add(new Header("Host", request.authority()));
        }
        fields.addAll(request.headers().entries());

        EnvoyHeaderMap map = EnvoyHeaderMap.request();
        for (Header field : fields) {
            // HPE_INVALID_HEADER_TOKEN: a name that is not a token never parses
            if (!HttpTokens.isToken(field.name())) {
                throw http1Error(400, "http1.codec_error");
            }
            // ConnectionImpl::onHeaderValue: HeaderUtility::headerValueIsValid, else sendProtocolError(InvalidCharacters)
            if (!HttpTokens.isValidValue(field.value())) {
                throw http1Error(400, "http1.invalid_characters");
            }
            // ConnectionImpl::completeLastHeader: value trimmed, name lower-cased, then addViaMove
            map.add(field.name().toLowerCase(Locale.ROOT), HttpTokens.trimmed(field.value()));
            if (map.size() > config.maxRequestHeadersCount()) {
                throw http1Error(431, "http1.too_many_headers");
            }
            // ConnectionImpl::checkMaxHeadersSize
            if (map.byteSize() > config.maxRequestHeadersKb() * 1024L) {
                throw http1Error(431, "http1.headers_too_large");
            }
        }
        // ServerConnectionImpl::handlePath: an absolute URL's authority replaces Host (allow_absolute_url defaults on)
        int scheme = target.indexOf("://");
        if (!target.startsWith("/") && !target.equals("*") && scheme > 0) {
            String rest = target.substring(scheme + 3);
            int slash = indexOfAny(rest, "/?");
            map.setInline(":authority", slash < 0 ? rest : rest.substring(0, slash));
            target = slash < 0 ? "/" : (rest.charAt(slash) == '?' ? "/" + rest.substring(slash) : rest.substring(slash));
        }
        map.setInline(":path", target);
        map.setInline(":method", request.method());

        HeaderList trailers = HeaderList.EMPTY;
        if (config.http1EnableTrailers()) {
            trailers = http1Trailers(request.trailers());
        }
        // without enable_trailers the codec parses trailers and drops them: the request simply ends
        return new DecodedRequest(map, trailers);
    }

    private HeaderList http1Trailers(HeaderList written) {
        List<Header> out = new ArrayList<>();
        for (Header t : written.entries()) {
            if (!HttpTokens.isToken(t.name())) {
                throw http1Error(400, "http1.codec_error");
            }
            if (!HttpTokens.isValidValue(t.value())) {
                throw http1Error(400, "http1.invalid_characters");
            }
            out.add(new Header(t.name().toLowerCase(Locale.ROOT), HttpTokens.trimmed(t.value())));
        }
        return new HeaderList(out);
    }

    /** The request-target check http-parser made, which BalsaParser reproduces. */
    // source/common/http/http1/balsa_parser.cc, isUrlValid
    private static boolean http1UrlValid(String url, boolean connect) {
        if (url.isEmpty()) {
            return false;
        }
        if (url.charAt(0) == '/' || url.charAt(0) == '*') {
            return allPathQueryChars(url.substring(1));
        }
        String rest = url;
        if (!connect) {
            int i = 0;
            while (i < rest.length() && Character.isLetter(rest.charAt(i)) && rest.charAt(i) < 128) {
                i++;
            }
            if (i == 0 || !rest.startsWith("://", i)) {
                return false;
            }
            rest = rest.substring(i + 3);
        }
        int p = indexOfAny(rest, "/?");
        String host = p < 0 ? rest : rest.substring(0, p);
        String pathQuery = p < 0 ? "" : rest.substring(p);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "!$%&'()*+,-.:;=@[]_~".indexOf(c) < 0) {
                return false;
            }
        }
        return !host.contains("@@") && allPathQueryChars(pathQuery);
    }

    private static boolean allPathQueryChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == 9 || c == 12 || (c >= '!' && c <= '~'))) {
                return false;
            }
        }
        return true;
    }

    // source/common/http/http2/codec_impl.cc, ConnectionImpl::onHeader / onInvalidFrame (nghttp2 or oghttp2 validation:
    // RFC 9113 8.2 and 8.3); Utility::reconstituteCrumbledCookies
    private DecodedRequest http2(DownstreamRequest request) {
        if (!HttpTokens.isToken(request.method())) {
            throw http2Reset("http2.violation.of.messaging.rule");
        }
        String path = request.path();
        if (path.isEmpty() || !(path.startsWith("/") || (path.equals("*") && request.method().equals("OPTIONS")))) {
            throw http2Reset("http2.violation.of.messaging.rule");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || c == 0x7F) {
                throw http2Reset("http2.violation.of.messaging.rule");
            }
        }
        EnvoyHeaderMap map = EnvoyHeaderMap.request();
        map.add(":method", request.method());
        map.add(":scheme", request.tls() ? "https" : "http");
        if (!request.authority().isEmpty()) {
            if (!HttpTokens.isValidValue(request.authority())) {
                throw http2Reset("http2.invalid.header.field");
            }
            map.add(":authority", request.authority());
        }
        map.add(":path", path);
        List<String> cookies = new ArrayList<>();
        for (Header field : request.headers().entries()) {
            checkHttp2Field(field);
            if (field.name().equals("cookie")) {
                cookies.add(field.value());
            } else {
                map.add(field.name(), field.value());
            }
            if (map.byteSize() > config.maxRequestHeadersKb() * 1024L || map.size() > config.maxRequestHeadersCount()) {
                throw http2Reset("http2.too_many_headers");
            }
        }
        if (!cookies.isEmpty()) {
            map.add("cookie", String.join("; ", cookies));
        }
        List<Header> trailers = new ArrayList<>();
        for (Header t : request.trailers().entries()) {
            checkHttp2Field(t);
            trailers.add(t);
        }
        return new DecodedRequest(map, new HeaderList(trailers));
    }

    private static void checkHttp2Field(Header field) {
        String name = field.name();
        if (!HttpTokens.isToken(name) || HttpTokens.hasUpperCase(name)) {
            // RFC 9113 8.2.1: field names must be lower case; an upper-case name makes the message malformed
            throw http2Reset("http2.invalid.header.field");
        }
        if (!HttpTokens.isValidValue(field.value())) {
            throw http2Reset("http2.invalid.header.field");
        }
        if (HTTP2_CONNECTION_SPECIFIC.contains(name) || (name.equals("te") && !field.value().equals("trailers"))) {
            throw http2Reset("http2.violation.of.messaging.rule");
        }
    }

    private static LocalReplyException http1Error(int status, String details) {
        // ServerConnectionImpl::sendProtocolError: a local reply whose body is the status text
        return new LocalReplyException(LocalReply.of(status, status == 431 ? "Request Header Fields Too Large" : "Bad Request",
                details));
    }

    private static LocalReplyException http2Reset(String details) {
        return new LocalReplyException(ClientResponse.reset(details));
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
