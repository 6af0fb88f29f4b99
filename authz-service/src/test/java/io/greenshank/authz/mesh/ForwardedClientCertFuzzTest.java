package io.greenshank.authz.mesh;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the {@code x-forwarded-client-cert} parser. Properties: a header is parsed or refused with
 * {@link ForwardedClientCert.MalformedException}, nothing else; every parsed element has pairs with non-empty
 * {@code [A-Za-z0-9_-]} keys; a parsed peer URI is a value of the last element and came from text after
 * a {@code URI} key in the header (no URI out of nowhere).
 */
class ForwardedClientCertFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] input) {
        String header = new String(input, StandardCharsets.UTF_8);
        ForwardedClientCert xfcc;
        try {
            xfcc = ForwardedClientCert.parse(header);
        } catch (ForwardedClientCert.MalformedException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(xfcc.elements()).isNotEmpty();
        for (ForwardedClientCert.Element e : xfcc.elements()) {
            assertThat(e.pairs()).isNotEmpty().allSatisfy(p -> assertThat(p.key()).matches("[A-Za-z0-9_-]+"));
        }
        xfcc.peerUri().ifPresent(uri -> {
            assertThat(xfcc.elements().get(xfcc.elements().size() - 1).values("URI")).startsWith(uri);
            assertThat(header).containsPattern("(?i)URI[ \\t]*=");
        });
    }
}
