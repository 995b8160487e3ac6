package org.kalaja.store.sqlite;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.EngineFaultContract;

/** Store failures under the engine, on SQLite. */
class SqliteEngineFaultTest extends EngineFaultContract {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return SqliteStore.open(dir.resolve("kalaja.db"));
    }
}
