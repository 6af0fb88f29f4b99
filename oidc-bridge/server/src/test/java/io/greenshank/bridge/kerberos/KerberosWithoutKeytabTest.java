package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import io.greenshank.testing.kerberos.MitKdc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bridge whose configured keytab is missing (a Secret not mounted, a typo): Kerberos logins are 401s with a
 * reason, never a 500, and everything else keeps working.
 */
@QuarkusTest
@TestProfile(KerberosWithoutKeytabTest.MissingKeytab.class)
class KerberosWithoutKeytabTest {

    public static class MissingKeytab implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                MitKdc kdc = MitKdc.shared();
                return Map.of("greenshank.kerberos.keytab", kdc.dir().resolve("not-mounted.keytab").toString(),
                        "greenshank.kerberos.krb5-conf", kdc.krb5Conf().toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @TestHTTPResource("/token")
    URL token;

    @Test
    void kerberosLoginsAre401sWithAReasonAndPasswordsStillWork() throws Exception {
        MitKdc kdc = MitKdc.shared();
        try {
            kdc.addUser("alice", "alice-krb-pw");
        } catch (java.io.IOException exists) {
            // created by another test class of this JVM
        }
        Path ccache = kdc.kinit("alice", "alice-krb-pw");
        String url = token.toString().replace("127.0.0.1", "localhost");
        ProcessBuilder pb = new ProcessBuilder("curl", "-sS", "--negotiate", "-u", ":", "-w", "\n%{http_code}",
                "-d", "grant_type=" + KerberosBridgeEndToEndTest.EXCHANGE,
                "-d", "subject_token_type=" + KerberosBridgeEndToEndTest.SPNEGO_TYPE,
                "-d", "client_id=kubectl", url);
        pb.environment().putAll(kdc.env(ccache));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String[] lines = out.split("\n");
        assertThat(lines[lines.length - 1]).isEqualTo("401");
        assertThat(out).contains("\"error\":\"invalid_grant\"").contains("Kerberos is not available");

        io.restassured.RestAssured.given().formParam("grant_type", "password").formParam("client_id", "kubectl")
                .formParam("username", "bob").formParam("password", "bob-password").formParam("scope", "openid")
                .post("/token").then().statusCode(200);
    }
}
