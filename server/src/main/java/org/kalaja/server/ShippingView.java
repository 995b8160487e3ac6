package org.kalaja.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.kalaja.engine.shipping.ShippingStatus;

/**
 * The shipper as the status page and {@code /metrics} show it. Metrics are the Prometheus text
 * exposition format 0.0.4, written by hand: a handful of gauges and counters need no library.
 */
final class ShippingView {
    static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private ShippingView() {}

    /** Adds {@code durability}, {@code vaults}, {@code witnesses} and {@code alarms} to a status object. */
    static void addTo(ObjectNode status, Node node) {
        status.put("durability", node.shipping().durability().name().toLowerCase(Locale.ROOT));
        ArrayNode vaults = status.putArray("vaults");
        ArrayNode witnesses = status.putArray("witnesses");
        ArrayNode alarms = status.putArray("alarms");
        node.shipper().ifPresent(shipper -> {
            ShippingStatus s = shipper.status();
            status.put("published_size", s.publishedSize());
            for (ShippingStatus.VaultStatus v : s.vaults()) {
                vaults.addObject().put("vault", v.vault()).put("state", v.state().name().toLowerCase(Locale.ROOT))
                        .put("shipped_size", v.shippedSize()).put("lag_entries", v.lagEntries())
                        .put("lag_seconds", round(v.lagSeconds())).put("max_lag_seconds", round(v.maxLagSeconds()))
                        .put("last_error", v.lastError());
            }
            for (ShippingStatus.WitnessStatus w : s.witnesses()) {
                witnesses.addObject().put("url", w.url()).put("cosigned_size", w.cosignedSize())
                        .put("last_result", w.lastResult()).put("detail", w.detail());
            }
            for (ShippingStatus.Alarm a : s.alarms()) {
                alarms.addObject().put("time", a.time().toString()).put("source", a.source()).put("message", a.message());
            }
            status.put("witness_alarms_total", s.witnessAlarmsTotal()).put("vault_alarms_total", s.vaultAlarmsTotal());
        });
    }

    /** The metrics page. */
    static String metrics(Node node) {
        StringBuilder out = new StringBuilder();
        gauge(out, "kalaja_log_size", "Entries committed to the store.", node.engine().size());
        gauge(out, "kalaja_checkpoint_size", "Entries covered by the latest signed checkpoint.", node.log().checkpointSize());
        if (node.shipper().isEmpty()) return out.toString();
        ShippingStatus s = node.shipper().get().status();
        gauge(out, "kalaja_published_size", "Entries covered by the newest checkpoint allowed out to vaults.", s.publishedSize());
        header(out, "kalaja_vault_lag_entries", "gauge", "Committed entries a vault does not hold yet.");
        for (ShippingStatus.VaultStatus v : s.vaults()) sample(out, "kalaja_vault_lag_entries", v.vault(), v.lagEntries());
        header(out, "kalaja_vault_lag_seconds", "gauge", "How long the oldest entry a vault lacks has been committed.");
        for (ShippingStatus.VaultStatus v : s.vaults()) sample(out, "kalaja_vault_lag_seconds", v.vault(), v.lagSeconds());
        header(out, "kalaja_vault_shipped_size", "gauge", "Tree size of the checkpoint a vault published.");
        for (ShippingStatus.VaultStatus v : s.vaults()) sample(out, "kalaja_vault_shipped_size", v.vault(), v.shippedSize());
        header(out, "kalaja_vault_up", "gauge", "1 if shipping to the vault works, 0 if retrying or stopped.");
        for (ShippingStatus.VaultStatus v : s.vaults()) {
            boolean up = v.state() != ShippingStatus.State.RETRYING && v.state() != ShippingStatus.State.STOPPED;
            sample(out, "kalaja_vault_up", v.vault(), up ? 1 : 0);
        }
        counter(out, "kalaja_witness_alarms_total", "Witness refusals showing a fork or rollback.", s.witnessAlarmsTotal());
        counter(out, "kalaja_vault_alarms_total", "Vaults stopped on tampering, another log or a rollback.", s.vaultAlarmsTotal());
        return out.toString();
    }

    static void gauge(StringBuilder out, String name, String help, double value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String vault, double value) {
        sample(out, name, "vault", vault, value);
    }

    static void sample(StringBuilder out, String name, String labelName, String labelValue, double value) {
        String label = labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        out.append(name).append('{').append(labelName).append("=\"").append(label).append("\"} ").append(number(value)).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
