package io.greenshank.identity.jwt;

/** Makes attacker-supplied strings fit for logs and error details: short, printable, no quotes. */
final class Safe {

    private static final int MAX = 64;

    private Safe() {
    }

    static String text(String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), MAX);
        StringBuilder b = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        if (s.length() > MAX) {
            b.append("...");
        }
        return b.toString();
    }
}
