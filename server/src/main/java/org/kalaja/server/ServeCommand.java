package org.kalaja.server;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.Tokens;
import org.kalaja.portal.Portal;
import org.kalaja.portal.demo.DemoData;
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

    @CommandLine.Mixin
    KmsOptions kmsOptions = new KmsOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        EngineConfig config = engineConfig();
        StoreLocation location = StoreLocation.of(data, store);
        NodeSentinel.Options sentinel = sentinelOptions.resolve(spec.commandLine());
        ShippingOptions.Resolved shipping = shippingOptions.resolve(spec.commandLine(), data);
        Node node;
        try {
            node = Node.open(data, location, config, System.getenv("KALAJA_BOOTSTRAP_TOKEN"), shipping.shipping(), sentinel, kmsOptions);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            shipping.pins().save();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        HttpApi api;
        Portal[] portal = {null};
        try {
            api = HttpApi.start(node, bind, port,
                    servedAt -> portal[0] = NodePortal.open(node, portalOptions.resolve(spec.commandLine(), data, servedAt)));
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
        describeKeys(node);
        try {
            offerDemo(portal[0], "http://" + host + ":" + api.port());
        } catch (RuntimeException e) {
            // The node already serves: a portal write refused now (safe mode, entered because of an attack
            // in the first second) must not stop it. An empty portal offers the same again at the next start.
            System.err.println("kalaja: the portal's first accounts were not created (" + e.getMessage() + "); the node serves on,"
                    + " and the next start of this empty portal creates them");
        }
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

    private static void describeKeys(Node node) {
        node.engine().keyring().ifPresentOrElse(ring -> {
            List<String> sealed = node.engine().sealedCollections();
            System.out.println("Sealing personal data with keys wrapped by " + ring.kms().describe() + " (KEK " + ring.currentKek() + ")"
                    + (sealed.isEmpty() ? "" : "; sealed collections: " + String.join(", ", sealed)));
        }, () -> System.out.println("No key-management service (--kms none): sealed collections refuse reads and writes"));
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

    /** Loads the demo when asked (--demo), or offers it on an empty portal: on a terminal, by asking. */
    private void offerDemo(Portal portal, String base) {
        if (!portal.empty()) {
            if (portalOptions.demo) System.out.println("Demo data: not loaded, this portal already has accounts (--demo loads into an empty one only)");
            return;
        }
        boolean load = portalOptions.demo;
        if (!load && interactive()) {
            String answer = System.console().readLine("This portal is empty. Load demo data (clerks, %d citizens, applications in every state)? [y/N] ",
                    portalOptions.demoCitizens);
            load = answer != null && answer.strip().equalsIgnoreCase("y");
        }
        if (!load) {
            firstAdmin(portal, base);
            System.out.println("Citizens create their accounts at " + base + "/create-account; `kalaja serve --demo` on an empty data"
                    + " directory loads demo data instead.");
            return;
        }
        long start = System.nanoTime();
        DemoData.Summary d;
        try {
            d = portal.demo().load(portalOptions.demoCitizens, 2026, line -> System.err.println(line));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        System.out.printf(java.util.Locale.ROOT, "Demo data loaded in %.1f s: %d citizens, %d applications, %d sealed documents.%n",
                (System.nanoTime() - start) / 1e9, d.citizens(), d.applications(), d.documents());
        System.out.println("  Citizens: e.g. " + d.sampleCitizen() + ", password " + DemoData.CITIZEN_PASSWORD);
        if (portalOptions.demoListCitizens) d.citizenEmails().forEach(e -> System.out.println("  citizen " + e));
        System.out.println("  Staff (password " + DemoData.STAFF_PASSWORD + "; TOTP secrets for an authenticator app):");
        for (DemoData.Staff st : d.staff()) {
            System.out.println("    " + st.email() + "  " + st.role() + (st.institution().isEmpty() ? "" : "@" + st.institution())
                    + "  TOTP " + st.totpSecret());
        }
        if (d.sampleDocument() != null) System.out.println("  A document anyone can check: " + base + "/verify/" + d.sampleDocument());
        System.out.println("  Demo passwords are public: never load demo data on a node that serves real people.");
    }

    /**
     * Creates the portal's first administrator, who then adds clerks at /admin/staff. The one-time password is
     * printed once and kept in a 0600 file in the data directory, as the first API token is.
     */
    private void firstAdmin(Portal portal, String base) {
        var created = portal.identity().accounts().createStaff(org.kalaja.portal.store.Who.SYSTEM, "admin", null,
                "Portal administrator", portalOptions.adminEmail);
        Path file = data.resolve("portal-admin-password");
        try {
            java.nio.file.Files.writeString(file, created.oneTimePassword() + "\n", java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException e) {
            System.err.println("kalaja: could not write " + file + ": " + e.getMessage());
        }
        System.out.println("First portal administrator: " + created.account().email() + ", one-time password " + created.oneTimePassword()
                + " (also in " + file + ", mode 0600).");
        System.out.println("  Sign in at " + base + "/sign-in, choose a password, set up two-factor sign-in, then add clerks at "
                + base + "/admin/staff. Delete " + file + " afterwards.");
    }

    /**
     * Whether a person at a terminal can answer a question. On JDK 22+ {@code System.console()} exists even
     * when the streams are redirected, and only {@code Console.isTerminal()} (not in Java 21) tells.
     */
    private static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console exists only for a terminal
        }
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
