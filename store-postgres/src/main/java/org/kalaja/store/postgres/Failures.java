package org.kalaja.store.postgres;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.kalaja.engine.spi.StoreException;

/**
 * Turns PostgreSQL's errors into {@link StoreException}s an operator can act on.
 *
 * <p>Retryable: lost or refused connections (SQLSTATE class 08, server shutting down 57P0x), lock and
 * serialization conflicts, cancelled statements and timeouts, insufficient resources (class 53: disk
 * full, out of memory, too many connections). Everything else is a defect or a misconfiguration.
 * Messages name the endpoint and the SQLSTATE; they MUST NOT contain the password, so any occurrence
 * of it in a server or driver message is masked.
 */
final class Failures {
    private final Endpoint endpoint;
    private final String password;

    Failures(Endpoint endpoint, String password) {
        this.endpoint = endpoint;
        this.password = password;
    }

    StoreException translate(String action, SQLException e) {
        String state = sqlState(e);
        String at = "PostgreSQL at " + endpoint.hostPort();
        String detail = mask(String.valueOf(rootMessage(e)));
        String where = " while " + action + " (SQLSTATE " + state + ": " + detail + ")";
        if (state == null && e instanceof SQLTransientConnectionException) {
            return new StoreException(at + " busy: no free connection in the pool" + where, true, e);
        }
        if (state == null) state = "";
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
            return new StoreException(at + " unreachable" + where, true, e);
        }
        if (state.equals("53100")) {
            return new StoreException(at + ": disk full; free space on the database server" + where, true, e);
        }
        if (state.startsWith("53")) {
            return new StoreException(at + ": out of resources" + where, true, e);
        }
        if (state.equals("40001") || state.equals("40P01") || state.equals("55P03")
                || state.equals("57014") || state.equals("25P03")) {
            return new StoreException(at + " busy: lock or statement timed out" + where, true, e);
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return new StoreException(at + ": authentication failed; check the user and password" + where, false, e);
        }
        if (state.equals("3D000")) {
            return new StoreException(at + ": database " + endpoint.database() + " does not exist" + where, false, e);
        }
        return new StoreException(at + " failed" + where, false, e);
    }

    String mask(String message) {
        return password.isEmpty() ? message : message.replace(password, "***");
    }

    private static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) return s.getSQLState();
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
