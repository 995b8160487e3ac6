package org.kalaja.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool.PoolInitializationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.kalaja.engine.spi.IntegrationTransaction;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;
import org.kalaja.store.postgres.LogTransaction.SqlFailure;

/**
 * The store on PostgreSQL, for several stateless Kalaja nodes sharing one cluster and one log.
 *
 * <p>Each instance owns a connection pool. Writers on every node serialize on a transaction-scoped
 * advisory lock (the log's write lock), read the log size under it and append contiguously from it;
 * integrations take a different advisory lock, so they never wait for writers nor writers for them.
 * Readers run at READ COMMITTED and see whole committed transactions only. Commits are durable:
 * the driver refuses a server running with {@code fsync=off} and raises a session's
 * {@code synchronous_commit=off} to {@code on}.
 *
 * <p>The tables live in the connection's current schema (default {@code public}; choose another with
 * {@code ?currentSchema=} in the URL) and are created on first open; see {@code Schema} for the layout.
 * Failures are {@link StoreException}s that name the server, never the password; connection loss,
 * lock timeouts and a full disk are retryable. If the connection breaks during COMMIT itself the
 * outcome is unknown to any client of any database; the error says so and the engine's idempotency
 * keys make the retry safe.
 */
public final class PostgresStore implements Store {
    private static final String SIZE = "SELECT coalesce(max(idx) + 1, 0) FROM kalaja_entries";

    private final HikariDataSource pool;
    private final Endpoint endpoint;
    private final Failures failures;
    private volatile boolean closed;

    private PostgresStore(HikariDataSource pool, Endpoint endpoint, Failures failures) {
        this.pool = pool;
        this.endpoint = endpoint;
        this.failures = failures;
    }

    /**
     * Connects to {@code jdbcUrl} ({@code jdbc:postgresql://host:port/database}) with its own pool,
     * creating or checking the tables.
     *
     * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
     * @throws StoreException if the server cannot be reached (retryable), refuses the credentials, has
     *                        a newer table layout than this driver, or is not durable ({@code fsync=off})
     */
    public static PostgresStore open(String jdbcUrl, String user, String password) {
        Endpoint endpoint = Endpoint.of(jdbcUrl);
        Failures failures = new Failures(endpoint, password);
        HikariConfig config = new HikariConfig();
        config.setPoolName("kalaja " + endpoint);
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "120");
        config.addDataSourceProperty("ApplicationName", "kalaja");
        config.setConnectionInitSql("SET lock_timeout = '10s';"
                + " SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = 'off'");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (PoolInitializationException e) {
            if (e.getCause() instanceof SQLException s) throw failures.translate("connecting", s);
            throw new StoreException("PostgreSQL at " + endpoint.hostPort() + ": cannot open a connection pool: "
                    + failures.mask(String.valueOf(e.getMessage())), true, e);
        }
        PostgresStore store = new PostgresStore(pool, endpoint, failures);
        try (Connection c = store.connection("creating the tables")) {
            Schema.ensure(c, endpoint);
        } catch (SQLException e) {
            pool.close();
            throw failures.translate("creating the tables", e);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return store;
    }

    @Override
    public String describe() {
        return endpoint.toString();
    }

