package io.greenshank.profiles.leader;

import java.time.Duration;

/**
 * @param leaseNamespace namespace of the coordination.k8s.io Lease (the controller's own)
 * @param leaseName      the Lease every replica competes for
 * @param identity       this replica's name in the Lease (the pod name, normally)
 * @param leaseDuration  how long a lease holds without renewal before others may take it
 * @param renewDeadline  how long the leader keeps trying to renew before giving up leadership
 * @param retryPeriod    how often candidates and the leader try
 */
public record LeaderSettings(String leaseNamespace, String leaseName, String identity, Duration leaseDuration,
        Duration renewDeadline, Duration retryPeriod) {
}
