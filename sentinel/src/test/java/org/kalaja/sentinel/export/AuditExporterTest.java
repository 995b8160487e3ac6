package org.kalaja.sentinel.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.audit.TestLog;

class AuditExporterTest {
    private static final AuditExporter.Options FAST = new AuditExporter.Options(Duration.ofMillis(20), Duration.ofMillis(20),
            Duration.ofMillis(100), Duration.ZERO, 64);
    private static final Caller CLERK = Caller.of("token:00000000000000c1", "203.0.113.7", "curl/8.5");

    @TempDir
    Path dir;

    /** Keeps what it was sent; fails while {@code down} says so. */
    static final class RecordingSink implements Sink {
        final List<AuditEvent> got = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        volatile boolean down;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void send(List<AuditEvent> events) throws IOException {
            calls.incrementAndGet();
            if (down) throw new IOException("sink down");
            got.addAll(events);
        }
    }

    static void write(RecordsEngine engine, int from, int to) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = from; i < to; i++) {
            all.add(engine.put(CLERK, "civil-status", "birth-" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), -1, ""));
        }
        all.forEach(CompletableFuture::join);
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void exporterResumesFromCursorAfterRestart() throws Exception {
        try (TestLog log = new TestLog(dir)) {
            write(log.engine(), 0, 5);
            RecordingSink first = new RecordingSink();
            AuditExporter exporter = AuditExporter.start(log.store(), List.of(first), FAST);
            await(() -> first.got.size() == 5);
            exporter.close();
            assertThat(log.store().meta(AuditExporter.cursorName(first))).contains("5");

            write(log.engine(), 5, 8);
            log.restart();
            RecordingSink second = new RecordingSink();
            try (AuditExporter again = AuditExporter.start(log.store(), List.of(second), FAST)) {
                await(() -> second.got.size() >= 3);
                Thread.sleep(100); // anything re-sent would arrive by now
                assertThat(second.got).extracting(AuditEvent::index).containsExactly(5L, 6L, 7L);
                assertThat(second.got).extracting(AuditEvent::key).containsExactly("birth-5", "birth-6", "birth-7");
                assertThat(again.status().getFirst().lagEntries()).isZero();
            }
            assertThat(first.got).extracting(AuditEvent::index).containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }

    @Test
    void downSinkOnlyLagsAndCatchesUpWithoutLoss() throws Exception {
        try (TestLog log = new TestLog(dir)) {
            write(log.engine(), 0, 10);
            RecordingSink sink = new RecordingSink();
            sink.down = true;
            try (AuditExporter exporter = AuditExporter.start(log.store(), List.of(sink), FAST)) {
                await(() -> sink.calls.get() >= 3);
                AuditExporter.SinkStatus status = exporter.status().getFirst();
                assertThat(status.lagEntries()).isEqualTo(10);
                assertThat(status.cursor()).isZero();
                assertThat(status.failures()).isGreaterThanOrEqualTo(3);
                assertThat(status.lastError()).isEqualTo("sink down");
                write(log.engine(), 10, 20); // writes go on while the sink is down
                sink.down = false;
                await(() -> sink.got.size() >= 20);
                await(() -> exporter.status().getFirst().lagEntries() == 0);
            }
            assertThat(sink.got).extracting(AuditEvent::index).containsExactlyElementsOf(range(0, 20));
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) out.add(i);
        return out;
    }

    @Test
    void webhookRetriesWithoutLosingEvents() throws Exception {
        byte[] secret = "s3cret-shared-with-the-siem".getBytes(StandardCharsets.UTF_8);
        AtomicInteger calls = new AtomicInteger();
        Set<Long> delivered = new TreeSet<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String sig = ex.getRequestHeaders().getFirst("Kalaja-Signature");
            long t = Long.parseLong(sig.substring(2, sig.indexOf(',')));
            if (!sig.equals(WebhookSink.signature(secret, t, body))) problems.add("bad signature " + sig);
            int status = calls.incrementAndGet() <= 3 ? 503 : 204;
            if (status == 204) {
                JsonNode events = new ObjectMapper().readTree(body);
                if (events.size() > 500) problems.add("batch of " + events.size());
                synchronized (delivered) {
                    events.forEach(e -> delivered.add(e.at("/unmapped/kalaja/index").asLong()));
                }
                String range = ex.getRequestHeaders().getFirst("Kalaja-Event-Range");
                if (!range.equals(events.get(0).at("/metadata/uid").asText() + ".." + events.get(events.size() - 1).at("/metadata/uid").asText())) {
                    problems.add("range " + range);
                }
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        try (TestLog log = new TestLog(dir)) {
            write(log.engine(), 0, 1200);
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            WebhookSink sink = new WebhookSink(url, secret, MappersTest.CONTEXT, Clock.systemUTC());
            try (AuditExporter exporter = AuditExporter.start(log.store(), List.of(sink), FAST)) {
                await(() -> {
                    synchronized (delivered) {
                        return delivered.size() == 1200;
                    }
                });
                assertThat(exporter.status().getFirst().failures()).isGreaterThanOrEqualTo(3);
            }
        } finally {
            server.stop(0);
        }
        assertThat(problems).isEmpty();
        assertThat(delivered).containsExactlyElementsOf(range(0, 1200));
    }

    @Test
    void fileSinkWritesOneEventPerLine() throws Exception {
        Path out = dir.resolve("audit.ndjson");
        try (TestLog log = new TestLog(dir)) {
            write(log.engine(), 0, 3);
            try (AuditExporter exporter = AuditExporter.start(log.store(),
                    List.of(FileSink.open(out.toString(), FileSink.Format.ECS, MappersTest.CONTEXT)), FAST)) {
                await(() -> exporter.status().getFirst().lagEntries() == 0);
            }
        }
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        JsonNode first = new ObjectMapper().readTree(lines.getFirst());
        assertThat(first.at("/event/action").asText()).isEqualTo("record.put");
        assertThat(first.at("/event/type/0").asText()).isEqualTo("creation");
        assertThat(first.at("/kalaja/change/opaque_score").asInt()).isZero();
        assertThat(first.at("/source/ip").asText()).isEqualTo("203.0.113.7");
    }
}
