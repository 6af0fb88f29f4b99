package io.greenshank.authz.policy.source;

import io.greenshank.authz.policy.PolicyRejection;
import io.greenshank.authz.policy.PolicySet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The current {@link PolicySet}, assembled from every source. A source replaces its whole contribution at once, and
 * the new set is swapped in with a single reference write: a Check sees either the old generation or the new one,
 * never a mixture, and never waits.
 */
public final class PolicyStore {

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    private final String rootNamespace;
    private final String clusterDomain;
    private final Map<String, List<PolicyEntry>> bySource = new LinkedHashMap<>();
    private final AtomicReference<PolicySet> current;
    private final List<Consumer<PolicySet>> listeners = new CopyOnWriteArrayList<>();
    private long generation;

    public PolicyStore(String rootNamespace, String clusterDomain) {
        this.rootNamespace = rootNamespace;
        this.clusterDomain = clusterDomain;
        this.current = new AtomicReference<>(PolicySet.empty(rootNamespace));
    }

    public PolicySet current() {
        return current.get();
    }

    public String rootNamespace() {
        return rootNamespace;
    }

    public void onChange(Consumer<PolicySet> listener) {
        listeners.add(listener);
    }

    /** Replaces everything {@code sourceId} contributed, and publishes the new generation. */
    public synchronized PolicySet replace(String sourceId, List<PolicyEntry> entries) {
        bySource.put(sourceId, List.copyOf(entries));
        List<PolicyEntry> all = new ArrayList<>();
        bySource.values().forEach(all::addAll);
        PolicySet previous = current.get();
        PolicySet next = PolicySetBuilder.build(all, rootNamespace, clusterDomain, ++generation);
        current.set(next);
        logRejections(previous, next);
        LOG.infof("policy generation %d applied: %d AuthorizationPolicies, %d ServiceRoleBindings, %d rejected"
                        + " (source %s changed)", next.generation(), next.authorizationPolicies().size(),
                next.legacy().bindingCount(), next.rejections().size(), sourceId);
        for (Consumer<PolicySet> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.warnf("policy change listener failed: %s", e.toString());
            }
        }
        return next;
    }

    private static void logRejections(PolicySet previous, PolicySet next) {
        Set<String> before = new HashSet<>();
        for (PolicyRejection r : previous.rejections()) {
            before.add(r.toString());
        }
        for (PolicyRejection r : next.rejections()) {
            if (!before.contains(r.toString())) {
                LOG.errorf("policy rejected: %s", r);
            }
        }
    }
}
