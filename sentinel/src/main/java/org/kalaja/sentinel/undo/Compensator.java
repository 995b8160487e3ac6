package org.kalaja.sentinel.undo;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.WriteResult;

/** The engine's {@code RecordsEngine.compensate}: a write that passes the safe-mode barrier. */
@FunctionalInterface
interface Compensator {
    /** @param json the body to restore, or null to delete */
    CompletableFuture<WriteResult> compensate(Caller admin, String collection, String key, byte @Nullable [] json,
            long expectedVersion, String idempotencyKey);
}
