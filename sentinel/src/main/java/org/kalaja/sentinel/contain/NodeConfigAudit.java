package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Approval;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;
import org.kalaja.sentinel.Sentinel;

/**
 * The node's defences as it starts, compared with the last start's: an attacker with root on the
 * primary who restarts it without its vaults, witnesses, rules or audit sinks (ATT&CK T1490 Inhibit
 * System Recovery, T1562 Impair Defenses) produces a {@code config.change} event with
 * {@code kalaja.config.effect = reduced}, which the default rules answer with safe mode, unless two
 * administrators approved that exact configuration beforehand ({@code config.loosen} with its
 * digest). Every change of configuration is a {@code CONFIG_CHANGED} entry at {@code kalaja.config/node}.
 *
 * <p>A configuration is a map of settings: lists of names ({@code vaults}, {@code witnesses},
 * {@code rules}, {@code audit_sinks}: removing one reduces), numbers where less is weaker
 * ({@code quorum}) or where more is weaker ({@code state_audit_interval_s}, 0 meaning off, weakest),
 * and {@code durability} ({@code vault} to {@code store} reduces). Other settings are recorded and
 * reported as changed, never as reduced.
 */
public final class NodeConfigAudit {
    public static final RecordId RECORD = new RecordId("kalaja.config", "node");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What this start changed. @param reduced the settings that got weaker, e.g. {@code vaults} */
    public record Change(String effect, List<String> reduced, String digest, Optional<AuditEvent> event) {
    }

    private NodeConfigAudit() {
    }

    /** The SHA-256 (hex) of the configuration's canonical JSON: what {@code config.loosen} approves. */
    public static String digest(Map<String, Object> config) {
        return Hash.sha256(canonical(config)).hex();
    }

    /**
     * Compares {@code config} with the recorded one, records it when it differs, and returns the
     * event the server MUST {@link Sentinel#admit admit} (none when nothing changed).
     */
    public static Change check(RecordsEngine engine, Sentinel sentinel, Map<String, Object> config, Caller caller, Instant now) {
        String digest = digest(config);
        SystemRecords records = new SystemRecords(engine);
        Optional<SystemRecords.Body> last = records.read(RECORD.collection(), RECORD.key());
        JsonNode before = last.map(b -> b.json().path("config")).orElse(null);
        if (before != null && digest.equals(last.get().json().path("digest").asText())) {
            return new Change("unchanged", List.of(), digest, Optional.empty());
        }
        List<String> reduced = before == null ? List.of() : reductions(before, JSON.valueToTree(new TreeMap<>(config)));
        String effect = before == null ? "initial" : reduced.isEmpty() ? "changed" : "reduced";
        ObjectNode body = JSON.createObjectNode().put("digest", digest).put("effect", effect);
        body.set("config", JSON.valueToTree(new TreeMap<>(config)));
        body.set("reduced", JSON.valueToTree(reduced));
        records.write(EntryKind.CONFIG_CHANGED, caller, RECORD.collection(), RECORD.key(), body, last.map(SystemRecords.Body::version).orElse(0L));
        Map<String, Object> extra = new HashMap<>();
        extra.put("kalaja.config.effect", effect);
        extra.put("kalaja.config.digest", digest);
        if (!reduced.isEmpty()) extra.put("kalaja.config.reduced", reduced);
        sentinel.approvals().list().stream()
                .filter(a -> a.action().equals("config.loosen") && a.status() == Approval.Status.EXECUTED
                        && digest.equals(String.valueOf(a.params().get("digest"))))
                .findFirst().ifPresent(a -> extra.put("kalaja.approval", a.id()));
        AuditEvent event = new AuditEvent(now, Action.CONFIG_CHANGE, Outcome.SUCCESS, caller.actor(), "", "", caller.address(),
                caller.userAgent(), RECORD.collection(), RECORD.key(), -1, -1, 1, "", extra);
        return new Change(effect, reduced, digest, Optional.of(event));
    }

    /** The settings of {@code before} (a recorded configuration) that {@code after} weakens. */
    public static List<String> reductions(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        before.fieldNames().forEachRemaining(name -> {
            JsonNode b = before.get(name);
            JsonNode a = after.path(name);
            boolean weaker = switch (name) {
                case "quorum" -> a.asLong(0) < b.asLong(0);
                case "state_audit_interval_s" -> b.asLong(0) > 0 && (a.asLong(0) == 0 || a.asLong(0) > b.asLong(0));
                case "durability" -> b.asText().equals("vault") && !a.asText().equals("vault");
                // Where sealed data's KEKs are: an HSM, a passphrase keystore on the host, or nowhere.
                case "kms" -> kmsStrength(a.asText("none")) < kmsStrength(b.asText("none"));
                default -> b.isArray() && !containsAll(a, b);
            };
            if (weaker) out.add(name);
        });
        return out;
    }

    private static int kmsStrength(String kind) {
        return switch (kind) {
            case "pkcs11" -> 2;
            case "keystore" -> 1;
            default -> 0;
        };
    }

    private static boolean containsAll(JsonNode after, JsonNode before) {
        List<String> have = new ArrayList<>();
        if (after.isArray()) after.forEach(x -> have.add(x.asText()));
        for (JsonNode x : before) if (!have.contains(x.asText())) return false;
        return true;
    }

    private static byte[] canonical(Map<String, Object> config) {
        SortedMap<String, Object> sorted = new TreeMap<>(config);
        return bytes(JSON.valueToTree(sorted));
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
