package io.greenshank.bridge.keys;

import java.util.Optional;

/** Where the key ring is kept, with compare-and-set so concurrent replicas never overwrite each other. */
public interface KeyRingStore {

    /** A stored ring and the version it was read at. */
    record Versioned(KeyRing ring, String version) {
    }

    Optional<Versioned> load() throws Exception;

    /**
     * Stores {@code ring} if the stored version is still {@code expectedVersion} (empty: nothing stored yet).
     *
     * @return false when another writer got there first; the caller reloads
     */
    boolean save(KeyRing ring, Optional<String> expectedVersion) throws Exception;
}
