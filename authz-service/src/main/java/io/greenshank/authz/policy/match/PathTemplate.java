package io.greenshank.authz.policy.match;

import java.util.ArrayList;
import java.util.List;

/**
 * A path template as Istio accepts in {@code paths} / {@code notPaths}, matched the way Envoy's URI template matcher
 * (which Istio configures for them) matches it.
 *
 * <p>Validation follows Istio's {@code CheckValidPathTemplate} (istio/istio {@code pkg/config/security/security.go}):
 * every {@code /}-separated segment is {@code {*}}, {@code {**}} or a literal of RFC 3986 {@code pchar}s
 * ({@code a-zA-Z0-9-._~%!$&'()+,;:@=}); no other {@code {}, {@code }} or {@code *}; and no {@code {*}} or
 * {@code {**}} after a {@code {**}}. Literal segments after {@code {**}} are valid ({@code /shop/{**}/basket},
 * {@code /files/{**}/}); {@code /media/{**}.mpd} and {@code /a/{*}.txt} are not (an operator must be a whole segment).
 * Beyond Istio's check, the template must start with {@code /} and have no empty segment except a trailing one: Envoy
 * refuses any other shape ({@code parseURLPatternSyntax} in envoyproxy/envoy
 * {@code source/extensions/path/uri_template_lib/uri_template_internal.cc}).
 *
 * <p>Matching follows Envoy's regex translation in the same file ({@code toRegexPattern}), applied to the whole path
 * ({@code UriTemplateMatcher::match}, a full match): {@code {*}} is one or more {@code pchar}s other than {@code =}
 * and {@code *} (never {@code /}), {@code {**}} is zero or more such characters or {@code /}, literals match
 * themselves, and segments are joined by {@code /}. So {@code /shop/{**}/basket} matches {@code /shop//basket},
 * {@code /shop/a/basket} and {@code /shop/a/b/basket} but not {@code /shop/basket}; {@code /files/{**}/} matches
 * {@code /files/a/b/} and {@code /files//} but not {@code /files/a/b.txt}; and a segment holding a character outside
 * that set (e.g. {@code =}, {@code *}, a space) is matched by no operator.
 *
 * <p>Matching allocates nothing: at most one {@code {**}}, with only literal text after it, makes it a single
 * left-to-right pass.
 */
public final class PathTemplate {

    private sealed interface Part permits Literal, OneSegment {
    }

    private record Literal(String text) implements Part {
    }

    private record OneSegment() implements Part {
    }

    private static final String ONE = "{*}";
    private static final String ANY = "{**}";

    private final String source;
    /** Everything before the {@code {**}}, or the whole template when it has none. */
    private final Part[] head;
    /** Whether the template has a {@code {**}}. */
    private final boolean any;
    /** The literal text after the {@code {**}} (e.g. {@code /basket}, {@code /}, or empty). */
    private final String tail;

    private PathTemplate(String source, List<Part> head, boolean any, String tail) {
        this.source = source;
        this.head = head.toArray(new Part[0]);
        this.any = any;
        this.tail = tail;
    }

    public static boolean isTemplate(String path) {
        return path.contains(ONE) || path.contains(ANY);
    }

    public static PathTemplate parse(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("path template must start with '/': '" + template + "'");
        }
        String[] segments = template.substring(1).split("/", -1);
        List<Part> head = new ArrayList<>();
        StringBuilder literal = new StringBuilder("/");
        boolean any = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (i > 0) {
                literal.append('/');
            }
            if (s.equals(ONE) || s.equals(ANY)) {
                if (any) {
                    throw new IllegalArgumentException("{**} must be the last operator in '" + template + "'");
                }
                flush(literal, head);
                if (s.equals(ONE)) {
                    head.add(new OneSegment());
                } else {
                    any = true;
                }
                continue;
            }
            if (s.isEmpty()) {
                if (last && i > 0) {
                    continue; // a trailing '/': Envoy's empty last literal
                }
                throw new IllegalArgumentException("empty path segment in template '" + template + "'");
            }
            if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                throw new IllegalArgumentException("'{' or '}' outside a whole-segment {*} or {**} in '" + template
                        + "'");
            }
            for (int j = 0; j < s.length(); j++) {
                if (!isTemplateLiteral(s.charAt(j))) {
                    throw new IllegalArgumentException("segment '" + s + "' of template '" + template
                            + "' is not a literal (allowed: letters, digits and -._~%!$&'()+,;:@=)");
                }
            }
            literal.append(s);
        }
        if (any) {
            // after {**} only literal text remains (validated above); it is all in `literal`
            return new PathTemplate(template, head, true, literal.toString());
        }
        flush(literal, head);
        return new PathTemplate(template, head, false, "");
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    /** Istio's literal characters (its {@code validLiteral}: Envoy's {@code kLiteral} plus {@code =}). */
    static boolean isTemplateLiteral(char c) {
        return isGlobChar(c) || c == '=';
    }

    /** The characters Envoy's {@code *} / {@code **} globs match (its {@code kLiteral}: pchar without * and =). */
    static boolean isGlobChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return switch (c) {
            case '-', '.', '_', '~', '%', '!', '$', '&', '\'', '(', ')', '+', ',', ';', ':', '@' -> true;
            default -> false;
        };
    }

    public boolean matches(String path) {
        if (path == null) {
            return false;
        }
        int pos = 0;
        for (Part p : head) {
            if (p instanceof Literal l) {
                if (!path.startsWith(l.text(), pos)) {
                    return false;
                }
                pos += l.text().length();
            } else {
                int end = pos;
                while (end < path.length() && isGlobChar(path.charAt(end))) {
                    end++;
                }
                // the segment must be non-empty and end at a '/' or the end of the path
                if (end == pos || (end < path.length() && path.charAt(end) != '/')) {
                    return false;
                }
                pos = end;
            }
        }
        if (!any) {
            return pos == path.length();
        }
        int middleEnd = path.length() - tail.length();
        if (middleEnd < pos || !path.startsWith(tail, middleEnd)) {
            return false;
        }
        for (int i = pos; i < middleEnd; i++) {
            char c = path.charAt(i);
            if (c != '/' && !isGlobChar(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return source;
    }
}
