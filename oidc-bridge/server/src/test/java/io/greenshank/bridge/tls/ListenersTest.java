package io.greenshank.bridge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The prod bridge's decision on its listeners; the packaged jar acting on it is src/e2e's BridgeListenersTest. */
class ListenersTest {

    private static final String CERT = "quarkus.http.ssl.certificate.files";

    @Test
    void withoutACertificatePlainHttpIsRefusedNamingBothWaysOut() {
        assertThat(new Listeners("", "enabled", false).refusal()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("quarkus.http.ssl.certificate.files", "greenshank.bridge.tls.allow-plain-http=true"));
    }

    @Test
    void withoutACertificatePlainHttpIsServedOnlyWhenExplicitlyAllowed() {
        assertThat(new Listeners("", "enabled", true).refusal()).isEmpty();
    }

    @Test
    void withACertificateThePlainPortMustBeClosed() {
        assertThat(new Listeners(CERT, "disabled", false).refusal()).isEmpty();
        assertThat(new Listeners(CERT, "enabled", false).refusal()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("quarkus.http.insecure-requests=enabled"));
        assertThat(new Listeners(CERT, "redirect", false).refusal()).isPresent();
    }

    @Test
    void allowingPlainHttpDoesNotOpenAPlainPortNextToHttps() {
        assertThat(new Listeners(CERT, "enabled", true).refusal()).isPresent();
    }
}
