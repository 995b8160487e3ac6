package org.kalaja.store.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.kalaja.engine.spi.StoreException;

/**
 * The tables, created in the connection's current schema, and the locks that guard them.
 *
 * <pre>
 * kalaja_schema       (version int)                       one row: the layout version below
 * kalaja_entries      (idx bigint PK, data bytea, previous_idx bigint)   append-only, contiguous from 0
 * kalaja_state        (collection, key text COLLATE "C" PK, version, idx bigint, deleted bool)
 * kalaja_idempotency  (key text COLLATE "C" PK, idx bigint)
 * kalaja_blobs        (sha256 bytea PK, content bytea)
 * kalaja_tiles        (level int, idx bigint PK, hashes bytea)   a row only ever grows by extension
 * kalaja_checkpoints  (size bigint PK, note text)
 * kalaja_meta         (name text COLLATE "C" PK, value text)
 * </pre>
 *
 * <p>Names are compared with collation "C": byte order of UTF-8, exact and case-sensitive. The log
 * size is not stored: it is {@code max(idx) + 1}, read by the writer holding the write lock, which is
 * only correct because every append checks contiguity.
 *
 * <p>Locks are transaction-scoped advisory locks keyed by (purpose, hash of the schema name), so two
 * logs in two schemas of one database do not contend, and a crashed node's lock dies with its
 * session.
 */
final class Schema {
    static final int VERSION = 1;
    static final int WRITE_LOCK = 0x6b6c6a01;
    static final int INTEGRATE_LOCK = 0x6b6c6a02;
    static final int SCHEMA_LOCK = 0x6b6c6a03;

    private static final String[] TABLES = {
        "CREATE TABLE kalaja_schema (version int NOT NULL)",
        "CREATE TABLE kalaja_entries (idx bigint PRIMARY KEY, data bytea NOT NULL, previous_idx bigint NOT NULL)",
        "CREATE TABLE kalaja_state (collection text COLLATE \"C\" NOT NULL, key text COLLATE \"C\" NOT NULL,"
                + " version bigint NOT NULL, idx bigint NOT NULL, deleted boolean NOT NULL,"
                + " PRIMARY KEY (collection, key))",
        "CREATE TABLE kalaja_idempotency (key text COLLATE \"C\" PRIMARY KEY, idx bigint NOT NULL)",
        "CREATE TABLE kalaja_blobs (sha256 bytea PRIMARY KEY, content bytea NOT NULL)",
        "CREATE TABLE kalaja_tiles (level int NOT NULL, idx bigint NOT NULL, hashes bytea NOT NULL,"
                + " PRIMARY KEY (level, idx))",
        "CREATE TABLE kalaja_checkpoints (size bigint PRIMARY KEY, note text NOT NULL)",
        "CREATE TABLE kalaja_meta (name text COLLATE \"C\" PRIMARY KEY, value text NOT NULL)",
        "INSERT INTO kalaja_schema (version) VALUES (" + VERSION + ")",
    };

    private Schema() {
    }

    /** SQL that takes the transaction-scoped lock {@code purpose} for the current schema. */
    static String lock(int purpose) {
        return "SELECT pg_advisory_xact_lock(" + purpose + ", hashtext(coalesce(current_schema(), '')))";
    }

    /**
     * Creates the tables if absent, under a lock so that nodes starting together do not race, and
     * refuses a layout this driver does not know.
     */
    static void ensure(Connection c, Endpoint endpoint) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            checkServer(s, endpoint);
            s.execute(lock(SCHEMA_LOCK));
            int found = 0;
            try (ResultSet r = s.executeQuery("SELECT to_regclass('kalaja_schema') IS NOT NULL")) {
                r.next();
                if (r.getBoolean(1)) {
                    try (ResultSet v = s.executeQuery("SELECT max(version) FROM kalaja_schema")) {
                        v.next();
                        found = v.getInt(1);
                    }
                }
            }
            if (found == 0) {
                for (String ddl : TABLES) s.execute(ddl);
            } else if (found > VERSION) {
                throw new StoreException("the Kalaja tables at " + endpoint + " have layout version " + found
                        + ", newer than this driver's " + VERSION + "; upgrade Kalaja on this node", false);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void checkServer(Statement s, Endpoint endpoint) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT current_setting('server_encoding'), current_setting('fsync')")) {
            r.next();
            if (!r.getString(1).equals("UTF8")) {
                throw new StoreException("database " + endpoint + " has encoding " + r.getString(1)
                        + "; Kalaja needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')", false);
            }
            if (!r.getString(2).equals("on")) {
                throw new StoreException("PostgreSQL at " + endpoint.hostPort() + " runs with fsync=off, so"
                        + " acknowledged writes would not survive a crash; set fsync=on", false);
            }
        }
    }
}
