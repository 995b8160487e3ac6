package org.kalaja.store.postgres;

import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.StoreContract;

/** The store contract on PostgreSQL: each test gets its own database on the shared embedded server. */
class PostgresStoreTest extends StoreContract {
    private String url;

    @Override
    protected Store newStore() {
        url = TestDatabases.freshDatabase();
        return TestDatabases.open(url);
    }

    @Override
    protected Store reopen(Store store) {
        store.close();
        return TestDatabases.open(url);
    }
}
