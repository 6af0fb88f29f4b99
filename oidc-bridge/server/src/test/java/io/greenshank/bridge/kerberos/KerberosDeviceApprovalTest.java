package io.greenshank.bridge.kerberos;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.greenshank.bridge.device.DeviceCodeGrant;
import io.greenshank.testing.kerberos.MitKdc;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Approving a device code with Kerberos instead of a password: real MIT KDC, real {@code kinit}, and curl as the
 * browser ({@code --negotiate}, a cookie jar), over HTTPS. The approval post answers {@code 401 Negotiate}; curl
 * retries it with the ticket, as a browser does.
 */
@QuarkusTest
@TestProfile(KerberosDeviceProfile.class)
class KerberosDeviceApprovalTest {

    static MitKdc kdc;
    static Path work;
    static Path aliceCcache;
    static Path daveCcache;

    @TestHTTPResource(value = "/", tls = true)
    URL httpsRoot;

    @BeforeAll
    static void users() throws Exception {
        kdc = MitKdc.shared();
        work = Files.createTempDirectory("greenshank-kerberos-device-");
        for (String user : List.of("alice", "dave")) {
            try {
                kdc.addUser(user, user + "-krb-pw");
            } catch (java.io.IOException alreadyThere) {
                // another test class of this JVM created the principal
            }
        }
        aliceCcache = kdc.kinit("alice", "alice-krb-pw");
        daveCcache = kdc.kinit("dave", "dave-krb-pw");
    }

    private String issuer() {
        return httpsRoot.toString().replace("127.0.0.1", "localhost").replaceAll("/$", "");
    }

    /** curl as the user's browser: the realm's environment, a cookie jar; returns {status, body}. */
    private String[] browser(Path ccache, Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert",
                KerberosTestProfile.bridgeCertificate().toString(), "-b", jar.toString(), "-c", jar.toString(),
                "-o", "-", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        String out = kdc.run(command, kdc.env(ccache));
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(nl + 1), out.substring(0, nl)};
    }

    static JsonPath start() {
        return given().formParams(Map.of("client_id", "kubectl", "scope", "openid")).post("/device_authorization")
                .then().statusCode(200).extract().jsonPath();
    }

    static io.restassured.response.Response poll(String deviceCode) {
        return given().formParams(Map.of("grant_type", DeviceCodeGrant.GRANT_TYPE, "client_id", "kubectl",
                "device_code", deviceCode)).post("/token");
    }

    private String[] approveWithTicket(Path ccache, String userCode) throws Exception {
        Path jar = Files.createTempFile(work, "cookies-", ".txt");
        String[] page = browser(ccache, jar, issuer() + "/device?user_code=" + userCode);
        assertThat(page[0]).isEqualTo("200");
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"").matcher(page[1]);
        assertThat(m.find()).isTrue();
        return browser(ccache, jar, "--negotiate", "-u", ":", "-d", "user_code=" + userCode, "-d",
                "csrf=" + m.group(1), "-d", "decision=approve", issuer() + "/device");
    }

    @Test
    void aKerberosTicketApprovesTheDeviceAndTheTokensSayKerberos() throws Exception {
        JsonPath s = start();
        String[] approved = approveWithTicket(aliceCcache, s.getString("user_code"));
        assertThat(approved[0]).as(approved[1]).isEqualTo("200");
        assertThat(approved[1]).contains("Device approved");
        var tokens = poll(s.getString("device_code"));
        tokens.then().statusCode(200);
        JWTClaimsSet id = SignedJWT.parse(tokens.jsonPath().getString("id_token")).getJWTClaimsSet();
        assertThat(id.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(id.getStringListClaim("amr")).containsExactly("kerberos");
    }

    @Test
    void aTicketForSomeoneNotInTheDirectoryApprovesNothing() throws Exception {
        JsonPath s = start();
        String[] refused = approveWithTicket(daveCcache, s.getString("user_code"));
        assertThat(refused[0]).isEqualTo("400");
        assertThat(refused[1]).contains("Enter your username and password to approve.");
        poll(s.getString("device_code")).then().statusCode(400).body("error", equalTo("authorization_pending"));
    }
}
