package org.kalaja.sentinel.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.store.sqlite.SqliteStore;

/** A real engine on a real SQLite store in a test's directory; reopened like a restarted node. */
public final class TestLog implements AutoCloseable {
    private final Path db;
    private Store store;
    private RecordsEngine engine;

    public TestLog(Path dir) {
        this.db = dir.resolve("kalaja.db");
        open();
    }

    private void open() {
        store = SqliteStore.open(db);
        engine = RecordsEngine.open(store, EngineConfig.defaults());
    }

    public Store store() {
        return store;
    }

    public RecordsEngine engine() {
        return engine;
    }

    /** Closes and opens the same database again. */
    public void restart() {
        close();
        open();
    }

    /** Every committed entry, decoded, in log order. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        store.entries(0, store.size(), e -> out.add(EntryCodec.decode(e.data())));
        return out;
    }

    @Override
    public void close() {
        engine.close();
        store.close();
    }
}
