package org.kalaja.server.drill;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * The drill's own check of the rebuilt node's store, read from its files rather than through the
 * node's API (whose bulk-read rules would rightly stop a client reading everything back).
 */
final class RebuiltStore {
    private RebuiltStore() {
    }

    /** Acknowledged writes the rebuilt store does not hold as acknowledged, read from the store itself. */
    static long lost(Path data, Map<String, String> acknowledged) {
        long lost = 0;
        try (Store store = SqliteStore.open(data.resolve("kalaja.db"))) {
            for (Map.Entry<String, String> w : acknowledged.entrySet()) {
                int slash = w.getKey().indexOf('/');
                RecordState s = store.state(new RecordId(w.getKey().substring(0, slash), w.getKey().substring(slash + 1))).orElse(null);
                String held = s == null || s.deleted() ? null
                        : new String(EntryCodec.decode(store.entry(s.index()).orElseThrow().data()).body(), StandardCharsets.UTF_8);
                if (!w.getValue().equals(held)) lost++;
            }
        }
        return lost;
    }
}
