package io.greenshank.bridge.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.greenshank.bridge.client.OidcClient;
import io.greenshank.bridge.keys.KeyManager;
import io.greenshank.bridge.ldap.DirectoryUser;
import io.greenshank.bridge.oidc.GrantResult;
import io.greenshank.bridge.session.SessionStoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints ID tokens, access tokens (RFC 9068 {@code at+jwt}) and refresh tokens for an authenticated user.
 */
public final class TokenMinter {

    public static final String REFRESH_TOKEN_GRANT = "refresh_token";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyManager keys;
    private final RefreshTokens refreshTokens;
    private final TokenConfig config;
    private final Clock clock;
    private final Map<HeaderKey, JWSHeader> headers = new ConcurrentHashMap<>();

    public TokenMinter(KeyManager keys, RefreshTokens refreshTokens, TokenConfig config, Clock clock) {
        this.keys = keys;
        this.refreshTokens = refreshTokens;
        this.config = config;
        this.clock = clock;
    }

    /** Mints tokens, with a refresh token when the client may use the refresh grant. */
    public IssuedTokens mint(String issuer, OidcClient client, GrantResult result)
            throws RefreshTokens.RefusedException, SessionStoreUnavailableException {
        return mint(issuer, client, result, true);
    }

    /**
     * As {@link #mint(String, OidcClient, GrantResult)}; {@code refreshable=false} never issues a refresh token.
     * The refresh token's state is persisted before anything is signed, so no token leaves without it.
     *
     * @throws RefreshTokens.RefusedException   the redeemed refresh token was spent meanwhile (another replica won)
     * @throws SessionStoreUnavailableException the refresh-token state could not be written: nothing is issued
     */
    public IssuedTokens mint(String issuer, OidcClient client, GrantResult result, boolean refreshable)
            throws RefreshTokens.RefusedException, SessionStoreUnavailableException {
        AuthenticatedUser au = result.user();
        Optional<String> refresh = Optional.empty();
        // sid: the refresh family (or code grant) the tokens belong to, by which a reused code revokes them.
        Optional<String> continued = result.refreshed().map(r -> r.session().family()).or(result::grant);
        Optional<String> sid = continued;
        if (refreshable && client.allowsGrant(REFRESH_TOKEN_GRANT)) {
            String family = continued.orElseGet(RefreshTokens::newFamily);
            sid = Optional.of(family);
            RefreshTokens.Session session = new RefreshTokens.Session(family, au, client.id(), result.scopes(),
                    result.audiences(), au.authTime().plus(config.refreshTokenLifetime()));
            refresh = Optional.of(result.refreshed().isPresent()
                    ? refreshTokens.rotate(result.refreshed().get(), session)
                    : refreshTokens.issue(session));
        }

        Instant now = clock.instant();
        List<String> audiences = result.audiences().isEmpty() ? client.accessTokenAudiences() : result.audiences();

        Optional<String> idToken = Optional.empty();
        if (result.scopes().contains("openid")) {
            JWTClaimsSet.Builder id = userClaims(issuer, au, now, config.idTokenLifetime().toSeconds())
                    .audience(client.id())
                    .claim("azp", client.id());
            result.nonce().ifPresent(n -> id.claim("nonce", n));
            if (sid.isPresent()) {
                id.claim("sid", sid.get());
            }
            idToken = Optional.of(sign(id.build(), JOSEObjectType.JWT));
        }
        JWTClaimsSet.Builder at = userClaims(issuer, au, now, config.accessTokenLifetime().toSeconds())
                .audience(audiences)
                .claim("client_id", client.id())
                .claim("scope", String.join(" ", result.scopes().stream().sorted().toList()));
        if (sid.isPresent()) {
            at.claim("sid", sid.get());
        }
        String accessToken = sign(at.build(), new JOSEObjectType("at+jwt"));
        return new IssuedTokens(idToken, accessToken, refresh, config.accessTokenLifetime().toSeconds(),
                result.scopes());
    }

    private static JWTClaimsSet.Builder userClaims(String issuer, AuthenticatedUser au, Instant now, long lifetime) {
        DirectoryUser u = au.user();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(u.subject())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim("auth_time", au.authTime().getEpochSecond())
                .claim("amr", au.amr())
                .claim("preferred_username", u.username())
                .claim("groups", new ArrayList<>(u.groups()));
        u.email().ifPresent(e -> b.claim("email", e).claim("email_verified", true));
        u.name().ifPresent(n -> b.claim("name", n));
        return b;
    }

    private String sign(JWTClaimsSet claims, JOSEObjectType type) {
        KeyManager.Signing s = keys.signer();
        JWSObject jws = new JWSObject(header(s, type), new Payload(new Base64URL(
                BASE64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)))));
        try {
            jws.sign(s.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed with key " + s.kid(), e);
        }
        return jws.serialize();
    }

    /**
     * A header is the same for every token of a key and type; kept in its encoded form, it is not serialized and
     * encoded again for every token (and the payload goes through the JDK's Base64, not Nimbus's slower codec).
     */
    private JWSHeader header(KeyManager.Signing s, JOSEObjectType type) {
        HeaderKey key = new HeaderKey(s.kid(), type.getType());
        JWSHeader h = headers.get(key);
        if (h == null) {
            if (headers.size() > 16) {
                headers.clear();
            }
            try {
                h = JWSHeader.parse(new JWSHeader.Builder(s.algorithm()).keyID(s.kid()).type(type).build()
                        .toBase64URL());
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("header of key " + s.kid(), e);
            }
            headers.put(key, h);
        }
        return h;
    }

    private record HeaderKey(String kid, String type) {
    }
}
