package org.kalaja.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;

/**
 * A real node for tests: SQLite in a temporary directory, HTTP on 127.0.0.1 on a free port, and a
 * client that speaks to it over the network.
 */
final class RunningNode implements AutoCloseable {
    /** Small enough that the size limit is cheap to exceed in a test. */
    static final int BODY_LIMIT = 16 * 1024;

    final Node node;
    final HttpApi api;
    /** The portal, when started with {@link #startWithPortal}; null otherwise. */
    org.kalaja.portal.@Nullable Portal portal;
    final String adminToken;
    private final HttpClient client = HttpClient.newHttpClient();

    private RunningNode(Node node, HttpApi api, String adminToken) {
        this.node = node;
        this.api = api;
        this.adminToken = adminToken;
    }

    static RunningNode start(Path dir) {
        return start(dir, Node.Shipping.none());
    }

    /** A node that ships as {@code shipping} says. */
    static RunningNode start(Path dir, Node.Shipping shipping) {
        Node node = Node.open(dir, StoreLocation.of(dir, null), config(), null, shipping);
        String token = node.bootstrap().orElseThrow().generated();
        return new RunningNode(node, HttpApi.start(node, "127.0.0.1", 0), token);
    }

    /**
     * A node with its sentinel and its keys as given; started again on the same directory, it has no
     * bootstrap token, so its {@link #adminToken} is a new admin token.
     */
    static RunningNode start(Path dir, NodeSentinel.Options sentinel, KmsOptions keys) {
        return start(dir, Node.Shipping.none(), sentinel, keys);
    }

    /** {@link #start(Path, NodeSentinel.Options, KmsOptions)}, shipping as {@code shipping} says. */
    static RunningNode start(Path dir, Node.Shipping shipping, NodeSentinel.Options sentinel, KmsOptions keys) {
        Node node = Node.open(dir, StoreLocation.of(dir, null), config(), null, shipping, sentinel, keys);
        String token = node.bootstrap().map(Tokens.Bootstrap::generated)
                .orElseGet(() -> node.tokens().create(Caller.SYSTEM, Role.ADMIN, "test admin").token());
        return new RunningNode(node, HttpApi.start(node, "127.0.0.1", 0), token);
    }

    /** A node with the default sentinel and its keys as given. */
    static RunningNode start(Path dir, KmsOptions keys) {
        return start(dir, NodeSentinel.Options.defaults(), keys);
    }

    private static EngineConfig config() {
        return new EngineConfig(1024, 10_000, BODY_LIMIT, Duration.ofMillis(50), Clock.systemUTC());
    }

    /** A node serving the portal too, with the built-in catalogue, its public URL the address served. */
    static RunningNode startWithPortal(Path dir) {
        EngineConfig config = config();
        Node node = Node.open(dir, StoreLocation.of(dir, null), config, null, Node.Shipping.none());
        String token = node.bootstrap().orElseThrow().generated();
        org.kalaja.portal.Portal[] portal = {null};
        HttpApi api = HttpApi.start(node, "127.0.0.1", 0, servedAt -> portal[0] =
                NodePortal.open(node, new org.kalaja.portal.PortalConfig(dir, null, URI.create(servedAt), null, false)));
        RunningNode n = new RunningNode(node, api, token);
        n.portal = portal[0];
        return n;
    }

    String url(String path) {
        return "http://127.0.0.1:" + api.port() + path;
    }

    String tokenFor(Role role) {
        return node.tokens().create(Caller.SYSTEM, role, "test " + role.id()).token();
    }

    long logSize() {
        return node.engine().size();
    }

    /**
     * The log's size once the sentinel's pending ACCESS batch (sign-ins, audited reads) is committed: no
     * event waits and the size has not moved for two batch intervals.
     */
    long settledLogSize() throws InterruptedException {
        long quiet = 2 * org.kalaja.sentinel.audit.AccessBatcher.DEFAULT_INTERVAL.toNanos();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long size = logSize();
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = logSize();
            if (now != size) {
                size = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > quiet && node.sentinel().batcher().backlog() == 0) {
                return size;
            }
        }
        throw new AssertionError("the log kept growing for 10 s after the test stopped writing");
    }

    /**
     * Entries other than the sentinel's ACCESS batches. Those hold audited reads, sign-ins and refusals and
     * are appended on the batcher's schedule (every 200 ms), so tests that count writes count these.
     */
    long writes() {
        long[] count = {0};
        node.store().entries(0, logSize(), e -> {
            if (org.kalaja.ledger.EntryCodec.decode(e.data()).kind() != org.kalaja.ledger.EntryKind.ACCESS) count[0]++;
        });
        return count[0];
    }

    /** The newest entry that is not an ACCESS batch. */
    org.kalaja.ledger.Entry lastWrite() {
        for (long i = logSize() - 1; i >= 0; i--) {
            org.kalaja.ledger.Entry e = org.kalaja.ledger.EntryCodec.decode(node.store().entry(i).orElseThrow().data());
            if (e.kind() != org.kalaja.ledger.EntryKind.ACCESS) return e;
        }
        throw new AssertionError("the log holds only ACCESS entries");
    }

    HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
                .header("User-Agent", "kalaja-test/1");
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (body != null && !headers.containsKey("Content-Type")) b.header("Content-Type", "application/json");
        headers.forEach(b::setHeader);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, @Nullable String token) {
        return send("GET", path, token, null, Map.of());
    }

    HttpResponse<String> put(String path, String token, String body) {
        return send("PUT", path, token, body, Map.of());
    }

    HttpResponse<byte[]> getBytes(String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url(path))).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        api.close();
        node.close();
    }
}
