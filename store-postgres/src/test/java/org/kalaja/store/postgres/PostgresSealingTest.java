package org.kalaja.store.postgres;

import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.ClearText;
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
    protected String everyStoredByte() throws Exception {
        return ClearText.pgDump(TestDatabases.server().getPort(), TestDatabases.USER, url.substring(url.lastIndexOf('/') + 1));
    }
}
