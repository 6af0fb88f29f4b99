package io.greenshank.authz.policy.match;

import java.util.ArrayList;
import java.util.List;

/**
 * An Envoy URI template as Istio accepts in {@code paths}: {@code {*}} matches exactly one non-empty path segment,
 * {@code {**}} matches zero or more segments and must be the last operator. Other text is literal.
 */
public final class PathTemplate {

    private sealed interface Part permits Literal, OneSegment, AnySegments {
    }

    private record Literal(String text) implements Part {
    }

    private record OneSegment() implements Part {
    }

    /** Zero or more segments, then the literal suffix the last one must end with (e.g. {@code .mpd}). */
    private record AnySegments(String suffix) implements Part {
    }

    private final String source;
    private final List<Part> parts;

    private PathTemplate(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public static boolean isTemplate(String path) {
        return path.contains("{*}") || path.contains("{**}");
    }

    public static PathTemplate parse(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("path template must start with '/': '" + template + "'");
        }
        List<Part> parts = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < template.length()) {
            if (template.startsWith("{**}", i)) {
                String suffix = template.substring(i + 4);
                if (suffix.contains("{") || suffix.contains("}") || suffix.contains("/")) {
                    throw new IllegalArgumentException("{**} must be the last operator in '" + template + "'");
                }
                flush(literal, parts);
                parts.add(new AnySegments(suffix));
                return new PathTemplate(template, List.copyOf(parts));
            } else if (template.startsWith("{*}", i)) {
                if (i == 0 || template.charAt(i - 1) != '/'
                        || (i + 3 < template.length() && template.charAt(i + 3) != '/')) {
                    throw new IllegalArgumentException("{*} must be a whole path segment in '" + template + "'");
                }
                flush(literal, parts);
                parts.add(new OneSegment());
                i += 3;
            } else {
                char c = template.charAt(i);
                if (c == '{' || c == '}') {
                    throw new IllegalArgumentException("unsupported template operator in '" + template + "'");
                }
                literal.append(c);
                i++;
            }
        }
        flush(literal, parts);
        return new PathTemplate(template, List.copyOf(parts));
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    public boolean matches(String path) {
        if (path == null) {
            return false;
        }
        int pos = 0;
        for (Part p : parts) {
            if (p instanceof Literal l) {
                if (!path.startsWith(l.text(), pos)) {
                    return false;
                }
                pos += l.text().length();
            } else if (p instanceof OneSegment) {
                int end = path.indexOf('/', pos);
                if (end < 0) {
                    end = path.length();
                }
                if (end == pos) {
                    return false;
                }
                pos = end;
            } else if (p instanceof AnySegments a) {
                return path.length() - pos >= a.suffix().length() && path.endsWith(a.suffix());
            }
        }
        return pos == path.length();
    }

    @Override
    public String toString() {
        return source;
    }
}
