package org.kalaja.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.Tokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kalaja serve}: runs a node until SIGTERM or Ctrl-C, then stops cleanly. */
@Command(name = "serve", description = "Runs a Kalaja node: the e-services portal, the HTTP API and the log.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data", description = "data directory (default: ${DEFAULT-VALUE})", defaultValue = "kalaja-data")
    Path data;

    @Option(names = "--port", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})", defaultValue = "8080")
    int port;

    @Option(names = "--bind", description = "address to listen on (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
    String bind;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "500",
            description = "how often new entries are folded into the tree and a checkpoint is signed, in milliseconds "
                    + "(default: ${DEFAULT-VALUE}); the public log and proofs trail writes by at most this much")
    long checkpointIntervalMs;

    @Option(names = "--store", description = "postgresql://host:port/db?user=…&password=… (default: SQLite in the data "
            + "directory, or env KALAJA_STORE)", defaultValue = "${env:KALAJA_STORE}")
    String store;

    @CommandLine.Mixin
    ShippingOptions shippingOptions = new ShippingOptions();

    @CommandLine.Mixin
    SentinelOptions sentinelOptions = new SentinelOptions();

    @CommandLine.Mixin
    PortalOptions portalOptions = new PortalOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        EngineConfig config = engineConfig();
        StoreLocation location = StoreLocation.of(data, store);
        NodeSentinel.Options sentinel = sentinelOptions.resolve(spec.commandLine());
        ShippingOptions.Resolved shipping = shippingOptions.resolve(spec.commandLine(), data);
        Node node = Node.open(data, location, config, System.getenv("KALAJA_BOOTSTRAP_TOKEN"), shipping.shipping(), sentinel);
        try {
            shipping.pins().save();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        HttpApi api;
        try {
            api = HttpApi.start(node, bind, port, servedAt -> NodePortal.open(node, portalOptions.resolve(spec.commandLine(), data, servedAt)));
        } catch (CommandLine.ParameterException e) {
            node.close();
            throw e;
        } catch (RuntimeException e) {
            node.close();
            throw new IllegalStateException("cannot start serving on " + bind + ":" + port + ": " + e.getMessage()
                    + (e.getCause() instanceof java.net.BindException || String.valueOf(e.getMessage()).contains("bind")
                            ? "; choose another port with --port" : ""), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("kalaja-shutdown").unstarted(() -> {
            System.err.println("Kalaja is stopping: finishing requests, committing queued writes, signing a last checkpoint…");
            try {
                api.close();
            } finally {
                node.close();
                System.err.println("Kalaja stopped cleanly.");
                stopped.countDown();
            }
        }));
        node.bootstrap().ifPresent(ServeCommand::announce);
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        System.out.println("Kalaja is serving at http://" + host + ":" + api.port() + "/ (the e-services portal; the API under /api/v1/)");
        describeShipping(node);
        describeSentinel(node);
        System.out.flush();
        stopped.await();
        return 0;
    }

    EngineConfig engineConfig() {
        if (checkpointIntervalMs < 10 || checkpointIntervalMs > 3_600_000) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--checkpoint-interval-ms must be between 10 and 3600000, got " + checkpointIntervalMs);
        }
        return EngineConfig.defaults().withCheckpointInterval(java.time.Duration.ofMillis(checkpointIntervalMs));
    }

    private static void describeShipping(Node node) {
        Node.Shipping s = node.shipping();
        for (var v : s.vaults()) System.out.println("Shipping the log to vault " + v.describe());
        if (s.witnesses() != null) {
            System.out.println("Publishing checkpoints cosigned by " + s.witnesses().quorum() + " of "
                    + s.witnesses().witnesses().size() + " witnesses");
        }
        if (!s.vaults().isEmpty()) {
            System.out.println("Durability: " + (s.durability() == Node.Durability.VAULT
                    ? "vault (a write is answered once every vault holds it)"
                    : "store (a write is answered once durable in the store; vaults follow, see /api/v1/status)"));
        }
    }

    private static void describeSentinel(Node node) {
        var s = node.sentinel().sentinel().status();
        System.out.println("Sentinel: " + s.rules() + " Sigma rules" + (s.safeMode()
                ? "; SAFE MODE since " + s.safeModeSince() + " (incident " + s.safeModeIncident() + "): record writes are refused"
                : "") + (s.openIncidents() > 0 ? "; " + s.openIncidents() + " open incidents (kalaja incident list)" : ""));
    }

    private static void announce(Tokens.Bootstrap boot) {
        if (boot.generated() != null) {
            System.out.println("First admin token (shown once; also written to " + boot.tokenFile() + ", mode 0600):");
            System.out.println(boot.generated());
            System.out.println("It is a live admin credential: keep it in a password manager, then delete " + boot.tokenFile() + ".");
        } else {
            System.out.println("First admin token: the one in KALAJA_BOOTSTRAP_TOKEN (id " + boot.tokenId() + ").");
        }
    }
}
