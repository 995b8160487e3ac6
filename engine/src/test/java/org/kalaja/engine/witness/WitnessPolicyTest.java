package org.kalaja.engine.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerifier;

/** k-of-n over three real witnesses on loopback: one down, one refusing, all well. */
class WitnessPolicyTest {
    @TempDir
    Path dir;

    final TestLog log = new TestLog("example.org/registry", "real").grow(100);
    final List<TestWitnessServer> servers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        for (int i = 1; i <= 3; i++) {
            servers.add(new TestWitnessServer(dir.resolve("w" + i), "witness" + i + ".example.org", log.key.verifierKey()));
        }
    }

    @AfterEach
    void stop() throws IOException {
        for (TestWitnessServer s : servers) {
            s.close();
        }
    }

    private WitnessPolicy policy(int quorum) {
        return new WitnessPolicy(servers.stream().map(s -> s.client(Duration.ofSeconds(5))).toList(), quorum);
    }

    private List<NoteVerifier> witnessKeys() {
        return servers.stream().map(s -> (NoteVerifier) s.key()).toList();
    }

    @Test
    void withEveryWitnessUpTheCheckpointCarriesAllCosignaturesAndEachVerifies() throws Exception {
        try (WitnessPolicy p = policy(3)) {
            QuorumResult r = p.cosign(log.checkpoint(40), log);

            assertThat(r).isInstanceOf(QuorumResult.Reached.class);
            assertThat(r.checkpoint().verify(witnessKeys())).hasSize(3);
            assertThat(r.checkpoint().verify(List.of(log.key.verifierKey()))).hasSize(1);
            assertThat(r.alarms()).isEmpty();
            assertThat(r.summary()).isEqualTo("3 of 3 witnesses cosigned (quorum 3)");
        }
    }

    @Test
    void twoOfThreeIsReachedWithOneWitnessDownAndSaysWhichOne() throws Exception {
        servers.get(1).close();
        try (WitnessPolicy p = policy(2)) {
            QuorumResult r = p.cosign(log.checkpoint(40), log);

            assertThat(r).isInstanceOf(QuorumResult.Reached.class);
            assertThat(r.cosigned()).isEqualTo(2);
            assertThat(r.checkpoint().verify(witnessKeys())).containsExactly(servers.get(0).key(), servers.get(2).key());
            assertThat(r.results().get(1)).isInstanceOf(WitnessResult.Unreachable.class);
            assertThat(r.results().get(1).witness()).isEqualTo(servers.get(1).url());
            assertThat(r.alarms()).isEmpty();
            assertThat(r.summary()).startsWith("2 of 3 witnesses cosigned (quorum 2); witness " + servers.get(1).url());
        }
    }

    @Test
    void twoOfThreeIsReachedWhenOneRefusesAForkItSawAndTheRefusalIsAnAlarm() throws Exception {
        // An attacker holding the log key showed witness 3 another history first.
        TestLog fork = new TestLog(log.key, "forged").grow(40);
        try (WitnessClient attacker = servers.get(2).client(Duration.ofSeconds(5))) {
            assertThat(attacker.submit(fork.checkpoint(40), fork)).isInstanceOf(WitnessResult.Cosigned.class);
        }

        try (WitnessPolicy p = policy(2)) {
            QuorumResult r = p.cosign(log.checkpoint(40), log);

            assertThat(r).isInstanceOf(QuorumResult.Reached.class);
            assertThat(r.alarms()).hasSize(1);
            WitnessResult.Alarm alarm = r.alarms().get(0);
            assertThat(alarm.witness()).isEqualTo(servers.get(2).url());
            assertThat(alarm.kind()).isEqualTo(WitnessResult.Kind.FORK);
            assertThat(r.summary()).contains("ALARM");
        }
    }

    @Test
    void threeOfThreeIsMissedWithOneWitnessDownAndTheCheckpointIsNotToBePublished() throws Exception {
        servers.get(0).close();
        try (WitnessPolicy p = policy(3)) {
            QuorumResult r = p.cosign(log.checkpoint(40), log);

            assertThat(r).isInstanceOf(QuorumResult.Missed.class);
            assertThat(r.cosigned()).isEqualTo(2);
            Note partial = r.checkpoint();
            assertThat(partial.verify(witnessKeys())).hasSize(2);
        }
    }

    @Test
    void theQuorumMustBeBetweenOneAndTheNumberOfDistinctWitnesses() {
        List<WitnessClient> clients = servers.stream().map(s -> s.client(Duration.ofSeconds(1))).toList();
        WitnessClient twin = servers.get(0).client(Duration.ofSeconds(1));

        assertThatThrownBy(() -> new WitnessPolicy(clients, 0)).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> new WitnessPolicy(clients, 4)).hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> new WitnessPolicy(List.of(clients.get(0), twin), 2))
                .hasMessageContaining("fake a quorum");
    }
}
