package org.kalaja.server;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.Store;
import org.kalaja.store.postgres.PostgresStore;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * Where a node keeps its log: SQLite in the data directory (the default) or a PostgreSQL database
 * named by {@code postgresql://host:port/db?user=…&password=…}. The only place that names drivers.
 */
sealed interface StoreLocation {
    /** The SQLite file inside a data directory. */
    String SQLITE_FILE = "kalaja.db";

    Store open();

    /** Opens without writing, for {@code verify} on a stopped node's files. */
    Store openForReading();

    /** For messages: never includes a password. */
    String describe();

    record Sqlite(Path file) implements StoreLocation {
        @Override
        public Store open() {
            return SqliteStore.open(file);
        }

        @Override
        public Store openForReading() {
            return SqliteStore.openReadOnly(file);
        }

        @Override
        public String describe() {
            return "sqlite:" + file;
        }
    }

    record Postgres(String jdbcUrl, String user, String password) implements StoreLocation {
        @Override
        public Store open() {
            return PostgresStore.open(jdbcUrl, user, password);
        }

        @Override
        public Store openForReading() {
            return open();
        }

        @Override
        public String describe() {
            return jdbcUrl + (user.isEmpty() ? "" : " as " + user);
        }

        @Override
        public String toString() {
            return "Postgres[" + describe() + "]";
        }
    }

    /**
     * The store for {@code dataDir} and an optional {@code --store} URL.
     *
     * @throws IllegalArgumentException saying the accepted form when {@code url} is not one
     */
    static StoreLocation of(Path dataDir, @Nullable String url) {
        if (url == null || url.isBlank()) return new Sqlite(dataDir.resolve(SQLITE_FILE));
        if (url.startsWith("sqlite:")) return new Sqlite(Path.of(url.substring("sqlite:".length())));
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new IllegalArgumentException("--store must look like postgresql://host:5432/kalaja?user=kalaja&password=… "
                    + "or sqlite:/path/kalaja.db; got '" + url.replaceAll("password=[^&]*", "password=***") + "'");
        }
        URI uri = URI.create(url);
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("--store needs a host and a database name, like postgresql://localhost:5432/kalaja");
        }
        String user = "";
        String password = "";
        List<String> rest = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                switch (name) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> rest.add(pair);
                }
            }
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getRawPath()
                + (rest.isEmpty() ? "" : "?" + String.join("&", rest));
        return new Postgres(jdbc, user, password);
    }
}
