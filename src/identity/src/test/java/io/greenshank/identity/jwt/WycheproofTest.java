package io.greenshank.identity.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.greenshank.identity.UserIdMapping;
import io.greenshank.identity.jwt.WycheproofConformance.Acceptable;
import io.greenshank.identity.jwt.WycheproofConformance.Deliberate;
import io.greenshank.identity.jwt.WycheproofConformance.Explained;
import io.greenshank.identity.jwt.WycheproofConformance.Fixed;
import io.greenshank.identity.jwt.WycheproofConformance.Verdict;
import io.greenshank.identity.jwt.WycheproofFiles.Vector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wycheproof's JWS, JWK, ES256 (P1363) and RS256 vectors through the code production runs. See docs/security.md,
 * "Verified against Wycheproof", for the table this prints and for every deliberate difference.
 */
class WycheproofTest {

    static final String JWS_FILE = "json_web_signature_test.json";
    static final String JWK_FILE = "json_web_key_test.json";
    static final String ES256_FILE = "ecdsa_secp256r1_sha256_p1363_test.json";
    static final String RS256_FILE = "rsa_signature_2048_sha256_test.json";
    static final List<String> FILES = List.of(JWS_FILE, JWK_FILE, ES256_FILE, RS256_FILE);

    static final String ISSUER = "https://wycheproof.test";

    static final Map<String, WycheproofConformance> RESULTS = new LinkedHashMap<>();

    // ---------------------------------------------------------------------------------------------------------
    // Where the product differs from Wycheproof, and why. Each entry is asserted: a listed vector must be refused
    // for exactly the listed reason, and a vector not listed must get Wycheproof's verdict.

    static final Deliberate HMAC = new Deliberate(Set.of(1, 348, 352, 357, 358, 359, 376, 377),
            RejectReason.ALG_NOT_ALLOWED, "HMAC (HS256) is never accepted: with a shared secret every holder of the"
            + " verification key can mint tokens; only asymmetric algorithms are supported (RFC 8725 3.1)");
    static final Deliberate EMPTY_PAYLOAD = new Deliberate(Set.of(259, 264, 268, 272, 320, 325),
            RejectReason.TOKEN_MALFORMED, "an empty payload is never a JWT claim set (RFC 7519 7.2), so the shape"
            + " check refuses header..signature before any cryptography");
    static final Deliberate KEY_ALG_BINDS = new Deliberate(Set.of(346, 350),
            RejectReason.ALG_NOT_ALLOWED, "the JWK names alg PS256 and the token is PS384: a key is used only with the"
            + " algorithm its JWK names (RFC 7517 4.4, RFC 8725 3.1), as Wycheproof's own notes call reasonable");
    static final Deliberate UNKNOWN_KEY_ALG = new Deliberate(Set.of(347, 351),
            RejectReason.ALG_NOT_ALLOWED, "the JWK names alg ES521, which is no JWA algorithm (ES512 is), so the key"
            + " is usable for nothing; json_web_key_test.json tcId 19 calls a key with alg ES521 invalid");
    static final Deliberate NON_BASE64URL = new Deliberate(Set.of(372, 373),
            RejectReason.TOKEN_MALFORMED, "a character outside the base64url alphabet inside a segment: the compact"
            + " serialization is base64url only (RFC 7515 2, 7.1), refused before decoding rather than skipped");
    static final Deliberate HMAC_KEYSET = new Deliberate(Set.of(2, 13, 14, 15),
            RejectReason.ALG_NOT_ALLOWED, "HMAC (HS256/HS384/HS512) is never accepted, whatever the key length");

    static final Fixed KEY_OPS = new Fixed(Set.of(355, 356), "a JWK whose key_ops do not include verify is not used"
            + " to verify (VerificationKey; before, only use was checked)");
    static final Fixed ROCA = new Fixed(Set.of(7), "an RSA key whose modulus has the ROCA fingerprint"
            + " (CVE-2017-15361) is not used (VerificationKey, RocaFingerprint)");

