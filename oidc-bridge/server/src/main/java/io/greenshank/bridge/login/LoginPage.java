package io.greenshank.bridge.login;

import java.util.Optional;

/** The browser login form: plain, accessible HTML with no scripts. */
public final class LoginPage {

    private LoginPage() {
    }

    public static String render(String action, String sealedRequest, String clientId, Optional<String> error,
                                String username) {
        StringBuilder b = new StringBuilder(2048);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Sign in</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem;"
                        + "line-height:1.5}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;"
                        + "font-size:1rem}button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}"
                        + "[role=alert]{color:#a00;border:1px solid #a00;padding:.5rem}</style>\n")
                .append("</head>\n<body>\n<main>\n<h1>Sign in</h1>\n<p>to continue to <strong>")
                .append(escape(clientId)).append("</strong></p>\n");
        error.ifPresent(e -> b.append("<p role=\"alert\" id=\"login-error\">").append(escape(e)).append("</p>\n"));
        b.append("<form method=\"post\" action=\"").append(escape(action)).append("\"")
                .append(error.isPresent() ? " aria-describedby=\"login-error\"" : "").append(">\n")
                .append("<input type=\"hidden\" name=\"request\" value=\"").append(escape(sealedRequest))
                .append("\">\n")
                .append("<label for=\"username\">Username</label>\n")
                .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required"
                        + " autofocus value=\"").append(escape(username)).append("\">\n")
                .append("<label for=\"password\">Password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\""
                        + " autocomplete=\"current-password\" required>\n")
                .append("<button type=\"submit\">Sign in</button>\n</form>\n</main>\n</body>\n</html>\n");
        return b.toString();
    }

    public static String message(String title, String text) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n</head>\n<body>\n<main>\n<h1>" + escape(title) + "</h1>\n<p>" + escape(text)
                + "</p>\n</main>\n</body>\n</html>\n";
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
