package io.greenshank.kubectl.testing;

import io.greenshank.testing.kerberos.MitKdc;
import io.greenshank.testing.tls.SelfSignedTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What the plugin's end-to-end tests run against: the JVM's MIT KDC, a SPNEGO-verifying token endpoint over TLS, an
 * HTTPS API server that accepts only that endpoint's current tokens for {@code kubectl}, and the plugin installed as
 * a user installs it, all under one work directory.
 */
public record PluginPeers(MitKdc kdc, Path work, SelfSignedTls tls, Hs256 signer, TestTokenEndpoint bridge,
                          TestApiServer api, PluginInstall plugin) implements AutoCloseable {

    public static PluginPeers start(String workPrefix) throws IOException, InterruptedException {
        MitKdc kdc = MitKdc.shared();
        Path work = Files.createTempDirectory(workPrefix);
        SelfSignedTls tls = SelfSignedTls.create(work);
        Hs256 signer = new Hs256(("test-key-" + System.nanoTime()).getBytes());
        TestTokenEndpoint bridge = new TestTokenEndpoint(tls, kdc.serviceKeytab(), kdc.servicePrincipal(), signer,
                "kubectl");
        TestApiServer api = new TestApiServer(tls, token -> signer.verify(token).filter(c ->
                bridge.issuer().equals(c.get("iss")) && "kubectl".equals(c.get("aud"))
                        && ((Number) c.get("exp")).longValue() > Instant.now().getEpochSecond()));
        return new PluginPeers(kdc, work, tls, signer, bridge, api, PluginInstall.into(work.resolve("bin")));
    }

    @Override
    public void close() {
        api.close();
        bridge.close();
    }
}
