package org.kalaja.server.drill;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kalaja.sentinel.sigma.AttackCatalog;

/**
 * The drill's report: one HTML file that opens offline (no script, no remote resource), beside the
 * evidence packs it links to. What a minister's adviser reads first (the verdict and the figures),
 * then the timeline, the ATT&CK mapping, and the incidents with their STIX bundles.
 */
final class DrillReport {
    /**
     * A moment of the drill on the timeline, in seconds since it started.
     *
     * @param kind life, phase or recovery (a bar from {@code from} to {@code to}); detection or wipe (a mark at {@code from})
     */
    record Mark(String label, String kind, double from, double to) {}

    /** An incident the node raised, and where its evidence pack is (relative to the report), if it was written. */
    record IncidentLine(String id, String rule, String techniques, String evidence) {}

    private static final Map<String, String> NOT_IN_CATALOG = Map.of("T1561", "Disk Wipe");
    private static final Map<String, String> WHAT_KALAJA_DID = Map.of(
            "T1078", "every request authenticated and attributed to its token; the stolen tokens frozen and revoked by the rules below",
            "T1213", "bulk-read rule: 25 distinct personal records in 3 minutes freezes the actor",
            "T1567", "the export stopped with the bulk read; evidence of every record read is in the log",
            "T1486", "ransomware rule on overwrites: actor frozen, the overwritten versions restored by undo",
            "T1485", "mass-deletion rule: actor frozen, the deleted records restored by undo",
            "T1565.001", "the store watch and state audit found the row changed behind the log; repaired from the log, safe mode",
            "T1561", "the vault (write-once, off the machine) and the witnesses kept the log; recover rebuilt and verified it");

    private DrillReport() {}

    static void write(Path file, JsonNode verdict, List<Mark> timeline, List<IncidentLine> incidents) throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        boolean passed = verdict.path("passed").asBoolean();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kalaja drill: ")
                .append(passed ? "PASSED" : "FAILED").append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#0b0c0c;line-height:1.4}")
                .append("table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #b1b4b6;padding:.3rem .6rem;text-align:left}")
                .append(".pass{color:#00703c}.fail{color:#d4351c}.fig{font-size:1.6rem;font-weight:bold}")
                .append("</style></head><body>\n");
        h.append("<h1>Kalaja drill: <span class=\"").append(passed ? "pass\">PASSED" : "fail\">FAILED").append("</span></h1>\n");
        h.append("<p>The July 2022 attack on Albania's government, re-enacted on one machine with real processes: stolen administrator"
                + " credentials, bulk export, ransomware, deletion, a database edited behind the system's back, and a wiper that destroys"
                + " the primary. In 2022 e-Albania was offline from 17 to 21 July, some registries for weeks.</p>\n");
        h.append("<table><tr>");
        figure(h, "acknowledged writes lost", verdict.path("lost").asText());
        figure(h, "records damaged / restored", verdict.path("damaged").asText() + " / " + verdict.path("restored").asText());
        figure(h, "slowest detection", verdict.path("max_detection_ms").asText() + " ms");
        figure(h, "wipe to service restored", verdict.path("recovery_s").asText() + " s");
        figure(h, "independent verification (Go)", verdict.path("independent_verification").asText());
        figure(h, "citizens' applications found after the rebuild", verdict.path("portal_applications_found_after_recovery").asText() + " / "
                + verdict.path("portal_applications_acknowledged").asText());
        h.append("</tr></table>\n");
        h.append("<p>Verification: <code>kalaja verify --vault</code> ").append(verdict.path("vault_verified").asBoolean() ? "passed" : "FAILED")
                .append(" (every entry, tile and checkpoint in the vault, against the log's key and both witnesses' keys); the independent"
                        + " verifier, a Go program that shares no code with Kalaja: ")
                .append(esc(verdict.path("independent_verification").asText())).append(", ").append(esc(verdict.path("independent_detail").asText()))
                .append(".</p>\n");

