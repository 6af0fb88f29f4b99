package io.greenshank.bridge.token;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.greenshank.bridge.keys.KeyManager;
import java.util.Optional;
import java.util.Set;

/** Verifies JWTs this bridge signed (for userinfo, token exchange and logout hints). */
public final class TokenVerifier {

    private final KeyManager keys;

    public TokenVerifier(KeyManager keys) {
        this.keys = keys;
    }

    /** The verified claims, or empty when the signature, issuer, type or expiry does not check out. */
    public Optional<JWTClaimsSet> verify(String jwt, String issuer, boolean accessToken, boolean allowExpired) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(accessToken
                ? Set.of(new JOSEObjectType("at+jwt")) : Set.of(JOSEObjectType.JWT)));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(keys.publicKeys())));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "iat", "exp")) {
            @Override
            public void verify(JWTClaimsSet claims, SecurityContext ctx)
                    throws com.nimbusds.jwt.proc.BadJWTException {
                if (allowExpired) {
                    if (!issuer.equals(claims.getIssuer()) || claims.getSubject() == null) {
                        throw new com.nimbusds.jwt.proc.BadJWTException("wrong issuer or no subject");
                    }
                    return;
                }
                super.verify(claims, ctx);
            }
        });
        try {
            return Optional.of(p.process(jwt, null));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
