package org.kalaja.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded PostgreSQL per test JVM (started on first use), and a fresh database per test. */
final class TestDatabases {
    static final String USER = "postgres";
    static final String PASSWORD = "not-checked-by-trust-auth";
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabases() {
    }

    static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = durable(EmbeddedPostgres.builder()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
        return server;
    }

    /** The embedded defaults trade durability for speed; the store refuses that, and benchmarks must not. */
    static EmbeddedPostgres.Builder durable(EmbeddedPostgres.Builder builder) {
        return builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
    }

    /** The JDBC URL of a new, empty database on the shared server. */
    static String freshDatabase() {
        return freshDatabase(server());
    }

    static String freshDatabase(EmbeddedPostgres on) {
        String name = "kalaja_test_" + NEXT.incrementAndGet();
        try (Connection c = on.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return "jdbc:postgresql://localhost:" + on.getPort() + "/" + name;
    }

    static PostgresStore open(String url) {
        return PostgresStore.open(url, USER, PASSWORD);
    }
}
