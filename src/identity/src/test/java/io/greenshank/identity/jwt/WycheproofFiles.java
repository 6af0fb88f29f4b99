package io.greenshank.identity.jwt;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds and reads the Wycheproof test-vector files. They are never copied into this repository: they live in
 * {@code ../shared/data/wycheproof/} next to the repository root (CI has the same copy there). Missing files fail
 * the test with the place they were expected; nothing is skipped.
 */
final class WycheproofFiles {

    /** Overrides where the vector directory is, e.g. {@code -Dgreenshank.wycheproof.dir=/path/to/wycheproof}. */
    static final String DIR_PROPERTY = "greenshank.wycheproof.dir";
    /** Set by the module's pom to {@code ${maven.multiModuleProjectDirectory}}. */
    static final String ROOT_PROPERTY = "greenshank.root";
    static final Path RELATIVE_TO_ROOT = Path.of("..", "shared", "data", "wycheproof");

    private static Path dir;

    private WycheproofFiles() {
    }

    /** One test vector: its group (keys, algorithm) and the test itself. */
    record Vector(String file, int tcId, String comment, String result, List<String> flags,
                  Map<String, Object> group, Map<String, Object> test) {

        String string(String key) {
            Object v = test.get(key);
            if (!(v instanceof String s)) {
                throw new AssertionError(file + " tcId " + tcId + ": \"" + key + "\" is not a string");
            }
            return s;
        }

        @Override
        public String toString() {
            return "tcId " + tcId + " (" + result + ", " + comment + (flags.isEmpty() ? "" : ", " + flags) + ")";
        }
    }

    static synchronized Path dir() {
        if (dir == null) {
            dir = locate();
        }
        return dir;
    }

    private static Path locate() {
        String explicit = System.getProperty(DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new AssertionError("Wycheproof vectors: -D" + DIR_PROPERTY + "=" + p + " is not a directory");
            }
            return p;
        }
        Path root = repositoryRoot();
        Set<Path> tried = new LinkedHashSet<>();
        tried.add(root.resolve(RELATIVE_TO_ROOT).normalize());
        // A linked git worktree (git worktree add) sits elsewhere; its main worktree is the checkout beside shared/.
        mainWorktree(root).ifPresent(main -> tried.add(main.resolve(RELATIVE_TO_ROOT).normalize()));
        for (Path p : tried) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new AssertionError("Wycheproof test vectors not found. They are expected in ../shared/data/wycheproof/ "
                + "relative to the repository root " + root + " (CI has them there), i.e. at " + tried
                + ". They are never copied into the repository; point -D" + DIR_PROPERTY + " at another copy.");
    }

    /** The directory holding the root pom and mvnw: the Maven-given root, else the nearest such ancestor. */
    static Path repositoryRoot() {
        String given = System.getProperty(ROOT_PROPERTY);
        if (given != null && !given.isBlank() && isRoot(Path.of(given))) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new AssertionError("cannot find the repository root (a directory with mvnw and pom.xml) at or above "
                + start + " to locate the Wycheproof vectors in ../shared/data/wycheproof/ beside it");
    }

    private static boolean isRoot(Path p) {
        return Files.isRegularFile(p.resolve("mvnw")) && Files.isRegularFile(p.resolve("pom.xml"));
    }

    /** When root/.git is a file ("gitdir: ..."), the main worktree that owns the repository. */
    private static java.util.Optional<Path> mainWorktree(Path root) {
        Path dotGit = root.resolve(".git");
        if (!Files.isRegularFile(dotGit)) {
            return java.util.Optional.empty();
        }
        try {
            String line = Files.readString(dotGit).trim();
            if (!line.startsWith("gitdir:")) {
                return java.util.Optional.empty();
            }
            Path gitDir = root.resolve(line.substring("gitdir:".length()).trim()).normalize();
            Path commonFile = gitDir.resolve("commondir");
            Path common = Files.isRegularFile(commonFile)
                    ? gitDir.resolve(Files.readString(commonFile).trim()).normalize() : gitDir;
            return common.getFileName() != null && common.getFileName().toString().equals(".git")
                    ? java.util.Optional.ofNullable(common.getParent()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** Every vector of one file, checked against the file's own {@code numberOfTests}. */
    static List<Vector> vectors(String fileName) {
        Path file = dir().resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("Wycheproof file " + fileName + " is missing from " + dir());
        }
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(Files.readString(file));
        } catch (IOException | ParseException e) {
            throw new AssertionError("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Vector> out = new ArrayList<>();
        for (Object g : list(doc.get("testGroups"), fileName + " testGroups")) {
            Map<String, Object> group = map(g, fileName + " test group");
            for (Object t : list(group.get("tests"), fileName + " tests")) {
                Map<String, Object> test = map(t, fileName + " test");
                List<String> flags = new ArrayList<>();
                for (Object f : test.get("flags") == null ? List.of() : list(test.get("flags"), "flags")) {
                    flags.add((String) f);
                }
                out.add(new Vector(fileName, ((Number) test.get("tcId")).intValue(), (String) test.get("comment"),
                        (String) test.get("result"), List.copyOf(flags), group, test));
            }
        }
        Object declared = doc.get("numberOfTests");
        if (out.isEmpty() || !(declared instanceof Number n) || n.intValue() != out.size()) {
            throw new AssertionError(fileName + ": read " + out.size() + " vectors, the file declares " + declared);
        }
        return out;
    }

    static List<?> list(Object o, String what) {
        if (!(o instanceof List<?> l)) {
            throw new AssertionError(what + " is not a JSON array");
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new AssertionError(what + " is not a JSON object");
        }
        return (Map<String, Object>) m;
    }
}
