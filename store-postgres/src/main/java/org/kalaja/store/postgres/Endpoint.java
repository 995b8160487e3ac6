package org.kalaja.store.postgres;

import java.util.Properties;
import org.postgresql.Driver;

/**
 * Where the database is, for messages: host, port and database name from a JDBC URL, never its
 * parameters (a URL may carry {@code password=...}).
 */
record Endpoint(String hostPort, String database) {

    static Endpoint of(String jdbcUrl) {
        Properties parsed = Driver.parseURL(jdbcUrl, new Properties());
        if (parsed == null) {
            throw new IllegalArgumentException(
                    "not a PostgreSQL JDBC URL; expected jdbc:postgresql://host:port/database");
        }
        String[] hosts = parsed.getProperty("PGHOST", "localhost").split(",");
        String[] ports = parsed.getProperty("PGPORT", "5432").split(",");
        StringBuilder hostPort = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            if (i > 0) hostPort.append(',');
            hostPort.append(hosts[i]).append(':').append(ports[Math.min(i, ports.length - 1)]);
        }
        return new Endpoint(hostPort.toString(), parsed.getProperty("PGDBNAME", ""));
    }

    @Override
    public String toString() {
        return "postgresql://" + hostPort + "/" + database;
    }
}
