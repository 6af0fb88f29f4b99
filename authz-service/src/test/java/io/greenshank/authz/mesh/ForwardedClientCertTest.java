package io.greenshank.authz.mesh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Envoy's documented XFCC format: elements, pairs, quoting and escaping; the last element's first URI. */
class ForwardedClientCertTest {

    static String peer(String header) throws Exception {
        return ForwardedClientCert.parse(header).peerUri().orElse("");
    }

    @Test
    void only_spaces_and_tabs_surround_a_key_control_characters_make_it_invalid() {
        assertThatThrownBy(() -> ForwardedClientCert.parse("URI\u001f=spiffe://cluster.local/ns/a/sa/b"))
                .isInstanceOf(ForwardedClientCert.MalformedException.class).hasMessageContaining("invalid key");
        assertThatThrownBy(() -> ForwardedClientCert.parse("\u001cURI=spiffe://cluster.local/ns/a/sa/b"))
                .isInstanceOf(ForwardedClientCert.MalformedException.class).hasMessageContaining("invalid key");
    }

    @Test
    void envoys_documented_single_element_example() throws Exception {
        ForwardedClientCert x = ForwardedClientCert.parse("By=http://frontend.lyft.com;"
                + "Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;"
                + "Subject=\"/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client\";URI=http://testclient.lyft.com");
        assertThat(x.elements()).hasSize(1);
        assertThat(x.elements().get(0).values("subject")).containsExactly("/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client");
        assertThat(x.peerUri()).contains("http://testclient.lyft.com");
    }

    @Test
    void istio_sidecar_header_gives_the_spiffe_id_of_the_direct_peer() throws Exception {
        assertThat(peer("By=spiffe://cluster.local/ns/kubeflow/sa/ml-pipeline;Hash=abc;"
                + "Subject=\"\";URI=spiffe://cluster.local/ns/alice/sa/default-editor"))
                .isEqualTo("spiffe://cluster.local/ns/alice/sa/default-editor");
    }

    @Test
    void the_last_element_is_the_nearest_hop_and_earlier_ones_are_ignored() throws Exception {
        assertThat(peer("By=spiffe://td/ns/gw/sa/gw;URI=spiffe://td/ns/evil/sa/forged,"
                + "By=spiffe://td/ns/app/sa/app;Hash=1;URI=spiffe://td/ns/istio-system/sa/ingressgateway"))
                .isEqualTo("spiffe://td/ns/istio-system/sa/ingressgateway");
    }

    @Test
    void a_forged_uri_hidden_inside_a_quoted_value_is_not_a_pair() throws Exception {
        // the earlier hop's Subject smuggles ",URI=..." inside quotes: still one element, and its URI is the real one
        ForwardedClientCert x = ForwardedClientCert.parse(
                "Subject=\"CN=x\\\",URI=spiffe://td/ns/evil/sa/forged,By=a\";URI=spiffe://td/ns/real/sa/real");
        assertThat(x.elements()).hasSize(1);
        assertThat(x.elements().get(0).values("Subject")).containsExactly("CN=x\",URI=spiffe://td/ns/evil/sa/forged,By=a");
        assertThat(x.peerUri()).contains("spiffe://td/ns/real/sa/real");
    }

    @Test
    void escaped_quotes_and_separators_inside_quotes() throws Exception {
        ForwardedClientCert x = ForwardedClientCert.parse("Subject=\"O=\\\"Acme; Inc\\\", CN=a=b\";URI=spiffe://td/ns/a/sa/b");
        assertThat(x.elements().get(0).values("SUBJECT")).containsExactly("O=\"Acme; Inc\", CN=a=b");
        assertThat(x.peerUri()).contains("spiffe://td/ns/a/sa/b");
    }

    @Test
    void quoted_uri_is_unquoted() throws Exception {
        assertThat(peer("URI=\"spiffe://td/ns/a/sa/b\"")).isEqualTo("spiffe://td/ns/a/sa/b");
    }

    @Test
    void several_uri_sans_take_the_first_like_envoys_source_principal() throws Exception {
        assertThat(peer("By=x;URI=spiffe://td/ns/a/sa/first;URI=spiffe://td/ns/a/sa/second;DNS=a.example"))
                .isEqualTo("spiffe://td/ns/a/sa/first");
    }

    @Test
    void keys_are_case_insensitive() throws Exception {
        assertThat(peer("by=x;uri=spiffe://td/ns/a/sa/b")).isEqualTo("spiffe://td/ns/a/sa/b");
    }

    @Test
    void repeated_headers_joined_by_comma_and_spaces_are_elements() throws Exception {
        ForwardedClientCert x = ForwardedClientCert.parse("By=a;URI=spiffe://td/ns/a/sa/one , By=b;URI=spiffe://td/ns/b/sa/two");
        assertThat(x.elements()).hasSize(2);
        assertThat(x.peerUri()).contains("spiffe://td/ns/b/sa/two");
    }

    @Test
    void last_element_without_uri_means_no_peer_even_if_an_earlier_one_has_one() throws Exception {
        assertThat(ForwardedClientCert.parse("URI=spiffe://td/ns/a/sa/b,By=x;Hash=y;DNS=c.example").peerUri()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "URI", "URI=\"spiffe://td/ns/a/sa/b", "URI=spiffe://x;", "URI=spiffe://x,",
            "=value", "URI=a\"b", "URI=\"a\"b", "Su bject=x", ";URI=x", "URI=x;;By=y", "URI=\"a\\\""})
    void malformed_headers_are_refused(String header) {
        assertThatThrownBy(() -> ForwardedClientCert.parse(header)).isInstanceOf(ForwardedClientCert.MalformedException.class);
    }

    @Test
    void malformed_message_never_echoes_the_value() {
        assertThatThrownBy(() -> ForwardedClientCert.parse("Subject=\"secret-looking-value"))
                .isInstanceOf(ForwardedClientCert.MalformedException.class).hasMessageNotContaining("secret-looking-value");
    }

    @Test
    void large_header_parses_in_linear_time() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            b.append("By=spiffe://td/ns/n").append(i).append("/sa/s;Subject=\"CN=\\\"x\\\"\";URI=spiffe://td/ns/n").append(i).append("/sa/s,");
        }
        b.append("URI=spiffe://td/ns/last/sa/last");
        long t = System.nanoTime();
        assertThat(peer(b.toString())).isEqualTo("spiffe://td/ns/last/sa/last");
        assertThat(System.nanoTime() - t).isLessThan(2_000_000_000L);
    }
}
