package org.kalaja.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kalaja.ledger.Hash;

class RecentLeavesTest {
    /** Stand-ins for leaf hashes whose first byte tells which entry they are for. */
    private static List<Hash> leaves(int first, int count) {
        List<Hash> out = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            byte[] h = new byte[Hash.SIZE];
            h[0] = (byte) i;
            out.add(Hash.of(h));
        }
        return out;
    }

    @Test
    void givesARangeSpanningSeveralCommittedBatches() {
        RecentLeaves recent = new RecentLeaves();
        recent.committed(10, leaves(10, 5));
        recent.committed(15, leaves(15, 5));
        List<Hash> got = recent.take(12, 18).orElseThrow();
        assertThat(got).extracting(h -> (int) h.bytes()[0]).containsExactly(12, 13, 14, 15, 16, 17);
    }

    @Test
    void refusesARangeWithEntriesThisNodeDidNotCommit() {
        RecentLeaves recent = new RecentLeaves();
        recent.committed(10, leaves(10, 5));
        recent.committed(20, leaves(20, 5)); // another node wrote 15..19
        assertThat(recent.take(10, 25)).isEmpty();
        assertThat(recent.take(5, 12)).isEmpty();
        assertThat(recent.take(20, 26)).isEmpty();
        assertThat(recent.take(20, 25)).isPresent();
    }

    @Test
    void forgetsWhatLiesBeforeTheRequestedRange() {
        RecentLeaves recent = new RecentLeaves();
        recent.committed(0, leaves(0, 4));
        recent.committed(4, leaves(4, 4));
        assertThat(recent.take(4, 8)).isPresent();
        assertThat(recent.take(0, 4)).as("batches wholly before 4 were dropped").isEmpty();
    }

    @Test
    void holdsABoundedNumberOfEntries() {
        RecentLeaves recent = new RecentLeaves();
        int batch = RecentLeaves.MAX_LEAVES / 4;
        for (int i = 0; i < 6; i++) recent.committed((long) i * batch, leaves(0, batch));
        assertThat(recent.take(0, batch)).as("oldest dropped").isEmpty();
        assertThat(recent.take(2L * batch, 6L * batch)).isPresent();
    }
}
