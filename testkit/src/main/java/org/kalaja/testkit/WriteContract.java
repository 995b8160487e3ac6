package org.kalaja.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/** What {@code write} and {@code integrate} MUST do; drivers extend {@link StoreContract}, not this. */
abstract class WriteContract extends StoreFixture {

    @Test
    void emptyStoreHoldsNothing() {
        assertThat(store.describe()).isNotBlank();
        assertThat(store.size()).isZero();
        assertThat(store.entry(0)).isEmpty();
        assertThat(allEntries(store)).isEmpty();
        assertThat(store.state(id("c", "k"))).isEmpty();
        assertThat(store.list("c", "", 10)).isEmpty();
        assertThat(allStates(store)).isEmpty();
        assertThat(allIdempotencyKeys(store)).isEmpty();
        assertThat(store.blob(sha256(new byte[] {1}))).isEmpty();
        assertThat(store.tile(0, 0)).isEmpty();
        assertThat(store.latestCheckpoint()).isEmpty();
        assertThat(store.checkpoint(0)).isEmpty();
        assertThat(store.meta("origin")).isEmpty();
        assertThat(committedSizeInWrite()).isZero();
    }

    @Test
    void appendsAtConsecutiveIndexesAreKeptWithTheirBytesAndPreviousIndex() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.append(1, body(1), 0);
            tx.append(2, new byte[] {0, -1, 127, -128}, 1);
            return null;
        });

        assertThat(store.size()).isEqualTo(3);
        StoredEntry second = store.entry(1).orElseThrow();
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.data()).isEqualTo(body(1));
        assertThat(second.previousIndex()).isZero();
        assertThat(store.entry(2).orElseThrow().data()).containsExactly(0, -1, 127, -128);
        assertThat(store.entry(0).orElseThrow().previousIndex()).isEqualTo(-1);
        assertThat(store.entry(3)).isEmpty();
    }

    @Test
    void nextTransactionSeesCommittedSizeAndContinuesFromIt() {
        appendEntries(store, 3);
        assertThat(committedSizeInWrite()).isEqualTo(3);
        appendEntries(store, 2);
        assertThat(allEntries(store)).extracting(StoredEntry::index).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void writeReturnsWhatTheWorkReturned() {
        assertThat(store.<String>write(tx -> "done at " + tx.size())).isEqualTo("done at 0");
        assertThat(store.<Integer>integrate(tx -> 42)).isEqualTo(42);
    }

    @Test
    void appendThatSkipsAnIndexFailsTheTransactionAndKeepsNothing() {
        appendEntries(store, 2);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.putState(new RecordState(id("c", "k"), 1, 2, false));
            tx.append(2, body(2), -1);
            tx.append(4, body(4), -1);
            return null;
        })).isInstanceOf(StoreException.class);

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.entry(2)).isEmpty();
        assertThat(store.state(id("c", "k"))).isEmpty();
    }

    @Test
    void firstAppendNotAtSizeFailsTheTransaction() {
        appendEntries(store, 3);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.append(2, body(2), -1); // overwriting history
            return null;
        })).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.append(4, body(4), -1); // leaving a gap
            return null;
        })).isInstanceOf(StoreException.class);

        assertThat(allEntries(store)).extracting(StoredEntry::data)
                .containsExactly(body(0), body(1), body(2));
        appendEntries(store, 1);
        assertThat(store.size()).isEqualTo(4);
    }

    @Test
    void workThatThrowsLeavesNothingAndItsExceptionComesBackUnchanged() {
        appendEntries(store, 1);
        byte[] content = "a large body".getBytes(StandardCharsets.UTF_8);
        Abort abort = new Abort();

        assertThatThrownBy(() -> store.write(tx -> {
            tx.append(1, body(1), -1);
            tx.putState(new RecordState(id("c", "k"), 1, 1, false));
            tx.putIdempotencyKey("request-1", 1);
            tx.putBlob(sha256(content), content);
            throw abort;
        })).isSameAs(abort);

        assertThat(store.size()).isEqualTo(1);
        assertThat(store.entry(1)).isEmpty();
        assertThat(store.state(id("c", "k"))).isEmpty();
        assertThat(store.list("c", "", 10)).isEmpty();
        assertThat(idempotencyKeysInWrite(List.of("request-1"))).isEmpty();
        assertThat(allIdempotencyKeys(store)).isEmpty();
        assertThat(store.blob(sha256(content))).isEmpty();
        assertThat(committedSizeInWrite()).isEqualTo(1);
    }

    @Test
    void statesAreLookedUpInBatchesAndOnlyExistingOnesReturned() {
        Map<RecordId, RecordState> written = new HashMap<>();
        store.write(tx -> {
            for (int i = 0; i < 1500; i++) {
                RecordState s = new RecordState(id(i % 2 == 0 ? "even" : "odd", "k" + i), 1 + i % 5, i, i % 7 == 0);
                tx.append(i, body(i), -1);
                tx.putState(s);
                written.put(s.id(), s);
            }
            return null;
        });
        List<RecordId> asked = new ArrayList<>();
        for (int i = 500; i < 1500; i += 2) asked.add(id("even", "k" + i)); // exist
        for (int i = 500; i < 1500; i += 2) asked.add(id("odd", "k" + i)); // do not exist

        Map<RecordId, RecordState> found = statesInWrite(asked);

        assertThat(found).hasSize(500);
        found.forEach((rid, state) -> assertThat(state).isEqualTo(written.get(rid)));
        assertThat(statesInWrite(List.of())).isEmpty();
    }

    @Test
    void batchLookupsFindNamesWithQuotesBackslashesControlCharactersAndUnicode() {
        List<String> names = List.of("a\"b", "back\\slash", "tab\tnew\nline", "[\"json\", 1]", "'; DROP TABLE state; --",
                "ë€😀", "%_*?", "a", "A");
        store.write(tx -> {
            for (int i = 0; i < names.size(); i++) {
                tx.append(i, body(i), -1);
                tx.putState(new RecordState(id(names.get(i), names.get(i)), 1, i, false));
                tx.putIdempotencyKey(names.get(i), i);
            }
            return null;
        });
        List<RecordId> ids = names.stream().map(n -> id(n, n)).toList();

        assertThat(statesInWrite(ids)).containsOnlyKeys(ids);
        assertThat(statesInWrite(List.of(id("a", "A"), id("A", "a")))).isEmpty();
        assertThat(idempotencyKeysInWrite(names)).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            assertThat(idempotencyKeysInWrite(names)).containsEntry(names.get(i), (long) i);
            assertThat(store.state(ids.get(i))).isPresent();
        }
    }

    @Test
    void puttingAStateReplacesThePreviousOneAndTombstonesAreStates() {
        RecordId rid = id("people", "ana");
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(rid, 1, 0, false));
            return null;
        });
        store.write(tx -> {
            tx.append(1, body(1), 0);
            tx.putState(new RecordState(rid, 2, 1, true));
            return null;
        });

        RecordState tombstone = new RecordState(rid, 2, 1, true);
        assertThat(store.state(rid)).contains(tombstone);
        assertThat(statesInWrite(List.of(rid))).containsExactly(Map.entry(rid, tombstone));
        assertThat(allStates(store)).containsExactly(tombstone);
    }

    @Test
    void idempotencyKeysAreLookedUpInBatches() {
        store.write(tx -> {
            for (int i = 0; i < 1200; i++) {
                tx.append(i, body(i), -1);
                tx.putIdempotencyKey("req-" + i, i);
            }
            return null;
        });
        List<String> asked = new ArrayList<>();
        for (int i = 700; i < 1700; i++) asked.add("req-" + i);

        Map<String, Long> found = idempotencyKeysInWrite(asked);

        assertThat(found).hasSize(500);
        for (int i = 700; i < 1200; i++) assertThat(found).containsEntry("req-" + i, (long) i);
        assertThat(idempotencyKeysInWrite(List.of())).isEmpty();
    }

    @Test
    void blobsAreKeptByHashAndStoringThemAgainIsANoOp() {
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) content[i] = (byte) (i * 7);
        byte[] hash = sha256(content);
        store.write(tx -> {
            tx.putBlob(hash, content);
            tx.putBlob(hash, content.clone());
            return null;
        });
        store.write(tx -> {
            tx.putBlob(hash, content.clone());
            return null;
        });

        assertThat(store.blob(hash)).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
        assertThat(store.blob(sha256(new byte[] {1}))).isEmpty();
    }

    @Test
    void tilesGrowAndTheTransactionSeesItsOwnTiles() {
        byte[] narrow = tileOf(3, 1);
        byte[] wide = tileOf(256, 1);
        store.integrate(tx -> {
            tx.putTile(0, 5, narrow);
            assertThat(tx.tile(0, 5)).hasValueSatisfying(t -> assertThat(t).isEqualTo(narrow));
            return null;
        });
        assertThat(store.tile(0, 5)).hasValueSatisfying(t -> assertThat(t).isEqualTo(narrow));

        store.integrate(tx -> {
            tx.putTile(0, 5, wide);
            tx.putTile(0, 5, wide); // the same tile again is not a change
            tx.putTile(1, 0, narrow);
            return null;
        });
        assertThat(store.tile(0, 5)).hasValueSatisfying(t -> assertThat(t).isEqualTo(wide));
        assertThat(store.tile(1, 0)).hasValueSatisfying(t -> assertThat(t).isEqualTo(narrow));
        assertThat(store.tile(1, 5)).isEmpty();
        assertThat(store.tile(0, 4)).isEmpty();
    }

    @Test
    void tileWhosePrefixDiffersIsRefusedAndTheIntegrationKeepsNothing() {
        store.integrate(tx -> {
            tx.putTile(0, 0, tileOf(4, 1));
            return null;
        });
        byte[] rewritten = tileOf(8, 1);
        rewritten[33] ^= 1; // the second hash differs from the stored one

        assertThatThrownBy(() -> store.integrate(tx -> {
            tx.putCheckpoint(8, "checkpoint for 8\n");
            tx.putTile(0, 1, tileOf(2, 2));
            tx.putTile(0, 0, rewritten);
            return null;
        })).isInstanceOf(StoreException.class);

        assertThat(store.tile(0, 0)).hasValueSatisfying(t -> assertThat(t).isEqualTo(tileOf(4, 1)));
        assertThat(store.tile(0, 1)).isEmpty();
        assertThat(store.checkpoint(8)).isEmpty();
        assertThat(store.latestCheckpoint()).isEmpty();
    }

    @Test
    void tilesNeverShrink() {
        store.integrate(tx -> {
            tx.putTile(2, 9, tileOf(4, 3));
            return null;
        });
        assertThatThrownBy(() -> store.integrate(tx -> {
            tx.putTile(2, 9, tileOf(2, 3));
            return null;
        })).isInstanceOf(StoreException.class);
        assertThat(store.tile(2, 9)).hasValueSatisfying(t -> assertThat(t).isEqualTo(tileOf(4, 3)));
    }

    @Test
    void latestCheckpointIsTheLargestTreeAndEveryCheckpointStaysFindableBySize() {
        store.integrate(tx -> {
            assertThat(tx.latestCheckpoint()).isEmpty();
            tx.putCheckpoint(10, "log\n10\nroot10\n");
            return null;
        });
        store.integrate(tx -> {
            assertThat(tx.latestCheckpoint()).contains("log\n10\nroot10\n");
            tx.putCheckpoint(25, "log\n25\nroot25\n");
            return null;
        });
        store.integrate(tx -> {
            tx.putCheckpoint(17, "log\n17\nroot17\n"); // stored late, still not the latest
            return null;
        });

        assertThat(store.latestCheckpoint()).contains("log\n25\nroot25\n");
        assertThat(store.<Optional<String>>integrate(tx -> tx.latestCheckpoint())).contains("log\n25\nroot25\n");
        assertThat(store.checkpoint(10)).contains("log\n10\nroot10\n");
        assertThat(store.checkpoint(17)).contains("log\n17\nroot17\n");
        assertThat(store.checkpoint(11)).isEmpty();
    }

    @Test
    void integrationWhoseWorkThrowsKeepsNothing() {
        Abort abort = new Abort();
        assertThatThrownBy(() -> store.integrate(tx -> {
            tx.putTile(0, 0, tileOf(1, 1));
            tx.putCheckpoint(1, "log\n1\n");
            throw abort;
        })).isSameAs(abort);
        assertThat(store.tile(0, 0)).isEmpty();
        assertThat(store.latestCheckpoint()).isEmpty();
        assertThat(store.checkpoint(1)).isEmpty();
    }

    @Test
    void metaValuesAreSetAndReplaced() {
        store.putMeta("origin", "kalaja.example/log");
        store.putMeta("verifier", "key+1");
        store.putMeta("origin", "kalaja.example/log2");
        assertThat(store.meta("origin")).contains("kalaja.example/log2");
        assertThat(store.meta("verifier")).contains("key+1");
        assertThat(store.meta("Origin")).isEmpty();
    }
}
