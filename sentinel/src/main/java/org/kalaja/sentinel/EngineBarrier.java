package org.kalaja.sentinel;

import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteBarrier;
import org.kalaja.sentinel.contain.Barrier;

/** The engine's write barrier as containment's {@link Barrier}. */
final class EngineBarrier implements Barrier {
    private final WriteBarrier barrier;

    private EngineBarrier(WriteBarrier barrier) {
        this.barrier = barrier;
    }

    static Barrier of(RecordsEngine engine) {
        return new EngineBarrier(engine.barrier());
    }

    @Override
    public void close(String reason) {
        barrier.close(reason);
    }

    @Override
    public void open() {
        barrier.open();
    }
}
