package org.kalaja.server.bench;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One engine's figures from {@code kalaja bench append}.
 *
 * @param engine          {@code sqlite} or {@code postgresql}
 * @param records         records written per run
 * @param runs            runs of each side; the throughputs are medians over them
 * @param ledgerPerS      durable record writes acknowledged per second through the full ledger path
 * @param plainPerS       plain upserts per second into an ordinary table, same engine and durability
 * @param ratio           ledgerPerS / plainPerS
 * @param integrateS      seconds after the last acknowledgement until a signed checkpoint covered
 *                        every record (median)
 * @param ledgerCpuUs     CPU time of this process per ledger write, in microseconds (median): all
 *                        threads, so for SQLite everything a write costs; a figure that noise from
 *                        other processes on the machine barely moves
 * @param plainCpuUs      the same for a plain upsert (for PostgreSQL both leave out the server's CPU)
 * @param sealed          the sealed sides' figures with {@code --sealed}, otherwise null
 */
public record BenchResult(String engine, long records, int runs, double ledgerPerS, double plainPerS, double ratio,
        double integrateS, double ledgerCpuUs, double plainCpuUs, @Nullable Sealed sealed) {

    /**
     * The same records written into a sealed collection, in the same runs as the unsealed ledger side.
     *
     * @param subject      a data key per applicant (subject pointer {@code /applicant}), the 1,024
     *                     keys created before the clock starts
     * @param hourly       the collection's key of the hour (no subject pointer)
     * @param newSubjectMs what creating one applicant's data key added to its first write, in
     *                     milliseconds (median): the key is recorded durably before the write is queued
     */
    public record Sealed(Side subject, Side hourly, double newSubjectMs) {}

    /**
     * One sealed side.
     *
     * @param perS  durable writes acknowledged per second (median)
     * @param ratio perS / the unsealed ledger side's, taken within each run, median over the runs
     * @param cpuUs CPU time of this process per write, in microseconds (median)
     */
    public record Side(double perS, double ratio, double cpuUs) {}

    String toJson() {
        String base = String.format(Locale.ROOT,
                "{\"engine\":\"%s\",\"records\":%d,\"runs\":%d,\"ledger_per_s\":%.0f,\"plain_per_s\":%.0f,\"ratio\":%.3f,\"integrate_s\":%.3f,"
                        + "\"ledger_cpu_us\":%.2f,\"plain_cpu_us\":%.2f",
                engine, records, runs, ledgerPerS, plainPerS, ratio, integrateS, ledgerCpuUs, plainCpuUs);
        return sealed == null ? base + "}" : base + side("subject", sealed.subject()) + side("hourly", sealed.hourly())
                + String.format(Locale.ROOT, ",\"new_subject_key_ms\":%.3f}", sealed.newSubjectMs());
    }

    private static String side(String name, Side s) {
        return String.format(Locale.ROOT, ",\"sealed_%s_per_s\":%.0f,\"sealed_%s_ratio\":%.3f,\"sealed_%s_cpu_us\":%.2f", name, s.perS(), name,
                s.ratio(), name, s.cpuUs());
    }
}
