package io.greenshank.profiles.sharing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Real RS256 tokens signed with the key whose public half is the static JWKS the %test profile trusts. */
final class TestJwt {

    static final String ISSUER = "https://idp.greenshank.test";
    static final String AUDIENCE = "kubeflow";
    static final RSAKey KEY = load();
    static final RSAKey OTHER_KEY = generate();

    private TestJwt() {
    }

    private static RSAKey load() {
        try {
            return RSAKey.parse(Files.readString(Path.of("src/test/resources/jwt/test-signing-key.json")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyID("greenshank-test-1").generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String token(String email, List<String> groups) {
        return sign(KEY, ISSUER, AUDIENCE, email, groups, Instant.now().plus(Duration.ofMinutes(5)));
    }

    static String sign(RSAKey key, String issuer, String audience, String email, List<String> groups, Instant exp) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder()
                    .issuer(issuer).audience(audience).subject("sub-" + email)
                    .issueTime(Date.from(exp.minus(Duration.ofMinutes(10))))
                    .expirationTime(Date.from(exp))
                    .claim("email", email).claim("groups", groups)
                    .build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
