package io.greenshank.profiles.reconcile;

import io.greenshank.profiles.istio.IstioSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * @param istio        which Istio policy to write and how it names people
 * @param labels       labels for every profile namespace
 * @param workers      reconcile threads
 * @param resync       how often every profile is reconciled again even without events (drift that no event shows)
 * @param maxBackoff   the longest wait before retrying a failed reconcile
 */
public record ControllerSettings(IstioSettings istio, NamespaceLabels labels, int workers, Duration resync,
        Duration maxBackoff) {

    public ControllerSettings {
        Objects.requireNonNull(istio, "istio");
        Objects.requireNonNull(labels, "labels");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        Objects.requireNonNull(resync, "resync");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    public static ControllerSettings defaults() {
        return new ControllerSettings(IstioSettings.KUBEFLOW_DEFAULT, NamespaceLabels.DEFAULT, 2,
                Duration.ofMinutes(10), Duration.ofMinutes(5));
    }

    public ControllerSettings withIstio(IstioSettings i) {
        return new ControllerSettings(i, labels, workers, resync, maxBackoff);
    }

    public ControllerSettings withLabels(NamespaceLabels l) {
        return new ControllerSettings(istio, l, workers, resync, maxBackoff);
    }

    public ControllerSettings withWorkers(int w) {
        return new ControllerSettings(istio, labels, w, resync, maxBackoff);
    }
}
