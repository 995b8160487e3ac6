package org.kalaja.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/** The barrier's own rules and the repair's argument checks; the drivers' contracts cover the rest. */
class WriteBarrierTest {
    private final RecordsEngine engine = RecordsEngine.open(new TokenTestStore(), EngineConfig.defaults());
    private final Caller clerk = Caller.of("token:clerk", "10.0.0.1", "test");

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aClosedBarrierNeedsAReasonAndReopens() {
        assertThatThrownBy(() -> engine.barrier().close(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(engine.barrier().closedBecause()).isEmpty();
        engine.barrier().close("first");
        engine.barrier().close("second");
        assertThat(engine.barrier().closedBecause()).contains("second");
        engine.barrier().open();
        engine.barrier().open();
        assertThat(engine.barrier().closedBecause()).isEmpty();
    }

    /** The sentinel may close the barrier from a write's completion callback, which runs on the committer. */
    @Test
    @Timeout(10)
    void closingFromACompletionCallbackDoesNotWaitForItself() throws Exception {
        CompletableFuture<WriteResult> first = new CompletableFuture<>();
        engine.put(clerk, "records", "a", "{}".getBytes(UTF_8), -1, "").whenComplete((r, e) -> {
            engine.barrier().close("closed by a callback");
            first.complete(r);
        });
        assertThat(first.get(5, TimeUnit.SECONDS).version()).isEqualTo(1);
        CompletableFuture<WriteResult> refused = engine.put(clerk, "records", "b", "{}".getBytes(UTF_8), -1, "");
        assertThatThrownBy(refused::join).isInstanceOf(CompletionException.class).cause()
                .hasMessage("safe mode: closed by a callback");
    }

    @Test
    void aRepairNeedsAnIncidentIdAndEachRecordOnce() {
        RecordState row = new RecordState(new RecordId("records", "a"), 1, 0, false);
        assertThatThrownBy(() -> engine.repairStates(clerk, "{\"type\":\"state_audit\"}".getBytes(UTF_8), List.of(), List.of()))
                .isInstanceOf(EngineException.class).extracting(e -> ((EngineException) e).problem()).isEqualTo(Problem.INVALID);
        assertThatThrownBy(() -> engine.repairStates(clerk, "{\"id\":\"../x\"}".getBytes(UTF_8), List.of(), List.of()))
                .isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> engine.repairStates(clerk, "not json".getBytes(UTF_8), List.of(), List.of()))
                .isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> engine.repairStates(clerk, "{\"id\":\"inc-1\"}".getBytes(UTF_8), List.of(row), List.of(row.id())))
                .isInstanceOf(EngineException.class).hasMessageContaining("records/a");
        assertThatThrownBy(() -> engine.repairStates(clerk, "{\"id\":\"inc-1\"}".getBytes(UTF_8), List.of(row, row), List.of()))
                .isInstanceOf(EngineException.class).hasMessageContaining("twice");
        assertThat(engine.size()).isZero();
    }
}
