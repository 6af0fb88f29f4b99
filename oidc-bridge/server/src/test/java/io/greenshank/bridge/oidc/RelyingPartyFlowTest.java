package io.greenshank.bridge.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.greenshank.bridge.session.SessionKeys;
import io.greenshank.bridge.web.BrowserBinding;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An independent relying party (Nimbus OAuth 2.0 SDK) drives the bridge: discovery, code flow with PKCE S256,
 * ID token validation against the published JWKS, userinfo, refresh with rotation and reuse detection. Every
 * log record emitted meanwhile is captured and searched for the password and tokens.
 */
@QuarkusTest
class RelyingPartyFlowTest {

    @TestHTTPResource("/")
    URL base;

    final List<String> logs = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String msg = r.getMessage();
            Object[] params = r.getParameters();
            logs.add(r.getLoggerName() + " " + msg + " " + (params == null ? "" : java.util.Arrays.toString(params))
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void captureLogs() {
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapture() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void codeFlowWithPkceTokenValidationUserInfoAndRefreshRotation() throws Exception {
        String issuerUrl = base.toString().replaceAll("/$", "");
        OIDCProviderMetadata op = OIDCProviderMetadata.resolve(new Issuer(issuerUrl));
        assertThat(op.getCodeChallengeMethods()).contains(CodeChallengeMethod.S256);

        ClientID client = new ClientID("kubectl");
        URI redirect = URI.create("http://127.0.0.1:8000/callback");
        CodeVerifier verifier = new CodeVerifier();
        Nonce nonce = new Nonce();
        State state = new State();
        AuthenticationRequest authz = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "email", "groups"), client, redirect).state(state).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256).endpointURI(op.getAuthorizationEndpointURI())
                .build();

