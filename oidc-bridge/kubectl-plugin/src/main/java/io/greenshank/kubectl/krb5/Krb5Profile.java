package io.greenshank.kubectl.krb5;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code [libdefaults]} relations of MIT Kerberos's configuration, read the way libkrb5's profile library reads
 * them: the files named by {@code KRB5_CONFIG} (colon-separated) or {@code /etc/krb5.conf}, with {@code include} and
 * {@code includedir} directives followed where they stand, and the first value of a relation winning (MIT
 * {@code profile_get_value}). Sub-sections ({@code name = { ... }}) are skipped: nothing the plugin needs lives in them.
 *
 * @param libdefaults every {@code [libdefaults]} relation in reading order, with the file it came from
 */
public record Krb5Profile(List<Relation> libdefaults) {
    /** MIT's {@code DEFAULT_PROFILE_PATH} on Linux. */
    static final String DEFAULT_PATH = "/etc/krb5.conf";
    /** Include depth MIT allows before calling it a loop. */
    private static final int MAX_INCLUDE_DEPTH = 5;

    /** One {@code name = value} line. */
    public record Relation(String name, String value, Path file) {
    }

    /** Reads the configuration that MIT tools started with {@code env} read; missing files are skipped, as MIT does. */
    public static Krb5Profile load(Map<String, String> env) throws IOException {
        String configured = env.get("KRB5_CONFIG");
        String paths = configured == null || configured.isEmpty() ? DEFAULT_PATH : configured;
        List<Relation> relations = new ArrayList<>();
        for (String path : paths.split(":")) {
            if (!path.isEmpty()) {
                parseFile(Path.of(path), relations, 0, true);
            }
        }
        return new Krb5Profile(List.copyOf(relations));
    }

    /** The first value of a {@code [libdefaults]} relation. */
    public Optional<Relation> libdefault(String name) {
        return libdefaults.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    private static void parseFile(Path file, List<Relation> out, int depth, boolean optional) throws IOException {
        if (depth > MAX_INCLUDE_DEPTH) {
            throw new IOException("Kerberos configuration: includes nested more than " + MAX_INCLUDE_DEPTH
                    + " deep at " + file);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException missing) {
            if (optional) {
                return;
            }
            throw new IOException("Kerberos configuration: included file " + file + " does not exist");
        }
        String section = null;
        int braces = 0;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            // MIT: directives only at the start of a line and only outside a relation's braces.
            if (braces == 0 && raw.startsWith("include") && raw.length() > 7
                    && Character.isWhitespace(raw.charAt(7))) {
                parseFile(Path.of(raw.substring(7).strip()), out, depth + 1, false);
                continue;
            }
            if (braces == 0 && raw.startsWith("includedir") && raw.length() > 10
                    && Character.isWhitespace(raw.charAt(10))) {
                Path dir = Path.of(raw.substring(10).strip());
                for (Path included : includedFiles(dir)) {
                    parseFile(included, out, depth + 1, false);
                }
                continue;
            }
            if (line.startsWith("[")) {
                int close = line.indexOf(']');
                section = close > 0 ? line.substring(1, close).strip() : null;
                braces = 0;
                continue;
            }
            if (line.startsWith("}")) {
                braces = Math.max(0, braces - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.startsWith("{")) {
                braces++;
                continue;
            }
            if (braces == 0 && "libdefaults".equals(section)) {
                out.add(new Relation(stripFinal(name), unquote(value), file));
            }
        }
    }

    /**
     * The files {@code includedir} reads, in name order: those ending in {@code .conf}, or named only with letters,
     * digits, dashes and underscores; dot files never (MIT {@code prof_parse.c}, {@code valid_name}).
     */
    static List<Path> includedFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("Kerberos configuration: includedir " + dir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return !name.startsWith(".") && (name.endsWith(".conf") || name.matches("[A-Za-z0-9_-]+"));
            }).sorted().toList();
        }
    }

    /** A trailing {@code *} marks a relation final; it is not part of the name. */
    private static String stripFinal(String name) {
        return name.endsWith("*") ? name.substring(0, name.length() - 1).strip() : name;
    }

    private static String unquote(String value) {
        if (value.length() < 2 || !value.startsWith("\"")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
