package io.greenshank.profiles.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Lease-based leader election over fabric8's {@link LeaderElector}: only the replica holding the Lease runs the
 * reconciler; the others keep their caches warm and take over when the lease lapses. On shutdown the work stops
 * first and the lease is released after, so a rolling update hands over without waiting for expiry and without two
 * replicas writing at once.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final LeaderSettings settings;
    private final Runnable onStartLeading;
    private final Runnable onStopLeading;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicReference<String> leader = new AtomicReference<>();
    private CompletableFuture<?> running;

    public LeaderElection(KubernetesClient client, LeaderSettings settings, Runnable onStartLeading, Runnable onStopLeading) {
        this.client = client;
        this.settings = settings;
        this.onStartLeading = onStartLeading;
        this.onStopLeading = onStopLeading;
    }

    public synchronized void start() {
        if (running != null) {
            return;
        }
        LeaderElector elector = client.leaderElector()
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName("greenshank-profile-controller")
                        .withLock(new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()))
                        .withLeaseDuration(settings.leaseDuration())
                        .withRenewDeadline(settings.renewDeadline())
                        .withRetryPeriod(settings.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                        .build())
                .build();
        running = elector.start();
        LOG.infof("%s competing for lease %s/%s", settings.identity(), settings.leaseNamespace(), settings.leaseName());
    }

    private void started() {
        leading.set(true);
        LOG.infof("%s is now the leader", settings.identity());
        onStartLeading.run();
    }

    /** Runs {@code onStopLeading} once per term: {@link #close()} calls it before fabric8 does. */
    private void stopped() {
        if (leading.getAndSet(false)) {
            LOG.infof("%s stopped leading", settings.identity());
            onStopLeading.run();
        }
    }

    private void newLeader(String identity) {
        leader.set(identity);
    }

    public boolean isLeader() {
        return leading.get();
    }

    /** The identity of the current leader as last observed, or null before the first observation. */
    public String currentLeader() {
        return leader.get();
    }

    /**
     * Stops leading, then gives the Lease up. fabric8's elector releases the Lease first and calls
     * {@code onStopLeading} afterwards, so a follower could take over while this replica's workers still wrote; here
     * the work is stopped (synchronously, see {@code ProfileController.stop}) while the Lease is still ours.
     */
    @Override
    public synchronized void close() {
        if (running != null) {
            if (leading.get()) {
                stopped();
            }
            running.cancel(true);
            running = null;
        }
    }
}
