package org.kalaja.store.sqlite;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.EngineContract;

/** The records engine and the transparency log on SQLite. */
class SqliteEngineTest extends EngineContract {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return SqliteStore.open(dir.resolve("kalaja.db"));
    }
}
