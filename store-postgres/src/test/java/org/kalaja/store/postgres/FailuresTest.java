package org.kalaja.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.spi.StoreException;

/** How PostgreSQL's SQLSTATEs reach an operator. */
class FailuresTest {
    private final Failures failures = new Failures(Endpoint.of("jdbc:postgresql://db.example:6432/kalaja?password=hunter22"),
            "hunter22");

    private StoreException translated(String sqlState, String message) {
        return failures.translate("writing to the log", new SQLException(message, sqlState));
    }

    @Test
    void diskFullIsRetryableAndSaysSo() {
        StoreException e = translated("53100", "could not extend file: No space left on device");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("PostgreSQL at db.example:6432", "disk full", "53100");
    }

    @Test
    void lockAndSerializationConflictsAreRetryable() {
        for (String state : new String[] {"55P03", "40001", "40P01", "57014"}) {
            assertThat(translated(state, "canceling statement due to lock timeout").retryable()).as(state).isTrue();
        }
    }

    @Test
    void lostConnectionAndShutdownAreRetryableAndNameTheServer() {
        for (String state : new String[] {"08006", "08001", "57P01"}) {
            StoreException e = translated(state, "An I/O error occurred while sending to the backend.");
            assertThat(e.retryable()).as(state).isTrue();
            assertThat(e.getMessage()).contains("PostgreSQL at db.example:6432 unreachable");
        }
    }

    @Test
    void poolWithNoFreeConnectionIsBusyNotBroken() {
        StoreException e = failures.translate("reading", new SQLTransientConnectionException("timed out"));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("busy");
    }

    @Test
    void defectsAndBadCredentialsAreNotRetryableAndThePasswordIsMasked() {
        StoreException auth = translated("28P01", "password authentication failed for user \"kalaja\"");
        assertThat(auth.retryable()).isFalse();
        assertThat(auth.getMessage()).contains("authentication failed");
        StoreException defect = translated("42601", "syntax error near hunter22");
        assertThat(defect.retryable()).isFalse();
        assertThat(defect.getMessage()).doesNotContain("hunter22").contains("***");
    }

    @Test
    void describingTheEndpointLeavesOutUrlParameters() {
        assertThat(Endpoint.of("jdbc:postgresql://db.example:6432/kalaja?password=hunter22&ssl=true"))
                .hasToString("postgresql://db.example:6432/kalaja");
    }
}
