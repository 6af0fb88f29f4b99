package io.greenshank.profiles.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.greenshank.identity.jwt.KeySource;
import io.greenshank.identity.jwt.TrustedIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code greenshank.profiles.authn.jwt.<name>.*} to a trusted issuer: key source, ca-file, bearer-token-file. */
class JwtIssuerConfigTest {

    record Issuer(String issuer, Optional<String> jwksUri, Optional<String> jwksFile, boolean discovery,
                  Optional<Path> caFile, Optional<Path> bearerTokenFile) implements ProfilesConfig.JwtIssuer {
        @Override
        public List<String> audiences() {
            return List.of("kubeflow");
        }

        @Override
        public String userClaim() {
            return "email";
        }

        @Override
        public Optional<String> userPrefix() {
            return Optional.empty();
        }

        @Override
        public String groupsClaim() {
            return "groups";
        }

        @Override
        public Optional<String> groupsPrefix() {
            return Optional.empty();
        }

        @Override
        public Duration clockSkew() {
            return Duration.ofSeconds(60);
        }
    }

    static final Optional<Path> CA = Optional.of(Path.of("/tmp/greenshank-bridge-tls/tls.crt"));
    static final Optional<Path> TOKEN = Optional.of(Path.of("/var/run/secrets/tokens/kfam"));

    @Test
    void discovery_with_a_ca_file_and_a_bearer_token_file() {
        TrustedIssuer t = ProfilesRuntime.trustedIssuer("bridge", new Issuer("https://localhost:8443",
                Optional.empty(), Optional.empty(), true, CA, TOKEN));
        assertThat(t.keySource()).isEqualTo(KeySource.Discovery.forIssuer("https://localhost:8443"));
        assertThat(t.transport().caFile()).isEqualTo(CA);
        assertThat(t.transport().bearerTokenFile()).isEqualTo(TOKEN);
    }

    @Test
    void without_them_the_jdk_trust_store_and_no_credentials() {
        TrustedIssuer t = ProfilesRuntime.trustedIssuer("corp", new Issuer("https://idp.example",
                Optional.of("https://idp.example/keys"), Optional.empty(), false, Optional.empty(), Optional.empty()));
        assertThat(t.transport().caFile()).isEmpty();
        assertThat(t.transport().bearerTokenFile()).isEmpty();
    }

    @Test
    void a_jwks_file_takes_neither_and_a_token_never_goes_over_plain_http() {
        assertThatThrownBy(() -> ProfilesRuntime.trustedIssuer("file", new Issuer("https://idp.example",
                Optional.empty(), Optional.of("jwks.json"), false, CA, Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("greenshank.profiles.authn.jwt.file: ca-file and bearer-token-file apply to "
                        + "keys fetched over the network");
        assertThatThrownBy(() -> ProfilesRuntime.trustedIssuer("plain", new Issuer("http://idp.example",
                Optional.of("http://idp.example/keys"), Optional.empty(), false, Optional.empty(), TOKEN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("greenshank.profiles.authn.jwt.plain: bearer-token-file needs an https");
    }
}
