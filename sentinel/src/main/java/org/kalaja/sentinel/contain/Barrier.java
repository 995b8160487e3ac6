package org.kalaja.sentinel.contain;

/**
 * The engine's switch for safe mode: while closed, record writes fail in the engine itself, so a
 * request that reached the engine without passing the sentinel is refused too.
 */
public interface Barrier {
    /** A barrier that does nothing, for tests of the sentinel's own refusals. */
    Barrier NONE = new Barrier() {
        @Override
        public void close(String reason) {
        }

        @Override
        public void open() {
        }
    };

    void close(String reason);

    void open();
}
