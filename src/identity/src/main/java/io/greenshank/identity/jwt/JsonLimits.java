package io.greenshank.identity.jwt;

/**
 * Cheap structural checks run before any JSON parser sees attacker-controlled text, so a nested "JSON bomb"
 * cannot exhaust the parser's stack.
 */
final class JsonLimits {

    private JsonLimits() {
    }

    /** The maximum depth of nested objects and arrays, ignoring brackets inside strings. */
    static int depth(String json) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
                if (depth > max) {
                    max = depth;
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return max;
    }
}
