package io.greenshank.identity.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keys and token minting for tests. */
final class TestTokens {

    static final String ISSUER = "https://idp.example.test";
    static final String AUDIENCE = "kubeflow";

    private TestTokens() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid, Curve curve) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key pair from the JDK, as (private key, public OKP JWK). */
    record Ed(PrivateKey privateKey, OctetKeyPair publicJwk) {
    }

    static Ed ed25519(String kid) {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = kp.getPublic().getEncoded();
            byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            return new Ed(kp.getPrivate(), new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(raw)).keyID(kid).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    static Map<String, Object> claims(String user, long expEpoch) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", ISSUER);
        c.put("sub", "sub-" + user);
        c.put("aud", AUDIENCE);
        c.put("email", user);
        c.put("groups", List.of("team-a", "team-b"));
        c.put("iat", expEpoch - 600);
        c.put("exp", expEpoch);
        return c;
    }

    static Map<String, Object> validClaims(String user) {
        return claims(user, Instant.now().getEpochSecond() + 600);
    }

    static String sign(JWK key, Map<String, Object> claims) {
        return sign(key, new LinkedHashMap<>(Map.of("kid", key.getKeyID())), claims);
    }

    /** Signs with an RSA or EC key; the header gets the key's natural alg unless it names one. */
    static String sign(JWK key, Map<String, Object> header, Map<String, Object> claims) {
        try {
            JWSSigner signer;
            String alg;
            if (key instanceof RSAKey r) {
                signer = new RSASSASigner(r);
                alg = "RS256";
            } else {
                ECKey e = (ECKey) key;
                signer = new ECDSASigner(e);
                alg = e.getCurve().equals(Curve.P_256) ? "ES256" : e.getCurve().equals(Curve.P_384) ? "ES384" : "ES512";
            }
            Map<String, Object> h = new LinkedHashMap<>(header);
            h.putIfAbsent("alg", alg);
            JWSHeader jwsHeader = JWSHeader.parse(h);
            JWSObject jws = new JWSObject(jwsHeader, new Payload(JSONObjectUtils.toJSONString(claims)));
            jws.sign(signer);
            return jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String signEd25519(Ed key, Map<String, Object> claims) {
        String h = b64("{\"alg\":\"EdDSA\",\"kid\":\"" + key.publicJwk().getKeyID() + "\"}");
        String p = b64(JSONObjectUtils.toJSONString(claims));
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.privateKey());
            s.update((h + "." + p).getBytes(StandardCharsets.US_ASCII));
            return h + "." + p + "." + Base64URL.encode(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String s) {
        return Base64URL.encode(s.getBytes(StandardCharsets.UTF_8)).toString();
    }

    static TrustedIssuer issuer(String jwksJson) {
        return TrustedIssuer.of(ISSUER, List.of(AUDIENCE), new KeySource.Inline(jwksJson));
    }

    static JwtVerifier verifier(TrustedIssuer... issuers) {
        JwtVerifier v = JwtVerifier.builder().issuers(List.of(issuers)).build();
        v.refreshAll();
        return v;
    }
}
