package org.kalaja.server.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kalaja bench …}: side-by-side benchmarks. */
@Command(name = "bench", description = "Measure Kalaja side by side with the plain alternative.",
        subcommands = {BenchCommand.Append.class, BenchCommand.Recover.class, ShipBench.Ship.class, SentinelBench.Cli.class, PortalBench.Cli.class}, mixinStandardHelpOptions = true)
public final class BenchCommand {

    @Command(name = "append", mixinStandardHelpOptions = true,
            description = "Write N records of 1 KiB through the full ledger path and, in the same run, N plain upserts "
                    + "into an ordinary table of the same database with the same durability; print both and their ratio.")
    public static final class Append implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "200000", description = "records per run (default ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--runs", defaultValue = "3", description = "runs of each side; medians are reported (default ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--engine", split = ",", defaultValue = "sqlite,postgresql",
                description = "database engines to measure (default ${DEFAULT-VALUE})")
        List<String> engines;

        @Option(names = "--json", description = "print a JSON array of results on stdout (progress goes to stderr)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (records < 1 || runs < 1) {
                System.err.println("--records and --runs must be at least 1");
                return 2;
            }
            System.err.printf(Locale.ROOT, "bench append: %,d records of 1 KiB, %d runs per side, engines %s%n", records, runs, engines);
            List<BenchResult> results = new AppendBench(records, runs, System.err).run(engines);
            if (json) {
                System.out.println(results.stream().map(BenchResult::toJson).collect(Collectors.joining(",", "[", "]")));
            } else {
                System.out.println();
                System.out.printf("%-11s %14s %14s %7s %12s %14s %14s%n", "engine", "ledger/s", "plain/s", "ratio", "integrate s",
                        "ledger cpu µs", "plain cpu µs");
                for (BenchResult r : results) {
                    System.out.printf(Locale.ROOT, "%-11s %,14.0f %,14.0f %7.2f %12.3f %14.1f %14.1f%n", r.engine(), r.ledgerPerS(), r.plainPerS(),
                            r.ratio(), r.integrateS(), r.ledgerCpuUs(), r.plainCpuUs());
                }
                System.out.println("(medians of " + runs + " runs; ledger = durable acknowledged writes; integrate = time after the last "
                        + "acknowledgement until a signed checkpoint covered every record)");
            }
            return 0;
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "Build a log of N records of 1 KiB, ship it to a directory vault, and time `recover` with full verification "
                    + "against pg_dump + pg_restore of the same records and the raw SHA-256 rate over the same bytes.")
    public static final class Recover implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "1000000", description = "records in the log (default ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--json", description = "print a JSON object on stdout (progress goes to stderr)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (records < 1) {
                System.err.println("--records must be at least 1");
                return 2;
            }
            System.err.printf(Locale.ROOT, "bench recover: %,d records of 1 KiB; load average %.2f%n", records,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            RecoverBench.Result r = new RecoverBench(records, System.err).run();
            if (json) {
                System.out.println(r.toJson());
            } else {
                System.out.printf(Locale.ROOT, "%nrecords %,d: recover %.2f s, pg_dump + pg_restore %.2f s, ratio %.2f;"
                        + " verify %,.0f MB/s, raw SHA-256 %,.0f MB/s (%,.0f on one core)%n", r.records(), r.recoverS(), r.pgDumpRestoreS(),
                        r.ratio(), r.verifyMbS(), r.sha256MbS(), r.sha256OneCoreMbS());
            }
            return 0;
        }
    }
}
