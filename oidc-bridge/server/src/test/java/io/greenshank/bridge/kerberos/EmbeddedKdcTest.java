package io.greenshank.bridge.kerberos;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The dev profile's in-process KDC against the real MIT tools: {@code kinit alice@GREENSHANK.DEV} with the krb5.conf
 * the bridge wrote, then {@code curl --negotiate -u :} at {@code /token}, as a newcomer does against
 * {@code bin/greenshank-dev}.
 */
@QuarkusTest
@TestProfile(EmbeddedKdcTestProfile.class)
class EmbeddedKdcTest {

    @TestHTTPResource(value = "/", tls = true)
    URL httpsRoot;

    @Test
    void mitKinitAgainstTheEmbeddedKdcThenCurlNegotiateGetsKerberosTokens() throws Exception {
        Path krb5Conf = EmbeddedKdcTestProfile.kdcDir().resolve("krb5.conf");
        assertThat(krb5Conf).exists();
        Path ccache = Files.createTempFile(EmbeddedKdcTestProfile.kdcDir(), "ccache-", "");
        Files.delete(ccache);
        Map<String, String> env = Map.of("KRB5_CONFIG", krb5Conf.toString(), "KRB5CCNAME", "FILE:" + ccache);

        String[] kinit = run(List.of("kinit", "alice@GREENSHANK.DEV"), env, "alice-password\n");
        assertThat(kinit[0]).as("kinit: %s", kinit[1]).isEqualTo("0");

        String issuer = httpsRoot.toString().replace("127.0.0.1", "localhost").replaceAll("/$", "");
        String[] curl = run(List.of("curl", "-sS", "--fail-with-body", "--negotiate", "-u", ":",
                "--cacert", KerberosTestProfile.bridgeCertificate().toString(),
                "-d", "grant_type=urn:ietf:params:oauth:grant-type:token-exchange",
                "-d", "subject_token_type=urn:greenshank:params:oauth:token-type:spnego",
                "-d", "client_id=kubectl", issuer + "/token"), env, null);
        assertThat(curl[0]).as("curl: %s", curl[1]).isEqualTo("0");
        Map<String, Object> body = io.restassured.path.json.JsonPath.from(curl[1]).getMap("");
        JWTClaimsSet claims = SignedJWT.parse((String) body.get("id_token")).getJWTClaimsSet();
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("amr")).isEqualTo(List.of("kerberos"));
        assertThat(body.get("refresh_token")).isNotNull();
    }

    @Test
    void theDemoPasswordIsNeededAtTheEmbeddedKdc() throws Exception {
        Path ccache = Files.createTempFile(EmbeddedKdcTestProfile.kdcDir(), "ccache-", "");
        Files.delete(ccache);
        String[] kinit = run(List.of("kinit", "bob@GREENSHANK.DEV"), Map.of("KRB5_CONFIG",
                EmbeddedKdcTestProfile.kdcDir().resolve("krb5.conf").toString(), "KRB5CCNAME", "FILE:" + ccache),
                "not-bobs-password\n");
        assertThat(kinit[0]).isNotEqualTo("0");
        assertThat(ccache).doesNotExist();
    }

    /** Returns {exit code, stdout+stderr}. */
    private static String[] run(List<String> command, Map<String, String> env, String stdin)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException exitedEarly) {
            // the process did not read its input (it failed first): its output says why
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new String[] {"timeout", out};
        }
        return new String[] {Integer.toString(p.exitValue()), out};
    }
}