        h.append("<h2>Timeline</h2>\n").append(svg(timeline));

        h.append("<h2>Phases</h2>\n<table><tr><th>Phase</th><th>ATT&amp;CK</th><th>Requests</th><th>Served before containment</th>"
                + "<th>Detection</th></tr>\n");
        for (JsonNode p : verdict.path("phases")) {
            h.append("<tr><td>").append(esc(p.path("phase").asText())).append("</td><td>").append(esc(p.path("techniques").asText()))
                    .append("</td><td>").append(p.path("requests").asText("")).append("</td><td>").append(p.path("served").asText(""))
                    .append("</td><td>").append(p.has("detection_ms") ? p.path("detection_ms").asText() + " ms" : "recovered in "
                            + p.path("recovery_s").asText() + " s").append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>ATT&amp;CK mapping</h2>\n<table><tr><th>Technique</th><th>Name</th><th>What Kalaja did</th></tr>\n");
        for (String id : List.of("T1078", "T1213", "T1567", "T1486", "T1485", "T1565.001", "T1561")) {
            String name = AttackCatalog.technique(id, List.of()).map(t -> t.name()).orElse(NOT_IN_CATALOG.getOrDefault(id, ""));
            h.append("<tr><td>").append(id).append("</td><td>").append(esc(name)).append("</td><td>").append(esc(WHAT_KALAJA_DID.get(id)))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Incidents and evidence</h2>\n<p>Each pack holds a STIX 2.1 bundle, the timeline and the log entries with their"
                + " inclusion proofs; <code>kalaja verify-evidence DIR</code> checks one offline.</p>\n<table><tr><th>Incident</th><th>Rule</th>"
                + "<th>ATT&amp;CK</th><th>Evidence</th></tr>\n");
        for (IncidentLine i : incidents) {
            h.append("<tr><td>").append(esc(i.id())).append("</td><td>").append(esc(i.rule())).append("</td><td>").append(esc(i.techniques()))
                    .append("</td><td>").append(i.evidence().isEmpty() ? "(not written)" : "<a href=\"" + esc(i.evidence()) + "/stix-bundle.json\">STIX"
                            + " bundle</a>, <a href=\"" + esc(i.evidence()) + "/timeline.json\">timeline</a>").append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Verdict</h2>\n<pre>").append(esc(verdict.toPrettyString())).append("</pre>\n</body></html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static void figure(StringBuilder h, String what, String value) {
        h.append("<td><div class=\"fig\">").append(esc(value)).append("</div>").append(esc(what)).append("</td>");
    }

    /** Bars for phases and the recovery, marks for detections and the wipe, on one axis of seconds. */
    private static String svg(List<Mark> marks) {
        double end = marks.stream().mapToDouble(m -> Math.max(m.from(), m.to())).max().orElse(1) * 1.05;
        int width = 900;
        int row = 26;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Timeline"
                + " of the drill\">\n", width, row * (marks.size() + 2)));
        for (int i = 0; i < marks.size(); i++) {
            Mark m = marks.get(i);
            double x = 220 + m.from() / end * (width - 240);
            double w = Math.max(2, (m.to() - m.from()) / end * (width - 240));
            int y = row * i + 6;
            String colour = switch (m.kind()) {
                case "detection" -> "#d4351c";
                case "wipe" -> "#0b0c0c";
                case "recovery" -> "#00703c";
                case "life" -> "#b1b4b6";
                default -> "#1d70b8";
            };
            s.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"13\">%s</text>", y + 14, esc(m.label())));
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>%n", x, y, w, colour));
        }
        int axis = row * marks.size() + 20;
        for (int t = 0; t <= (int) end; t += Math.max(1, (int) end / 10)) {
            double x = 220 + t / end * (width - 240);
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%d s</text>", x, axis, t));
        }
        return s.append("</svg>\n").toString();
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
