package io.greenshank.authz.fault;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.greenshank.testing.net.FaultProxy;
import io.greenshank.testing.oidc.IssuerServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real IdP whose JWKS the sidecar reaches only through a {@link FaultProxy}. The test (another class loader) drives
 * the proxy through control routes served directly by the IdP, and signs tokens with the key written to a temp file.
 * ES256, so that the load threads can mint a fresh, never-cached token per Check cheaply.
 */
public class FaultyIdpResource implements QuarkusTestResourceLifecycleManager {

    private IssuerServer idp;
    private FaultProxy proxy;

    @Override
    public Map<String, String> start() {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("fault-key").generate();
            idp = IssuerServer.serving(new JWKSet(key.toPublicJWK()).toString()).jwksPath("/jwks").start();
            proxy = FaultProxy.toLoopback(Integer.parseInt(idp.issuer().substring(idp.issuer().lastIndexOf(':') + 1)));
            control("/control/refuse", proxy::refuse);
            control("/control/black-hole", proxy::blackHole);
            control("/control/restore", proxy::restore);
            Path keyFile = Files.createTempFile("fault-idp", ".json");
            Files.writeString(keyFile, key.toJSONString());
            return Map.of(
                    "greenshank.authz.issuers.corp.issuer", idp.issuer(),
                    "greenshank.authz.issuers.corp.audiences", "kubeflow",
                    "greenshank.authz.issuers.corp.jwks-url", "http://127.0.0.1:" + proxy.port() + "/jwks",
                    "test.idp.url", idp.issuer(),
                    "test.idp.key-file", keyFile.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void control(String path, Runnable action) {
        idp.route(path, ex -> {
            action.run();
            IssuerServer.respond(ex, 200, "{\"mode\":\"" + proxy.mode() + "\"}");
        });
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (idp != null) {
            idp.close();
        }
    }
}
