package org.kalaja.engine.witness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;

/** The log side against a real witness over HTTP, and against broken and hostile ones. */
class WitnessClientTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    final TestLog log = new TestLog("example.org/registry", "real").grow(200);
    TestWitnessServer server;
    WitnessClient client;

    @BeforeEach
    void start() throws IOException {
        server = new TestWitnessServer(dir, "witness.example.org/w1", log.key.verifierKey());
        client = server.client(TIMEOUT);
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
    }

    private static WitnessResult.Cosigned cosigned(WitnessResult r) {
        assertThat(r).as(r.detail()).isInstanceOf(WitnessResult.Cosigned.class);
        return (WitnessResult.Cosigned) r;
    }

    @Test
    void aCosignatureReturnedVerifiesOnTheCheckpointAgainstTheWitnessKey() throws Exception {
        Note cp = log.checkpoint(64);

        WitnessResult.Cosigned r = cosigned(client.submit(cp, log));

        assertThat(r.cosignatures()).hasSize(1);
        Note cosigned = cp.withSignature(r.cosignatures().get(0));
        assertThat(cosigned.verify(List.of(log.key.verifierKey(), server.key()))).hasSize(2);
        assertThat(client.knownSize()).hasValue(64);
    }

    @Test
    void eachLaterCheckpointIsSentOnceWithTheProofFromTheLastCosignedSize() {
        for (long size : new long[] {10, 11, 100, 150, 200}) {
            cosigned(client.submit(log.checkpoint(size), log));
        }

        assertThat(server.requests.get()).isEqualTo(5);
        assertThat(server.witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().size()).isEqualTo(200);
    }

    @Test
    void aClientThatDoesNotKnowTheWitnessSizeLearnsItFromA409() {
        cosigned(client.submit(log.checkpoint(30), log));

        try (WitnessClient fresh = server.client(TIMEOUT)) {
            cosigned(fresh.submit(log.checkpoint(80), log));
            assertThat(fresh.knownSize()).hasValue(80);
        }
        assertThat(server.requests.get()).isEqualTo(3); // 30; then 80 from 0 (409: 30), 80 from 30
    }

    @Test
    void aForkSignedByTheLogKeyIsAForkAlarm() {
        cosigned(client.submit(log.checkpoint(50), log));
        TestLog fork = new TestLog(log.key, "forged").grow(70);

        WitnessResult same = client.submit(fork.checkpoint(50), fork);
        WitnessResult longer = client.submit(fork.checkpoint(70), fork);

        for (WitnessResult r : List.of(same, longer)) {
            assertThat(r).isInstanceOf(WitnessResult.Alarm.class);
            WitnessResult.Alarm alarm = (WitnessResult.Alarm) r;
            assertThat(alarm.kind()).isEqualTo(WitnessResult.Kind.FORK);
            assertThat(alarm.witnessSize()).isEqualTo(50);
            assertThat(alarm.detail()).startsWith("ALARM").contains("inconsistent");
        }
    }

    @Test
    void aCheckpointSmallerThanTheWitnessCosignedIsARollbackAlarm() {
        cosigned(client.submit(log.checkpoint(120), log));

        try (WitnessClient fresh = server.client(TIMEOUT)) {
            WitnessResult r = fresh.submit(log.checkpoint(40), log);

            assertThat(r).isInstanceOf(WitnessResult.Alarm.class);
            WitnessResult.Alarm alarm = (WitnessResult.Alarm) r;
            assertThat(alarm.kind()).isEqualTo(WitnessResult.Kind.ROLLBACK);
            assertThat(alarm.witnessSize()).isEqualTo(120);
            assertThat(alarm.checkpointSize()).isEqualTo(40);
        }
        assertThat(client.submit(log.checkpoint(40), log)).isInstanceOf(WitnessResult.Alarm.class);
    }

    @Test
    void aLogTheWitnessDoesNotKnowIsRefusedWith404() {
        TestLog other = new TestLog("example.org/other", "x").grow(5);

        WitnessResult r = client.submit(other.checkpoint(5), other);

        assertThat(r).isInstanceOf(WitnessResult.Refused.class);
        assertThat(((WitnessResult.Refused) r).status()).isEqualTo(404);
    }

    @Test
    void aWitnessNobodyListensForIsUnreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (WitnessClient c = new WitnessClient(URI.create("http://127.0.0.1:" + port), server.key(), TIMEOUT)) {
            assertThat(c.submit(log.checkpoint(5), log)).isInstanceOf(WitnessResult.Unreachable.class);
        }
    }

    @Test
    void aWitnessSlowerThanTheTimeoutIsUnreachableWithinTheTimeout() {
        server.misbehave(r -> {
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return r;
        });
        try (WitnessClient impatient = server.client(Duration.ofMillis(300))) {
            long start = System.nanoTime();
            WitnessResult r = impatient.submit(log.checkpoint(5), log);

            assertThat(r).isInstanceOf(WitnessResult.Unreachable.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1_200));
        }
    }

    @Test
    void aWitnessAnswering503IsUnreachableNotRefused() {
        server.misbehave(r -> new TestWitnessServer.Reply(503, "text/plain", "down for maintenance\n"));

        WitnessResult r = client.submit(log.checkpoint(5), log);

        assertThat(r).isInstanceOf(WitnessResult.Unreachable.class);
        assertThat(r.detail()).contains("503").contains("down for maintenance");
    }

    @Test
    void aCosignatureThatDoesNotVerifyIsRefusedAndNotCounted() {
        server.misbehave(r -> {
            String line = r.body();
            int at = line.lastIndexOf(' ') + 30;
            char flipped = line.charAt(at) == 'A' ? 'B' : 'A';
            return new TestWitnessServer.Reply(200, r.contentType(), line.substring(0, at) + flipped + line.substring(at + 1));
        });

        WitnessResult r = client.submit(log.checkpoint(5), log);

        assertThat(r).isInstanceOf(WitnessResult.Refused.class);
        assertThat(r.detail()).contains("without a valid cosignature");
        assertThat(client.knownSize()).isEmpty();
    }

    @Test
    void a409WithoutASizeBodyIsRefused() {
        server.misbehave(r -> new TestWitnessServer.Reply(409, "application/json", "{\"error\":\"conflict\"}"));

        WitnessResult r = client.submit(log.checkpoint(5), log);

        assertThat(r).isInstanceOf(WitnessResult.Refused.class);
        assertThat(r.detail()).contains("text/x.tlog.size");
    }
}
