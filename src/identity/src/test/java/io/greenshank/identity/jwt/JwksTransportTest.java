package io.greenshank.identity.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one place where a configured issuer's {@code ca-file} / {@code bearer-token-file} are checked (every service). */
class JwksTransportTest {

    static final Optional<Path> CA = Optional.of(Path.of("/etc/idp/ca.crt"));
    static final Optional<Path> TOKEN = Optional.of(Path.of("/var/run/secrets/token"));
    static final String PREFIX = "greenshank.x.issuers.corp";

    @Test
    void fetched_keys_take_a_ca_file_and_over_https_a_bearer_token() {
        JwksTransport t = JwksTransport.forKeySource(PREFIX, KeySource.Discovery.forIssuer("https://idp.example"), CA,
                TOKEN);
        assertThat(t.caFile()).isEqualTo(CA);
        assertThat(t.bearerTokenFile()).isEqualTo(TOKEN);
        assertThat(JwksTransport.forKeySource(PREFIX, new KeySource.JwksUri(URI.create("https://idp.example/keys")),
                CA, Optional.empty())).isEqualTo(JwksTransport.trusting(CA.get()));
        // a CA file for a plain-HTTP URL is harmless (and unused): only the token must never travel in clear
        assertThat(JwksTransport.forKeySource(PREFIX, new KeySource.JwksUri(URI.create("http://127.0.0.1:1/keys")), CA,
                Optional.empty()).caFile()).isEqualTo(CA);
    }

    @Test
    void nothing_configured_is_the_default_transport_whatever_the_source() {
        assertThat(JwksTransport.forKeySource(PREFIX, new KeySource.JwksFile(Path.of("jwks.json")), Optional.empty(),
                Optional.empty())).isEqualTo(JwksTransport.DEFAULT);
    }

    @Test
    void a_jwks_file_takes_neither() {
        assertThatThrownBy(() -> JwksTransport.forKeySource(PREFIX, new KeySource.JwksFile(Path.of("jwks.json")), CA,
                Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(PREFIX + ": ca-file and bearer-token-file apply to keys fetched")
                .hasMessageContaining("not to a JWKS file");
        assertThatThrownBy(() -> JwksTransport.forKeySource(PREFIX, new KeySource.Inline("{\"keys\":[]}"),
                Optional.empty(), TOKEN)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(PREFIX);
    }

    @Test
    void a_bearer_token_never_goes_to_a_plain_http_url() {
        assertThatThrownBy(() -> JwksTransport.forKeySource(PREFIX,
                KeySource.Discovery.forIssuer("http://idp.example"), Optional.empty(), TOKEN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(PREFIX + ": bearer-token-file needs an https discovery or JWKS URL (the token must not "
                        + "travel in clear), not http://idp.example/.well-known/openid-configuration");
    }
}