    @Override
    public <T> T write(Work<WriteTransaction, T> work) {
        return inTransaction("writing to the log", Schema.WRITE_LOCK, c -> {
            long size;
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(SIZE)) {
                r.next();
                size = r.getLong(1);
            }
            return run(new LogTransaction(c, size), work);
        });
    }

    /**
     * In one REPEATABLE READ transaction, without the write lock: entries and states commit together
     * under that lock, so one snapshot sees a size and the states that go with it.
     */
    @Override
    public Snapshot snapshot(Collection<RecordId> ids, Collection<String> keys) {
        try {
            return Reads.inSnapshot(this, "reading states for the next group commit", SIZE, (c, size) -> {
                LogTransaction view = new LogTransaction(c, size);
                try {
                    return new Snapshot(size, view.states(ids), keys.isEmpty() ? Map.of() : view.idempotencyKeys(keys));
                } finally {
                    view.close();
                }
            });
        } catch (SqlFailure e) {
            throw failures.translate(e.action, e.sql());
        }
    }

    @Override
    public <T> T integrate(Work<IntegrationTransaction, T> work) {
        return inTransaction("integrating the tree", Schema.INTEGRATE_LOCK, c -> run(new TreeTransaction(c), work));
    }

    @Override
    public long size() {
        return Reads.one(this, "reading the log size", SIZE,
                ps -> { }, r -> r.getLong(1)).orElseThrow();
    }

    @Override
    public Optional<StoredEntry> entry(long index) {
        return Reads.one(this, "reading entry " + index,
                "SELECT idx, data, previous_idx FROM kalaja_entries WHERE idx = ?",
                ps -> ps.setLong(1, index), PostgresStore::entryOf);
    }

    @Override
    public void entries(long from, long to, Visitor<StoredEntry> visitor) {
        if (to <= from) return;
        Reads.stream(this, "reading entries " + from + " to " + to,
                "SELECT idx, data, previous_idx FROM kalaja_entries WHERE idx >= ? AND idx < ? ORDER BY idx",
                ps -> {
                    ps.setLong(1, from);
                    ps.setLong(2, to);
                }, r -> visitor.visit(entryOf(r)));
    }

    @Override
    public Optional<RecordState> state(RecordId id) {
        return Reads.one(this, "reading the state of " + id,
                "SELECT collection, key, version, idx, deleted FROM kalaja_state WHERE collection = ? AND key = ?",
                ps -> {
                    ps.setString(1, id.collection());
                    ps.setString(2, id.key());
                }, PostgresStore::stateOf);
    }

    @Override
    public List<RecordState> list(String collection, String afterKey, int limit) {
        List<RecordState> page = new ArrayList<>();
        if (limit <= 0) return page;
        Reads.stream(this, "listing " + collection,
                "SELECT collection, key, version, idx, deleted FROM kalaja_state"
                        + " WHERE collection = ? AND key > ? AND NOT deleted ORDER BY key LIMIT ?",
                ps -> {
                    ps.setString(1, collection);
                    ps.setString(2, afterKey);
                    ps.setInt(3, limit);
                }, r -> page.add(stateOf(r)));
        return page;
    }

    @Override
    public void states(Visitor<RecordState> visitor) {
        Reads.stream(this, "reading all states",
                "SELECT collection, key, version, idx, deleted FROM kalaja_state ORDER BY collection, key",
                ps -> { }, r -> visitor.visit(stateOf(r)));
    }

    @Override
    public long scanStates(Consumer<RecordState> visitor) {
        return Reads.inSnapshot(this, "scanning every record's state", SIZE, (c, size) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT collection, key, version, idx, deleted FROM kalaja_state ORDER BY collection, key")) {
                ps.setFetchSize(Reads.FETCH_SIZE);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) visitor.accept(stateOf(r));
                }
            }
            return size;
        });
    }

    /**
     * Always empty. PostgreSQL has no per-connection "changed by someone else" counter like SQLite's
     * {@code data_version}; what it does count (transaction ids, {@code pg_current_wal_lsn()},
     * {@code pg_stat_database}) moves with every commit of every client, including the other Kalaja
     * nodes that legitimately share the database, autovacuum and checkpoints, so it cannot tell a
     * foreign write from ours. Triggers or logical decoding could, but need privileges and would
     * live in the database an intruder controls. On PostgreSQL only periodic state audits find rows
     * changed behind Kalaja's back.
     */
    @Override
    public OptionalLong foreignWriteMarker() {
        return OptionalLong.empty();
    }

    @Override
    public void idempotencyKeys(Visitor<IdempotencyKey> visitor) {
        Reads.stream(this, "reading idempotency keys", "SELECT key, idx FROM kalaja_idempotency ORDER BY key",
                ps -> { }, r -> visitor.visit(new IdempotencyKey(r.getString(1), r.getLong(2))));
    }

    @Override
    public Optional<byte[]> blob(byte[] sha256) {
        return Reads.one(this, "reading a blob", "SELECT content FROM kalaja_blobs WHERE sha256 = ?",
                ps -> ps.setBytes(1, sha256), r -> r.getBytes(1));
    }

    @Override
    public Optional<byte[]> tile(int level, long index) {
        return Reads.one(this, "reading tile " + level + "/" + index,
                "SELECT hashes FROM kalaja_tiles WHERE level = ? AND idx = ?",
                ps -> {
                    ps.setInt(1, level);
                    ps.setLong(2, index);
                }, r -> r.getBytes(1));
    }

    @Override
    public Optional<String> latestCheckpoint() {
        return Reads.one(this, "reading the latest checkpoint",
                "SELECT note FROM kalaja_checkpoints ORDER BY size DESC LIMIT 1", ps -> { }, r -> r.getString(1));
    }

    @Override
    public Optional<String> checkpoint(long size) {
        return Reads.one(this, "reading the checkpoint for size " + size,
                "SELECT note FROM kalaja_checkpoints WHERE size = ?", ps -> ps.setLong(1, size), r -> r.getString(1));
    }

    @Override
    public Optional<String> meta(String name) {
        return Reads.one(this, "reading meta " + name, "SELECT value FROM kalaja_meta WHERE name = ?",
                ps -> ps.setString(1, name), r -> r.getString(1));
    }

    @Override
    public void putMeta(String name, String value) {
        try (Connection c = connection("setting meta " + name);
                PreparedStatement ps = c.prepareStatement("INSERT INTO kalaja_meta (name, value) VALUES (?, ?)"
                        + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failures.translate("setting meta " + name, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.close();
    }

    @Override
    public String toString() {
        return "PostgresStore[" + endpoint + "]";
    }

    Connection connection(String action) throws SQLException {
        if (closed) throw new StoreException("the store " + endpoint + " is closed", false);
        return pool.getConnection();
    }

    Failures failures() {
        return failures;
    }

    static StoredEntry entryOf(ResultSet r) throws SQLException {
        return new StoredEntry(r.getLong(1), r.getBytes(2), r.getLong(3));
    }

    static RecordState stateOf(ResultSet r) throws SQLException {
        return new RecordState(new RecordId(r.getString(1), r.getString(2)), r.getLong(3), r.getLong(4),
                r.getBoolean(5));
    }

    /**
     * Runs {@code body} in a transaction holding lock {@code purpose}. Exceptions of the work come back
     * unchanged; database errors become {@link StoreException}s; either way the transaction is rolled back.
     */
    private <T> T inTransaction(String action, int purpose, Body<T> body) {
        String step = action;
        try (Connection c = connection(action)) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    // Frees the lock should a node stall inside a transaction.
                    s.execute("SET LOCAL idle_in_transaction_session_timeout = '60s'; " + Schema.lock(purpose));
                }
                T result = body.run(c);
                step = action + ", committing (if the connection broke during commit, the outcome is unknown)";
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SqlFailure e) {
            throw failures.translate(e.action, e.sql());
        } catch (SQLException e) {
            throw failures.translate(step, e);
        }
    }

    private static <X extends Ending, T> T run(X tx, Work<? super X, T> work) throws SQLException {
        try {
            T result = work.run(tx);
            tx.finish();
            return result;
        } finally {
            tx.close();
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is gone; the server rolls back on its own
        }
    }

    /** A transaction view whose work has run: {@link #finish} sends what is pending or fails. */
    interface Ending {
        void finish() throws SQLException;

        /** Later calls through leaked references MUST fail. */
        void close();
    }

    @FunctionalInterface
    private interface Body<T> {
        T run(Connection c) throws SQLException;
    }
}