        HttpResponse<String> form = http.send(HttpRequest.newBuilder(authz.toURI()).header("Cookie", BROWSER_COOKIE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<label for=\"password\">").contains("autocomplete=\"current-password\"");
        Matcher m = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(form.body());
        assertThat(m.find()).isTrue();
        String requestId = m.group(1);

        // A wrong password shows the same generic error as an unknown user.
        String wrong = post(op.getAuthorizationEndpointURI(), requestId, "alice", "not-it").body();
        String unknown = post(op.getAuthorizationEndpointURI(), requestId, "zed", "not-it").body();
        assertThat(wrong).contains("role=\"alert\"").contains("The username or password is incorrect.");
        assertThat(unknown.replace("zed", "alice")).isEqualTo(wrong);

        HttpResponse<String> done = post(op.getAuthorizationEndpointURI(), requestId, "alice", "alice-password");
        assertThat(done.statusCode()).isEqualTo(303);
        AuthenticationResponse ar = AuthenticationResponseParser.parse(
                URI.create(done.headers().firstValue("Location").orElseThrow()));
        assertThat(ar.indicatesSuccess()).isTrue();
        assertThat(ar.getState()).isEqualTo(state);
        AuthorizationCode code = ar.toSuccessResponse().getAuthorizationCode();

        // Without the verifier the code is refused (and spent: codes are single-use).
        TokenResponse noPkce = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client,
                new AuthorizationCodeGrant(code, redirect, new CodeVerifier())).toHTTPRequest().send());
        assertThat(noPkce.indicatesSuccess()).isFalse();

        code = freshCode(op, client, redirect, verifier, nonce);
        TokenResponse tr = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client,
                new AuthorizationCodeGrant(code, redirect, verifier)).toHTTPRequest().send());
        assertThat(tr.indicatesSuccess()).as(String.valueOf(tr)).isTrue();
        OIDCTokenResponse ok = (OIDCTokenResponse) tr.toSuccessResponse();
        JWT idToken = ok.getOIDCTokens().getIDToken();

        IDTokenValidator validator = new IDTokenValidator(op.getIssuer(), client, JWSAlgorithm.RS256,
                op.getJWKSetURI().toURL());
        IDTokenClaimsSet claims = validator.validate(idToken, nonce);
        assertThat(claims.getSubject().getValue()).isNotEqualTo("alice");
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("groups")).contains("ml-engineers", "platform-users");
        assertThat(claims.getAMR()).extracting(a -> a.getValue()).containsExactly("pwd");
        assertThat(claims.getAuthenticationTime()).isNotNull();

        UserInfoResponse ui = UserInfoResponse.parse(new UserInfoRequest(op.getUserInfoEndpointURI(),
                ok.getOIDCTokens().getBearerAccessToken()).toHTTPRequest().send());
        assertThat(ui.indicatesSuccess()).isTrue();
        assertThat(ui.toSuccessResponse().getUserInfo().getEmailAddress()).isEqualTo("alice@example.com");

        RefreshToken first = ok.getOIDCTokens().getRefreshToken();
        TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client,
                new RefreshTokenGrant(first)).toHTTPRequest().send());
        assertThat(refreshed.indicatesSuccess()).isTrue();
        RefreshToken second = refreshed.toSuccessResponse().getTokens().getRefreshToken();
        assertThat(second).isNotEqualTo(first);
        IDTokenClaimsSet again = validator.validate(
                ((OIDCTokenResponse) refreshed.toSuccessResponse()).getOIDCTokens().getIDToken(), null);
        assertThat(again.getSubject()).isEqualTo(claims.getSubject());

        // Reusing the spent token revokes the family: the successor stops working too.
        TokenResponse reuse = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client,
                new RefreshTokenGrant(first)).toHTTPRequest().send());
        assertThat(((TokenErrorResponse) reuse).getErrorObject().getCode()).isEqualTo("invalid_grant");
        TokenResponse afterRevoke = OIDCTokenResponseParser.parse(new TokenRequest(op.getTokenEndpointURI(), client,
                new RefreshTokenGrant(second)).toHTTPRequest().send());
        assertThat(afterRevoke.indicatesSuccess()).isFalse();

        // The password grant, right and wrong, is in the captured window too.
        String pwGrant = "grant_type=password&client_id=kubectl&username=bob&scope=openid&password=";
        HttpResponse<String> pg = http.send(HttpRequest.newBuilder(op.getTokenEndpointURI())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(pwGrant + "bob-password")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(pg.statusCode()).isEqualTo(200);
        String bobTokens = pg.body();
        http.send(HttpRequest.newBuilder(op.getTokenEndpointURI())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(pwGrant + "bob-wrong-guess")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher bobAccess = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(bobTokens);
        assertThat(bobAccess.find()).isTrue();

        String all = String.join("\n", logs);
        assertThat(logs).isNotEmpty();
        assertThat(all).doesNotContain("alice-password").doesNotContain("not-it")
                .doesNotContain("bob-password").doesNotContain("bob-wrong-guess")
                .doesNotContain(bobAccess.group(1))
                .doesNotContain(first.getValue()).doesNotContain(second.getValue())
                .doesNotContain(idToken.getParsedString())
                .doesNotContain(ok.getOIDCTokens().getAccessToken().getValue())
                .doesNotContain(code.getValue());
    }

    @Test
    void publicClientWithoutPkceAndUnregisteredRedirectAreRefused() throws Exception {
        String q = "/authorize?response_type=code&client_id=kubectl&redirect_uri="
                + URLEncoder.encode("http://127.0.0.1:8000/callback", StandardCharsets.UTF_8) + "&scope=openid";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.toURI().resolve(q)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location").orElseThrow()).contains("error=invalid_request");
        String evil = "/authorize?response_type=code&client_id=kubectl&redirect_uri="
                + URLEncoder.encode("http://127.0.0.1:8000/callback/../evil", StandardCharsets.UTF_8);
        HttpResponse<String> e = http.send(HttpRequest.newBuilder(base.toURI().resolve(evil)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.headers().firstValue("Location")).isEmpty();
    }

    private AuthorizationCode freshCode(OIDCProviderMetadata op, ClientID client, URI redirect,
                                        CodeVerifier verifier, Nonce nonce) throws Exception {
        AuthenticationRequest authz = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "email", "groups"), client, redirect).state(new State()).nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256).endpointURI(op.getAuthorizationEndpointURI())
                .build();
        String body = http.send(HttpRequest.newBuilder(authz.toURI()).header("Cookie", BROWSER_COOKIE).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(body);
        assertThat(m.find()).isTrue();
        HttpResponse<String> done = post(op.getAuthorizationEndpointURI(), m.group(1), "alice", "alice-password");
        return AuthenticationResponseParser.parse(URI.create(done.headers().firstValue("Location").orElseThrow()))
                .toSuccessResponse().getAuthorizationCode();
    }

    private HttpResponse<String> post(URI endpoint, String requestId, String user, String password)
            throws Exception {
        String body = "request=" + enc(requestId) + "&username=" + enc(user) + "&password=" + enc(password);
        return http.send(HttpRequest.newBuilder(endpoint).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", BROWSER_COOKIE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The browser's CSRF cookie, sent with the form's GET and its post as a browser would. */
    static final String BROWSER_COOKIE = BrowserBinding.COOKIE + "=" + SessionKeys.random(32);

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
