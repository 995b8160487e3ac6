package org.kalaja.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/** The database going away: errors an operator can act on, and nothing half-written. */
class ServerLossTest {
    private static final String SECRET = "s3cret-Pa55word";

    @Test
    void unreachableServerIsARetryableErrorNamingHostAndPortButNotThePassword() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again before the store tries it
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/kalaja";

        assertThatThrownBy(() -> PostgresStore.open(url, "kalaja", SECRET))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("PostgreSQL at 127.0.0.1:" + port + " unreachable");
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
                    }
                });
    }

    @Test
    void serverStoppedDuringAWriteFailsItRetryablyAndKeepsNothingOfIt(@TempDir Path dir) throws IOException {
        Path data = Files.createDirectories(dir.resolve("pgdata"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres server = start(data, port);
        String url = TestDatabases.freshDatabase(server);
        try (PostgresStore store = PostgresStore.open(url, TestDatabases.USER, SECRET)) {
            store.write(tx -> {
                for (int i = 0; i < 10; i++) tx.append(i, new byte[] {(byte) i}, -1);
                return null;
            });

            EmbeddedPostgres stopped = server;
            assertThatThrownBy(() -> store.write(tx -> {
                for (int i = 0; i < 2_000; i++) tx.append(10 + i, new byte[1024], -1);
                stop(stopped); // the server goes away before the transaction commits
                return null;
            })).isInstanceOfSatisfying(StoreException.class, e -> {
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("PostgreSQL at localhost:" + port + " unreachable")
                        .doesNotContain(SECRET);
            });
            assertThatThrownBy(store::size)
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("unreachable");

            server = start(data, port);
            assertThat(store.size()).isEqualTo(10);
            assertThat(store.entry(9)).map(StoredEntry::data).hasValueSatisfying(d -> assertThat(d).containsExactly(9));
            long sizeSeenByWriter = store.write(tx -> {
                tx.append(tx.size(), new byte[] {42}, -1);
                return tx.size();
            });
            assertThat(sizeSeenByWriter).isEqualTo(10);
            assertThat(store.size()).isEqualTo(11);
        } finally {
            server.close();
        }
    }

    private static void stop(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static EmbeddedPostgres start(Path data, int port) throws IOException {
        return TestDatabases.durable(EmbeddedPostgres.builder()).setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }
}
