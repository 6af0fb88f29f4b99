package io.greenshank.bridge.device;

import static io.greenshank.bridge.login.LoginPage.escape;

import java.util.Optional;

/** The verification pages of the device grant: plain, accessible HTML with no scripts; every value escaped. */
final class DevicePage {

    private static final String HEAD = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Device sign-in</title>\n"
            + "<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"
            + "label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font-size:1rem}"
            + "button{margin-top:1.5rem;margin-right:1rem;padding:.6rem 1.2rem;font-size:1rem}"
            + ".code{font-family:monospace;font-size:1.5rem;letter-spacing:.1em}"
            + "[role=alert]{color:#a00;border:1px solid #a00;padding:.5rem}</style>\n</head>\n<body>\n<main>\n"
            + "<h1>Device sign-in</h1>\n";
    private static final String TAIL = "</main>\n</body>\n</html>\n";

    private DevicePage() {
    }

    /** Asks for the code the device shows; a GET form, so it changes nothing. */
    static String entry(String action, Optional<String> error) {
        StringBuilder b = new StringBuilder(HEAD);
        alert(b, error);
        b.append("<form method=\"get\" action=\"").append(escape(action)).append("\"")
                .append(error.isPresent() ? " aria-describedby=\"device-error\"" : "").append(">\n")
                .append("<label for=\"user_code\">Enter the code shown on your device</label>\n")
                .append("<input id=\"user_code\" name=\"user_code\" type=\"text\" autocomplete=\"off\""
                        + " autocapitalize=\"characters\" spellcheck=\"false\" required autofocus>\n")
                .append("<button type=\"submit\">Continue</button>\n</form>\n").append(TAIL);
        return b.toString();
    }

    /**
     * Shows which client asks, with the code to compare against the device's, and the sign-in fields; the post
     * carries the browser's CSRF binding.
     */
    static String approval(String action, String userCode, String clientId, String csrfBinding,
                           Optional<String> error, String username) {
        StringBuilder b = new StringBuilder(HEAD);
        b.append("<p><strong>").append(escape(clientId)).append("</strong> on a device is asking to sign in as you."
                + " Continue only if your device shows this code:</p>\n<p class=\"code\">").append(escape(userCode))
                .append("</p>\n");
        alert(b, error);
        b.append("<form method=\"post\" action=\"").append(escape(action)).append("\"")
                .append(error.isPresent() ? " aria-describedby=\"device-error\"" : "").append(">\n")
                .append("<input type=\"hidden\" name=\"user_code\" value=\"").append(escape(userCode)).append("\">\n")
                .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(escape(csrfBinding)).append("\">\n")
                .append("<label for=\"username\">Username</label>\n")
                .append("<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\""
                        + " value=\"").append(escape(username)).append("\">\n")
                .append("<label for=\"password\">Password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\""
                        + " autocomplete=\"current-password\">\n")
                .append("<button type=\"submit\" name=\"decision\" value=\"approve\">Sign in and approve</button>\n")
                .append("<button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\n")
                .append("</form>\n").append(TAIL);
        return b.toString();
    }

    private static void alert(StringBuilder b, Optional<String> error) {
        error.ifPresent(e -> b.append("<p role=\"alert\" id=\"device-error\">").append(escape(e)).append("</p>\n"));
    }
}
