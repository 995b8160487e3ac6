package org.kalaja.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.witness.Witness;
import org.kalaja.ledger.VerifierKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kalaja witness}: runs a c2sp.org/tlog-witness witness for the given logs until SIGTERM or
 * Ctrl-C. Run it at another institution than the logs it witnesses: a witness on the same machine
 * falls with it.
 */
@Command(name = "witness", description = "Runs a C2SP tlog-witness: cosigns a log's checkpoints only while they extend "
        + "the history it cosigned before, and refuses forks and rollbacks.")
final class WitnessCommand implements Callable<Integer> {
    @Option(names = "--data", description = "data directory: the witness key and what it cosigned (default: ${DEFAULT-VALUE})",
            defaultValue = "kalaja-witness")
    Path data;

    @Option(names = "--port", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})", defaultValue = "8081")
    int port;

    @Option(names = "--bind", description = "address to listen on (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
    String bind;

    @Option(names = "--log", paramLabel = "VKEY", description = "a log's verifier key, as `kalaja serve`'s /log/vkey gives "
            + "it; its name is the log's origin. Repeatable")
    List<String> logs = new ArrayList<>();

    @Option(names = "--logs-file", paramLabel = "FILE", description = "a file of log verifier keys, one a line; "
            + "blank lines and lines starting with # are skipped")
    @Nullable Path logsFile;

    @Option(names = "--name", description = "the witness's name, fixed in its key on the first start "
            + "(default: kalaja.localhost/witness/<random>)", defaultValue = "")
    String name;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        List<VerifierKey> keys = logKeys();
        Witness witness;
        try {
            witness = Witness.open(data, name, keys);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + data + ": " + e.getMessage(), e);
        }
        WitnessRoutes routes;
        try {
            routes = WitnessRoutes.start(witness, bind, port);
        } catch (RuntimeException e) {
            closeQuietly(witness);
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + "; choose another with --port", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("kalaja-witness-shutdown").unstarted(() -> {
            try {
                routes.close();
            } finally {
                closeQuietly(witness);
                System.err.println("Kalaja witness stopped.");
                stopped.countDown();
            }
        }));
        System.out.println("Witness key (give it to the logs' operators): " + witness.verifierKey());
        for (String origin : witness.origins()) {
            System.out.println("Witnessing " + origin);
        }
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        System.out.println("Kalaja witness is serving at http://" + host + ":" + routes.port() + "/");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The keys of {@code --log} and {@code --logs-file}; a bad one is a usage error naming it. */
    List<VerifierKey> logKeys() {
        List<String> texts = new ArrayList<>(logs);
        if (logsFile != null) {
            try {
                for (String line : Files.readAllLines(logsFile, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (!t.isEmpty() && !t.startsWith("#")) {
                        texts.add(t);
                    }
                }
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read --logs-file " + logsFile + ": " + e);
            }
        }
        if (texts.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "name at least one log to witness: --log VKEY (the log's /log/vkey) or --logs-file FILE");
        }
        List<VerifierKey> keys = new ArrayList<>();
        for (String t : texts) {
            try {
                keys.add(VerifierKey.parse(t));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "not a log verifier key: " + t + " (" + e.getMessage() + ")");
            }
        }
        return keys;
    }

    private static void closeQuietly(Witness witness) {
        try {
            witness.close();
        } catch (IOException e) {
            System.err.println("kalaja: closing the witness: " + e.getMessage());
        }
    }
}
