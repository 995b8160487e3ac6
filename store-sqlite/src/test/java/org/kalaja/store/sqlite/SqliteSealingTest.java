package org.kalaja.store.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.ClearText;
import org.kalaja.testkit.SealingContract;

/** Sealed collections on SQLite: the database file, its WAL and the segment files hold no clear text. */
class SqliteSealingTest extends SealingContract {
    @TempDir
    Path dir;

    @Override
    protected Store newStore() {
        return SqliteStore.open(dir.resolve("kalaja.db"));
    }

    @Override
    protected String everyStoredByte() throws IOException {
        return ClearText.under(dir);
    }
}