    static final Explained JDK17_ECDSA_X_NOT_REDUCED = new Explained(Set.of(115, 257), RejectReason.SIGNATURE_INVALID,
            "JDK 17's SunEC compares r with x(R) without first reducing x(R) modulo n, so it refuses the rare valid"
            + " signature with n <= x(R) < p (probability about 2^-128 for an honest signer; it fails closed);"
            + " JDK 25's SunEC reduces it and accepts both");

    static final Acceptable RSA_MISSING_NULL = new Acceptable(8, true, "SunRsaSign also accepts the legacy DigestInfo"
            + " that omits the NULL parameters; the hash is still compared in full");

    @AfterAll
    static void printTable() {
        if (RESULTS.isEmpty()) {
            return; // nothing ran (e.g. the vectors are missing: each test has failed saying where they belong)
        }
        StringBuilder b = new StringBuilder("\nWycheproof vectors (" + WycheproofFiles.dir() + ") through io.greenshank.identity.jwt:\n");
        b.append(WycheproofConformance.header()).append('\n');
        for (String f : FILES) {
            WycheproofConformance c = RESULTS.get(f);
            b.append(c == null ? "| " + f + " | not run | | | | | |" : c.row()).append('\n');
        }
        for (String f : FILES) {
            WycheproofConformance c = RESULTS.get(f);
            if (c != null && Boolean.getBoolean("wycheproof.verbose")) {
                c.log.forEach(line -> b.append("  ").append(f).append(' ').append(line).append('\n'));
            }
        }
        for (String f : FILES) {
            WycheproofConformance c = RESULTS.get(f);
            if (c != null) {
                b.append("  ").append(f).append(" invalid vectors refused, by reason: ").append(c.refusals).append('\n');
                c.acceptableVerdicts.forEach(a -> b.append("  ").append(f).append(" acceptable ").append(a).append('\n'));
            }
        }
        System.out.print(b);
    }

