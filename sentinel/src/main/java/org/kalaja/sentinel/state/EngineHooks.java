package org.kalaja.sentinel.state;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;

/** The hooks of a running engine: the only caller of {@code RecordsEngine.repairStates}. */
record EngineHooks(RecordsEngine engine) implements StateHooks {
    @Override
    public Store store() {
        return engine.store();
    }

    @Override
    public long scanStates(Consumer<RecordState> visitor) {
        return engine.store().scanStates(visitor);
    }

    @Override
    public OptionalLong foreignWriteMarker() {
        return engine.store().foreignWriteMarker();
    }

    @Override
    public CompletableFuture<WriteResult> repairStates(Caller caller, byte[] incidentJson, List<RecordState> put,
            List<RecordId> remove) {
        return engine.repairStates(caller, incidentJson, put, remove);
    }
}
