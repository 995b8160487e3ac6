package org.kalaja.server.bench;

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
 */
public record BenchResult(String engine, long records, int runs, double ledgerPerS, double plainPerS, double ratio,
        double integrateS, double ledgerCpuUs, double plainCpuUs) {
    String toJson() {
        return String.format(java.util.Locale.ROOT,
                "{\"engine\":\"%s\",\"records\":%d,\"runs\":%d,\"ledger_per_s\":%.0f,\"plain_per_s\":%.0f,\"ratio\":%.3f,\"integrate_s\":%.3f,"
                        + "\"ledger_cpu_us\":%.2f,\"plain_cpu_us\":%.2f}",
                engine, records, runs, ledgerPerS, plainPerS, ratio, integrateS, ledgerCpuUs, plainCpuUs);
    }
}
