package org.kalaja.store.postgres;

import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.RepairContract;

/** Safe mode and the state repair on PostgreSQL: each test gets its own database on the shared embedded server. */
class PostgresRepairTest extends RepairContract {
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