    private static void record(WycheproofConformance c) {
        synchronized (RESULTS) {
            RESULTS.put(c.file, c);
        }
        assertThat(c.unknownListedVectors()).as(c.file + ": listed vectors missing from the file").isEmpty();
        assertThat(c.disagreements).as(c.file + ": disagreements with Wycheproof").isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // JWS and JWK vectors: the verifier, configured with the vector's key (set) as its issuer's JWKS

    /** A verifier trusting one issuer whose JWKS is the vector group's key: the public one, else the private one. */
    static JwtVerifier verifierFor(Map<String, Object> group) {
        Object key = group.get("public") != null ? group.get("public") : group.get("private");
        Map<String, Object> jwk = WycheproofFiles.map(key, "key");
        String jwks = jwk.containsKey("keys") ? JSONObjectUtils.toJSONString(jwk)
                : "{\"keys\":[" + JSONObjectUtils.toJSONString(jwk) + "]}";
        // Every algorithm the product can be configured to accept: the widest configuration.
        TrustedIssuer issuer = new TrustedIssuer(ISSUER, Set.of(), TrustedIssuer.SUPPORTED_ALGORITHMS,
                new KeySource.Inline(jwks), Duration.ZERO, UserIdMapping.KUBEFLOW_DEFAULT, JwksSettings.DEFAULT);
        JwtVerifier v = JwtVerifier.builder().issuer(issuer).build();
        v.refreshAll(); // false when the key set has no usable key: then every token is refused keys_unavailable
        return v;
    }

    /** The signature stage's verdict; the full verify() must refuse too (these payloads are not claim sets). */
    static Verdict signatureStage(JwtVerifier v, Vector vector, List<String> endToEndAccepted) {
        String jws = vector.string("jws");
        try {
            v.verify(jws);
            endToEndAccepted.add(vector.toString());
        } catch (TokenRejectedException expected) {
            // no vector carries a JWT claim set
        }
        try {
            v.verifySignatureOnly(jws, ISSUER);
            return Verdict.ACCEPTED;
        } catch (TokenRejectedException e) {
            return Verdict.of(e);
        }
    }

    static WycheproofConformance runJoseFile(String file, WycheproofConformance c) {
        Map<Map<String, Object>, JwtVerifier> verifiers = new IdentityHashMap<>();
        List<String> endToEnd = new ArrayList<>();
        try {
            for (Vector vector : WycheproofFiles.vectors(file)) {
                JwtVerifier v = verifiers.computeIfAbsent(vector.group(), WycheproofTest::verifierFor);
                c.judge(vector, signatureStage(v, vector, endToEnd));
            }
        } finally {
            verifiers.values().forEach(JwtVerifier::close);
        }
        assertThat(endToEnd).as(file + ": vectors accepted by the full verify()").isEmpty();
        return c;
    }

    @Test
    void json_web_signature_vectors() {
        record(runJoseFile(JWS_FILE, new WycheproofConformance(JWS_FILE,
                List.of(HMAC, EMPTY_PAYLOAD, KEY_ALG_BINDS, UNKNOWN_KEY_ALG, NON_BASE64URL), List.of(), List.of(KEY_OPS),
                List.of())));
    }

    @Test
    void json_web_key_vectors() {
        WycheproofConformance c = new WycheproofConformance(JWK_FILE, List.of(HMAC_KEYSET), List.of(), List.of(ROCA),
                List.of());
        List<Vector> vectors = WycheproofFiles.vectors(JWK_FILE);
        Set<Map<String, Object>> groupsWithValidVectors = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        vectors.stream().filter(v -> v.result().equals("valid")).forEach(v -> groupsWithValidVectors.add(v.group()));
        List<String> endToEnd = new ArrayList<>();
        for (Vector v : vectors) {
            JwtVerifier verifier = verifierFor(v.group());
            try {
                Verdict token = signatureStage(verifier, v, endToEnd);
                if (groupsWithValidVectors.contains(v.group())) {
                    c.judge(v, token); // the key set is sound (a valid vector uses it): the token is what is tested
                    continue;
                }
                // The key set is what is invalid: the key the token names must not be usable at all, whatever the
                // token (e.g. an exponent-1 key must be refused even if its token has another flaw).
                Verdict key = keyFor(v);
                assertThat(key.accepted() || !token.accepted()).as(v + ": refused key yet accepted token").isTrue();
                c.judge(v, key);
            } finally {
                verifier.close();
            }
        }
        assertThat(endToEnd).as(JWK_FILE + ": vectors accepted by the full verify()").isEmpty();
        record(c);
    }

    /** Whether the product, loading the vector's key set as a JWKS, has a key for the token's kid and alg. */
    static Verdict keyFor(Vector v) {
        String jws = v.string("jws");
        Map<String, Object> header;
        try {
            header = JSONObjectUtils.parse(new Base64URL(jws.substring(0, jws.indexOf('.'))).decodeToString());
        } catch (java.text.ParseException e) {
            throw new AssertionError(v + ": unreadable header", e);
        }
        Map<String, Object> group = v.group();
        Object key = group.get("public") != null ? group.get("public") : group.get("private");
        IssuerKeys keys;
        try {
            keys = IssuerKeys.parse(JSONObjectUtils.toJSONString(WycheproofFiles.map(key, "key set")), Instant.now());
        } catch (JwksFetchException e) {
            return Verdict.refused(RejectReason.KEYS_UNAVAILABLE, e.getMessage());
        }
        try {
            keys.select((String) header.get("kid"), (String) header.get("alg"));
            return Verdict.ACCEPTED;
        } catch (TokenRejectedException e) {
            return Verdict.of(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Raw ES256 and RS256 signatures: the primitive JwtVerifier calls (VerificationKey.verify, i.e. Nimbus's
    // ECDSAVerifier / RSASSAVerifier on the JDK's default providers), with keys loaded as a JWKS is

    static final HexFormat HEX = HexFormat.of();

    /** The group's key as the product loads it from a JWKS, or the reason it refuses the key. */
    record LoadedKey(VerificationKey key, Verdict refusal) {
    }

    static LoadedKey load(Map<String, Object> jwk, String alg) {
        IssuerKeys keys;
        try {
            keys = IssuerKeys.parse("{\"keys\":[" + JSONObjectUtils.toJSONString(jwk) + "]}", Instant.now());
        } catch (JwksFetchException e) {
            return new LoadedKey(null, Verdict.refused(RejectReason.KEYS_UNAVAILABLE, e.getMessage()));
        }
        try {
            return new LoadedKey(keys.select(null, alg), null);
        } catch (TokenRejectedException e) {
            return new LoadedKey(null, Verdict.of(e));
        }
    }

    static Verdict rawSignature(LoadedKey k, String alg, Vector v) {
        if (k.refusal() != null) {
            return k.refusal();
        }
        byte[] msg = HEX.parseHex(v.string("msg"));
        Base64URL sig = Base64URL.encode(HEX.parseHex(v.string("sig")));
        return k.key().verify(new JWSHeader(JWSAlgorithm.parse(alg)), msg, sig)
                ? Verdict.ACCEPTED : Verdict.refused(RejectReason.SIGNATURE_INVALID, "");
    }

    /** A P-256 public JWK from the group's affine coordinates (hex, possibly with a leading 00). */
    static Map<String, Object> p256Jwk(Map<String, Object> group) {
        Map<String, Object> pk = WycheproofFiles.map(group.get("publicKey"), "publicKey");
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("x", Base64URL.encode(fixed32((String) pk.get("wx"))).toString());
        jwk.put("y", Base64URL.encode(fixed32((String) pk.get("wy"))).toString());
        return jwk;
    }

    private static byte[] fixed32(String hex) {
        byte[] mag = new BigInteger(hex, 16).toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(mag.length, 32);
        System.arraycopy(mag, mag.length - n, out, 32 - n, n);
        return out;
    }

    @Test
    void ecdsa_p256_sha256_p1363_vectors() {
        WycheproofConformance c = new WycheproofConformance(ES256_FILE, List.of(), List.of(JDK17_ECDSA_X_NOT_REDUCED),
                List.of(), List.of());
        Map<Map<String, Object>, LoadedKey> keys = new IdentityHashMap<>();
        for (Vector v : WycheproofFiles.vectors(ES256_FILE)) {
            assertThat(v.group().get("sha")).isEqualTo("SHA-256");
            LoadedKey k = keys.computeIfAbsent(v.group(), g -> {
                Map<String, Object> fromCoordinates = p256Jwk(g);
                if (g.get("publicKeyJwk") != null) {
                    Map<String, Object> given = WycheproofFiles.map(g.get("publicKeyJwk"), "publicKeyJwk");
                    assertThat(given).as("the group's JWK is its affine coordinates")
                            .containsEntry("x", fromCoordinates.get("x")).containsEntry("y", fromCoordinates.get("y"));
                    return load(given, "ES256");
                }
                return load(fromCoordinates, "ES256");
            });
            c.judge(v, rawSignature(k, "ES256", v));
        }
        record(c);
    }

    @Test
    void rsa_pkcs1_2048_sha256_vectors() {
        WycheproofConformance c = new WycheproofConformance(RS256_FILE, List.of(), List.of(), List.of(),
                List.of(RSA_MISSING_NULL));
        Map<Map<String, Object>, LoadedKey> keys = new IdentityHashMap<>();
        for (Vector v : WycheproofFiles.vectors(RS256_FILE)) {
            assertThat(v.group().get("sha")).isEqualTo("SHA-256");
            LoadedKey k = keys.computeIfAbsent(v.group(),
                    g -> load(WycheproofFiles.map(g.get("keyJwk"), "keyJwk"), "RS256"));
            c.judge(v, rawSignature(k, "RS256", v));
        }
        record(c);
    }

    @Test
    void the_jdk_providers_do_the_arithmetic() throws Exception {
        // VerificationKey configures no JCA provider, so the JDK's defaults verify; say which, in the CI log.
        String ec = Signature.getInstance("SHA256withECDSA").getProvider().getName();
        String rsa = Signature.getInstance("SHA256withRSA").getProvider().getName();
        System.out.println("Wycheproof: ES256 arithmetic by " + ec + ", RS256 by " + rsa + " (" + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + ")");
        assertThat(ec).isEqualTo("SunEC");
        assertThat(rsa).isEqualTo("SunRsaSign");
    }
}
