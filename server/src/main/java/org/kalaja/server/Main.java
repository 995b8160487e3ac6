package org.kalaja.server;

import java.io.UncheckedIOException;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.spi.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kalaja} command line. Commands that act on a running node take {@code --url} and
 * {@code --token} (defaults: {@code KALAJA_URL}, {@code KALAJA_TOKEN}); commands that work on a
 * stopped node's files take {@code --data}.
 *
 * <p>Exit status: 0 success; 1 the request or check failed (the message says why); 2 bad usage;
 * 3 the node could not be reached.
 */
@Command(name = "kalaja", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Keeps public services running through a destructive cyberattack.",
        subcommands = {ServeCommand.class, TokenCommand.class, RecordCommands.Get.class, RecordCommands.Put.class,
                RecordCommands.Delete.class, RecordCommands.History.class, RecordCommands.ListKeys.class,
                VerifyCommand.class, org.kalaja.server.bench.BenchCommand.class, Main.VersionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof EngineException
                    || e instanceof StoreException || e instanceof UncheckedIOException) {
                line.getErr().println("kalaja: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl;
    }

    @Command(name = "version", description = "Prints Kalaja's version.")
    static final class VersionCommand implements Runnable {
        @Override
        public void run() {
            System.out.println("kalaja " + Version.current());
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kalaja " + Version.current()};
        }
    }
}
