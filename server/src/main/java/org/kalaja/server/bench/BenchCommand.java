package org.kalaja.server.bench;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
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

        @Option(names = "--sealed", description = "also write the records into a sealed collection in every run, with a data key "
                + "per applicant and with the collection's hourly key, and report each against the unsealed ledger side")
        boolean sealed;

        @Override
        public Integer call() throws Exception {
            if (records < 1 || runs < 1) {
                System.err.println("--records and --runs must be at least 1");
                return 2;
            }
            System.err.printf(Locale.ROOT, "bench append: %,d records of 1 KiB, %d runs per side, engines %s%s; load average %.2f%n", records,
                    runs, engines, sealed ? ", sealed sides too" : "", loadAverage());
            List<BenchResult> results = new AppendBench(records, runs, sealed, System.err).run(engines);
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
                if (sealed) printSealed(results);
            }
            return 0;
        }

        private void printSealed(List<BenchResult> results) {
            System.out.println();
            System.out.printf("%-11s %14s %16s %7s %16s %7s %26s%n", "engine", "ledger/s", "sealed subject/s", "ratio", "sealed hourly/s",
                    "ratio", "cpu µs: ledger subj hourly");
            for (BenchResult r : results) {
                BenchResult.Sealed s = Objects.requireNonNull(r.sealed());
                System.out.printf(Locale.ROOT, "%-11s %,14.0f %,16.0f %7.2f %,16.0f %7.2f %12.1f %6.1f %6.1f%n", r.engine(), r.ledgerPerS(),
                        s.subject().perS(), s.subject().ratio(), s.hourly().perS(), s.hourly().ratio(), r.ledgerCpuUs(), s.subject().cpuUs(),
                        s.hourly().cpuUs());
            }
            for (BenchResult r : results) {
                System.out.printf(Locale.ROOT, "%s: a new applicant's data key adds %.2f ms to its first write%n", r.engine(),
                        Objects.requireNonNull(r.sealed()).newSubjectMs());
            }
            System.out.println("(ratio = sealed / unsealed ledger writes per second within each run, median over the runs; subject = a data "
                    + "key per applicant, the 1,024 keys created before the clock starts; hourly = the collection's key of the hour)");
        }
    }

    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "Build a log of N records of 1 KiB, ship it to a directory vault, and time `recover` with full verification "
                    + "against pg_dump + pg_restore of the same records and the raw SHA-256 rate over the same bytes.")
    public static final class Recover implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "1000000", description = "records in the log (default ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--json", description = "print a JSON object on stdout (progress goes to stderr)")
        boolean json;

        @Option(names = "--sealed", description = "also build the same records as a sealed collection (a data key per owner), ship and "
                + "recover both logs, check the sealed log's keys, and read every record of both back through the engine")
        boolean sealed;

        @Override
        public Integer call() throws Exception {
            if (records < 1) {
                System.err.println("--records must be at least 1");
                return 2;
            }
            System.err.printf(Locale.ROOT, "bench recover: %,d records of 1 KiB%s; load average %.2f%n", records,
                    sealed ? ", plain and sealed" : "", loadAverage());
            RecoverBench.Result r = new RecoverBench(records, sealed, System.err).run();
            if (json) {
                System.out.println(r.toJson());
            } else {
                System.out.printf(Locale.ROOT, "%nrecords %,d: recover %.2f s, pg_dump + pg_restore %.2f s, ratio %.2f;"
                        + " verify %,.0f MB/s, raw SHA-256 %,.0f MB/s (%,.0f on one core), verify / raw %.2f; reading and hashing alone"
                        + " %,.0f MB/s, verify / that %.2f%n", r.records(), r.recoverS(), r.pgDumpRestoreS(), r.ratio(), r.verifyMbS(),
                        r.sha256MbS(), r.sha256OneCoreMbS(), r.verifyMbS() / r.sha256MbS(), r.readAndHashMbS(), r.verifyMbS() / r.readAndHashMbS());
                RecoverBench.Sealed s = r.sealed();
                if (s != null) {
                    System.out.printf(Locale.ROOT, "sealed log (%,d data keys): recover %.2f s + key check %.2f s against %.2f s plain, ratio %.2f;"
                            + " read back every record: sealed %.2f s, plain %.2f s (ratio %.2f); again, keys cached: sealed %.2f s, plain %.2f s"
                            + " (ratio %.2f)%n", s.keys(), s.recoverSealedS(), s.keyCheckS(), s.recoverPlainS(), s.recoverRatio(), s.readSealedS(),
                            s.readPlainS(), s.readSealedS() / s.readPlainS(), s.rereadSealedS(), s.rereadPlainS(), s.rereadSealedS() / s.rereadPlainS());
                }
            }
            return 0;
        }
    }
}
