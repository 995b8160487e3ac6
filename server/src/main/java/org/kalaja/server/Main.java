package org.kalaja.server;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.spi.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The {@code kalaja} command line. Commands that act on a running node take {@code --url} and
 * {@code --token} (defaults: {@code KALAJA_URL}, {@code KALAJA_TOKEN}); commands that work on a
 * stopped node's files take {@code --data}.
 *
 * <p>Every command and subcommand inherits {@code --help} and {@code --version} (INHERIT scope).
 *
 * <p>Exit status: 0 success; 1 the request or check failed (the message says why); 2 bad usage;
 * 3 the node could not be reached.
 */
@Command(name = "kalaja", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Keeps public services running through a destructive cyberattack.",
        subcommands = {ServeCommand.class, TokenCommand.class, KeysCommand.class, RecordCommands.Get.class, RecordCommands.Put.class,
                RecordCommands.Delete.class, RecordCommands.History.class, RecordCommands.ListKeys.class,
                VerifyCommand.class, RecoverCommand.class, WitnessCommand.class, IncidentCommands.class, ApprovalCommands.class,
                SentinelCommands.Sentinel.class, SentinelCommands.StateAudit.class, InvestigateCommand.class,
                VerifyEvidenceCommand.class, org.kalaja.server.bench.BenchCommand.class, org.kalaja.server.drill.DrillCommand.class, Main.VersionCommand.class,
                Main.HelpCommand.class})
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** What {@code ./kalaja} does itself, before Java runs; shown only under the top-level usage. */
    static final String[] FOOTER = {
        "",
        "./kalaja test           runs the whole test suite (installs the packages the",
        "                        tests need, then ./mvnw verify)",
        "kalaja help CMD [SUB]   describes a command; docs/API.md describes them all",
    };

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Set here, not in @Command: the INHERIT scope would copy it under every subcommand's usage.
        cl.getCommandSpec().usageMessage().footer(FOOTER);
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

    /**
     * {@code kalaja help [COMMAND [SUBCOMMAND…]]}: picocli's own help command looks one level deep
     * only, so {@code help token create} would show {@code token}'s usage instead of {@code create}'s.
     */
    @Command(name = "help", helpCommand = true, description = "Describes a command: kalaja help token create.")
    static final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
        @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "a command and its subcommands")
        String[] commands = {};

        private CommandLine self;
        private PrintWriter out;

        @Override
        public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colors, PrintWriter out, PrintWriter err) {
            this.self = helpCommandLine;
            this.out = out;
        }

        @Override
        public void run() {
            CommandLine target = self.getParent();
            for (int i = 0; i < commands.length; i++) {
                CommandLine sub = target.getSubcommands().get(commands[i]);
                if (sub == null) {
                    // Thrown, not returned: picocli answers a help command with its own exit code, so only a usage
                    // error makes this exit 2.
                    throw new CommandLine.ParameterException(self, "there is no command '"
                            + String.join(" ", Arrays.copyOf(commands, i + 1)) + "'; `" + target.getCommandSpec().qualifiedName()
                            + " --help` lists them");
                }
                target = sub;
            }
            target.usage(out);
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kalaja " + Version.current()};
        }
    }
}
