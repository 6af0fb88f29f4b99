package io.greenshank.kubectl.krb5;

import java.util.Map;

/**
 * MIT's {@code %{...}} tokens in cache names and paths, as expanded on Unix by {@code k5_expand_path_tokens}
 * ({@code src/lib/krb5/os/expand_path.c}): {@code uid} and {@code USERID} (the real user id), {@code euid},
 * {@code TEMP} ({@code TMPDIR}, else {@code /tmp}), {@code null}, and the install directories {@code LIBDIR},
 * {@code BINDIR} and {@code SBINDIR}. Any other token is an error there, and so here.
 *
 * @param uid       the user id (the plugin does not run set-uid, so real and effective are the same)
 * @param tmpDir    {@code TMPDIR}, when set
 * @param multiarch the Debian library directory name, e.g. {@code x86_64-linux-gnu}, for {@code %{LIBDIR}}
 */
public record PathTokens(long uid, String tmpDir, String multiarch) {

    public static PathTokens of(Map<String, String> env, long uid) {
        String tmp = env.get("TMPDIR");
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64" -> "aarch64-linux-gnu";
            default -> System.getProperty("os.arch", "") + "-linux-gnu";
        };
        return new PathTokens(uid, tmp == null || tmp.isEmpty() ? null : tmp, arch);
    }

    /** Expands every token; an unknown or unclosed one is an {@link IllegalArgumentException} naming it. */
    public String expand(String in) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int start = in.indexOf("%{", from);
            if (start < 0) {
                out.append(in, from, in.length());
                return out.toString();
            }
            out.append(in, from, start);
            int end = in.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException("\"" + in + "\" has a %{ without its closing }");
            }
            String token = in.substring(start + 2, end);
            out.append(switch (token) {
                case "uid", "USERID", "euid" -> Long.toString(uid);
                case "TEMP" -> tmpDir != null ? tmpDir : "/tmp";
                case "null" -> "";
                case "LIBDIR" -> "/usr/lib/" + multiarch;
                case "BINDIR" -> "/usr/bin";
                case "SBINDIR" -> "/usr/sbin";
                default -> throw new IllegalArgumentException("\"" + in + "\" has the token %{" + token
                        + "}, which MIT Kerberos does not know either");
            });
            from = end + 1;
        }
    }
}
