package io.greenshank.bridge.keys;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.greenshank.bridge.token.TokenConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Creates the {@link KeyManager} over the configured store, loads keys at start-up and re-checks them on a timer. */
@ApplicationScoped
public class KeyManagerProducer {

    private static final Logger LOG = Logger.getLogger(KeyManagerProducer.class);

    private ScheduledExecutorService timer;

    @Produces
    @Singleton
    KeyManager keyManager(KeysConfig cfg, TokenConfig tokens, Instance<KubernetesClient> kubernetes) throws Exception {
        KeyRingStore store = switch (cfg.store()) {
            case "file" -> new FileKeyRingStore(Path.of(cfg.file()));
            case "memory" -> new MemoryKeyRingStore();
            case "kubernetes-secret" -> {
                KubernetesClient client = kubernetes.get();
                yield new SecretKeyRingStore(client, cfg.secretNamespace().orElse(client.getNamespace()),
                        cfg.secretName());
            }
            default -> throw new IllegalArgumentException(
                    "greenshank.bridge.keys.store must be file, kubernetes-secret or memory, not " + cfg.store());
        };
        SignatureProvider signing = SignatureProvider.select(cfg.cryptoProvider());
        LOG.infof("%s signatures computed by %s", cfg.algorithm(), signing.description());
        KeyManager km = new KeyManager(store, Clock.systemUTC(), cfg.rotationPeriod(), cfg.publishAhead(),
                tokens.maxJwtLifetime(), KeyManager.generator(cfg.algorithm()), signing);
        // Without keys the bridge cannot do anything useful: fail start-up rather than serve errors.
        km.refresh();
        return km;
    }

    void start(@Observes StartupEvent ev, KeyManager km, KeysConfig cfg) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "greenshank-key-rotation");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, cfg.checkInterval().toSeconds());
        timer.scheduleWithFixedDelay(() -> {
            try {
                km.refresh();
            } catch (Exception e) {
                // Keep signing with the keys we have; the next tick retries.
                LOG.warnf("key ring refresh failed: %s", e.toString());
            }
        }, every, every, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
