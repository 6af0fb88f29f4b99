package io.greenshank.authz.policy.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Policies from the {@code *.yaml} / {@code *.yml} files under a directory (recursively). {@link #scan()} is cheap when
 * nothing changed (it compares modification times and sizes) and re-reads only the files that did; run it on a timer.
 * A file that exists but cannot be read is a rejection (fail closed), not an absence.
 */
public final class DirectoryPolicySource {

    private static final Logger LOG = Logger.getLogger(DirectoryPolicySource.class);

    private record Stamp(long modified, long size) {
    }

    private final Path dir;
    private final PolicyStore store;
    private final PolicyDocuments documents;
    private final Map<Path, Stamp> stamps = new HashMap<>();
    private final Map<Path, List<PolicyEntry>> entries = new TreeMap<>();
    private boolean missingReported;

    public DirectoryPolicySource(Path dir, PolicyStore store) {
        this.dir = dir;
        this.store = store;
        this.documents = new PolicyDocuments(store.rootNamespace());
    }

    public String id() {
        return "dir:" + dir;
    }

    /** Looks for changes; publishes a new generation if there were any. Returns whether there were. */
    public synchronized boolean scan() {
        Map<Path, Stamp> now = new HashMap<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String n = p.getFileName().toString();
                    if ((n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".")) {
                        try {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            if (a.isRegularFile()) {
                                now.put(p, new Stamp(a.lastModifiedTime().toMillis(), a.size()));
                            }
                        } catch (IOException e) {
                            now.put(p, new Stamp(-1, -1));
                        }
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.errorf("cannot list policy directory %s: %s; keeping the policies last read from it", dir, e);
                return false;
            }
        } else if (!stamps.isEmpty()) {
            LOG.warnf("policy directory %s is gone; its policies are withdrawn", dir);
        } else if (!missingReported) {
            // A mistyped path would otherwise look exactly like "no policy", which allows every authenticated caller.
            LOG.warnf("policy directory %s (%s) does not exist: no policies are loaded from it until it appears",
                    dir, dir.toAbsolutePath());
            missingReported = true;
        }
        if (Files.isDirectory(dir)) {
            missingReported = false;
        }
        boolean changed = !now.keySet().equals(stamps.keySet());
        for (Map.Entry<Path, Stamp> e : now.entrySet()) {
            if (!Objects.equals(stamps.get(e.getKey()), e.getValue())) {
                changed = true;
                entries.put(e.getKey(), read(e.getKey()));
            }
        }
        entries.keySet().retainAll(now.keySet());
        stamps.clear();
        stamps.putAll(now);
        if (changed) {
            List<PolicyEntry> all = new ArrayList<>();
            entries.values().forEach(all::addAll);
            store.replace(id(), all);
        }
        return changed;
    }

    private List<PolicyEntry> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            // What the file said is unknown, so it might have been a DENY: it denies, mesh-wide.
            return documents.parseYaml("kind: AuthorizationPolicy\nmetadata:\n  name: unreadable-file\nspec: [",
                    file + " (unreadable: " + e.getClass().getSimpleName() + ")");
        }
        return documents.parseYaml(text, dir.relativize(file).toString());
    }
}
