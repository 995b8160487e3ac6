package org.kalaja.sentinel.state;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.kalaja.engine.Caller;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;

/**
 * What the audit needs from the engine and its store, in one place, so that the audit's logic can be
 * exercised against a store a test edits behind the engine's back.
 */
interface StateHooks {
    /** The store the log is read from; entries only, never its state rows. */
    Store store();

    /** The log's committed size now. */
    default long size() {
        return store().size();
    }

    /** Every state row in one read snapshot, in key order; returns the log size that snapshot saw. */
    long scanStates(Consumer<RecordState> visitor);

    /** Changes only when another process commits to the store; empty where the store cannot tell. */
    OptionalLong foreignWriteMarker();

    /** Appends the evidence and puts the rows back, in one transaction. */
    CompletableFuture<WriteResult> repairStates(Caller caller, byte[] incidentJson, List<RecordState> put, List<RecordId> remove);
}
