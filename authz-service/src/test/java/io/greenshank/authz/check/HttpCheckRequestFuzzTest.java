package io.greenshank.authz.check;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the HTTP ext_authz request (Envoy's {@code http_service}): method, request target and header lines as
 * Vert.x hands them to {@link HttpCheckRoute#toAttributes}, then the decision core. Input: lines separated by
 * {@code \n}; the first is {@code METHOD SP target}, the rest {@code name: value}. Properties: every request gets a
 * decision, never an exception; an allowed one passes {@link FuzzedChecks}'s well-formed-equivalent oracle.
 */
class HttpCheckRequestFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void check(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        int sp = lines[0].indexOf(' ');
        String method = sp < 0 ? lines[0] : lines[0].substring(0, sp);
        String uri = sp < 0 ? "/" : lines[0].substring(sp + 1);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
            }
        }
        FuzzedChecks.decideAndCheck(HttpCheckRoute.toAttributes(method, "/authz" + uri, headers, "", "/authz"));
    }
}
