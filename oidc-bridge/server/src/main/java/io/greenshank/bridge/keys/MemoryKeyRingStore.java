package io.greenshank.bridge.keys;

import java.util.Optional;

/** Keys that live only as long as the process: for tests and throwaway dev runs. */
public final class MemoryKeyRingStore implements KeyRingStore {
    private Versioned current;
    private long version;

    @Override
    public synchronized Optional<Versioned> load() {
        return Optional.ofNullable(current);
    }

    @Override
    public synchronized boolean save(KeyRing ring, Optional<String> expectedVersion) {
        Optional<String> actual = Optional.ofNullable(current).map(Versioned::version);
        if (!actual.equals(expectedVersion)) {
            return false;
        }
        current = new Versioned(ring, Long.toString(++version));
        return true;
    }
}
