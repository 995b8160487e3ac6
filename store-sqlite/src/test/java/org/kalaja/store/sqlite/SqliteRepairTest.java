package org.kalaja.store.sqlite;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.RepairContract;

/** Safe mode and the state repair on SQLite. */
class SqliteRepairTest extends RepairContract {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return SqliteStore.open(dir.resolve("kalaja.db"));
    }

    @Override
    protected Store reopen(Store store) {
        store.close();
        return SqliteStore.open(dir.resolve("kalaja.db"));
    }
}
