package org.kalaja.store.sqlite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.Store;
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
    protected byte[] everyStoredByte() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) all.writeBytes(Files.readAllBytes(f));
        }
        return all.toByteArray();
    }
}
