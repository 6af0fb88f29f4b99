package io.greenshank.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * README's "Try it" section as steps: every {@code ```sh} block is a step to paste, and a plain {@code ```} block right
 * after it (before the next {@code sh} block) is the answer README shows for it. Plain blocks before the first
 * {@code sh} block are the commands of the first shell (build and start).
 */
final class ReadmeStory {

    /** One block to paste, and the answer README shows for it, if any. */
    record Step(int index, String commands, Optional<String> shown) {
        String title() {
            String first = commands.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
            return "step " + index + " (" + (first.length() > 70 ? first.substring(0, 70) + "…" : first) + ")";
        }
    }

    private static final Pattern FENCE = Pattern.compile("(?m)^```(\\w*)\\n(.*?)^```\\s*$", Pattern.DOTALL);

    final List<String> firstShell;
    final List<Step> steps;

    private ReadmeStory(List<String> firstShell, List<Step> steps) {
        this.firstShell = firstShell;
        this.steps = steps;
    }

    static ReadmeStory read(Path readme) throws IOException {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf("\n## Try it");
        if (start < 0) {
            throw new IllegalStateException(readme + " has no '## Try it' section");
        }
        int end = text.indexOf("\n## ", start + 1);
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<String> firstShell = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        String pending = null;
        Matcher m = FENCE.matcher(section);
        while (m.find()) {
            String lang = m.group(1);
            String body = m.group(2);
            if (lang.equals("sh")) {
                if (pending != null) {
                    steps.add(new Step(steps.size() + 1, pending, Optional.empty()));
                }
                pending = body;
            } else if (lang.isEmpty()) {
                if (pending == null) {
                    firstShell.add(body.strip());
                } else {
                    steps.add(new Step(steps.size() + 1, pending, Optional.of(body)));
                    pending = null;
                }
            } else {
                throw new IllegalStateException("README's Try it section: a ```" + lang + " block; only ```sh "
                        + "(commands) and plain ``` (their answers) are walked by TryItStoryTest");
            }
        }
        if (pending != null) {
            steps.add(new Step(steps.size() + 1, pending, Optional.empty()));
        }
        return new ReadmeStory(firstShell, steps);
    }
}
