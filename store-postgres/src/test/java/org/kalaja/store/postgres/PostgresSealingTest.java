package org.kalaja.store.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.SealingContract;

/** Sealed collections on PostgreSQL: a plain-text pg_dump of the database holds no clear text. */
class PostgresSealingTest extends SealingContract {
    private String url;

    @Override
    protected Store newStore() {
        url = TestDatabases.freshDatabase();
        return TestDatabases.open(url);
    }

    @Override
    protected byte[] everyStoredByte() throws Exception {
        String pgDump = Files.isExecutable(Path.of("/usr/bin/pg_dump")) ? "/usr/bin/pg_dump" : "pg_dump";
        String database = url.substring(url.lastIndexOf('/') + 1);
        Process p = new ProcessBuilder(pgDump, "--no-owner", "-h", "localhost", "-p",
                Integer.toString(TestDatabases.server().getPort()), "-U", TestDatabases.USER, database)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] dump = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0 || dump.length < 1000) throw new AssertionError("pg_dump failed (exit " + p.exitValue() + ")");
        return dump;
    }
}
