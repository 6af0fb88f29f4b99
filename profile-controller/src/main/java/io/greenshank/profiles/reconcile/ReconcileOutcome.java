package io.greenshank.profiles.reconcile;

/** How one reconcile of one profile ended. Failures that should be retried are thrown, not returned. */
public enum ReconcileOutcome {
    /** Everything the profile asks for exists; {@code Ready} is true. */
    READY,
    /** The profile cannot be made ready without someone changing something (e.g. {@code NamespaceOwnedByOther}). */
    BLOCKED,
    /** The profile is being deleted and has been cleaned up. */
    FINALIZED,
    /** No such profile (deleted meanwhile). */
    GONE
}
