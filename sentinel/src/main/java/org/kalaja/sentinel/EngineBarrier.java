package org.kalaja.sentinel;

import java.lang.reflect.Method;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.sentinel.contain.Barrier;

/** The engine's write barrier as containment's {@link Barrier}. */
final class EngineBarrier {
    private EngineBarrier() {
    }

    // TODO(contain): call engine.barrier() directly once RecordsEngine.barrier() is committed (engine piece).
    static Barrier of(RecordsEngine engine) {
        Object b;
        Method close;
        Method open;
        try {
            b = RecordsEngine.class.getMethod("barrier").invoke(engine);
            close = b.getClass().getMethod("close", String.class);
            open = b.getClass().getMethod("open");
        } catch (ReflectiveOperationException e) {
            org.slf4j.LoggerFactory.getLogger(EngineBarrier.class)
                    .warn("this engine has no write barrier; safe mode is enforced by the sentinel alone");
            return Barrier.NONE;
        }
        return new Barrier() {
            @Override
            public void close(String reason) {
                call(close, b, reason);
            }

            @Override
            public void open() {
                call(open, b);
            }
        };
    }

    private static void call(Method m, Object target, Object... args) {
        try {
            m.invoke(target, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("write barrier: " + e, e);
        }
    }
}
