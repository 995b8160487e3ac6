package org.kalaja.store.postgres;

import org.kalaja.engine.spi.Store;
import org.kalaja.testkit.EngineContract;

/** The records engine and the transparency log on PostgreSQL. */
class PostgresEngineTest extends EngineContract {

    @Override
    protected Store newStore() {
        return TestDatabases.open(TestDatabases.freshDatabase());
    }
}
