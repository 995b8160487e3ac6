package org.kalaja.engine.witness;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;

/**
 * A {@link Witness} behind the JDK's HTTP server on loopback: real HTTP for the client, without the
 * server module. {@link #misbehave} replaces the witness's answers, to play a broken or hostile one.
 */
public final class TestWitnessServer implements AutoCloseable {
    /** An answer as it goes on the wire. */
    record Reply(int status, String contentType, String body) {}

    public final Witness witness;
    public final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private volatile @Nullable UnaryOperator<Reply> misbehaviour;
    private boolean closed;

    public TestWitnessServer(Path dir, String name, VerifierKey... logKeys) throws IOException {
        witness = Witness.open(dir, SigningKey.generate(name, SignatureType.COSIGNATURE_V1), List.of(logKeys));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/add-checkpoint", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public VerifierKey key() {
        return witness.verifierKey();
    }

    public WitnessClient client(java.time.Duration timeout) {
        return new WitnessClient(url(), key(), timeout);
    }

    /** From now on, answers are {@code f} of what the witness would have answered. */
    void misbehave(UnaryOperator<Reply> f) {
        misbehaviour = f;
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        WitnessAnswer a = witness.addCheckpoint(ex.getRequestBody().readAllBytes());
        Reply r = new Reply(a.status(), a.contentType(), a.body());
        UnaryOperator<Reply> m = misbehaviour;
        if (m != null) {
            r = m.apply(r);
        }
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    /** Stops answering, like a witness that went down; closing twice is harmless. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            server.stop(0);
            witness.close();
        }
    }
}
