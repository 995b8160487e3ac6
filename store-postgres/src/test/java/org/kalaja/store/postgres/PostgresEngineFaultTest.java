package org.kalaja.store.postgres;

import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.EngineFaultContract;

/** Store failures under the engine, on PostgreSQL. */
class PostgresEngineFaultTest extends EngineFaultContract {
    @Override
    protected Store newStore() {
        return TestDatabases.open(TestDatabases.freshDatabase());
    }
}
