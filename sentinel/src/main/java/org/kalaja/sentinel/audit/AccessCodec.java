package org.kalaja.sentinel.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

/**
 * The body of an {@link EntryKind#ACCESS} entry: a batch of audit events, dictionary-coded so that
 * one entry holds about a thousand of them.
 *
 * <pre>
 * {"v":1,"node":"n1","t0":"2022-07-15T08:30:00.123456Z",
 *  "origins":[["token:3f9a0c1d2e3b4a59","portal backend","admin","203.0.113.7","curl/8.5"]],
 *  "events":[[0,0,"record.get","civil-status","birth-2022-0001",1,""],
 *            [1250,1,"auth.failure","","",1,"unknown_token"]]}
 * </pre>
 *
 * An origin is {@code [actor, name, role, address, user agent]}; an event is {@code [µs after t0
 * (may be negative: request threads race), origin index, action id, collection, key, count, reason]}
 * followed by two optional elements: the record version (absent = -1) and an object of further ECS
 * fields (absent = none). An empty reason means success, any other the failure's code; an event
 * judged before its operation ran carries {@code "event.outcome":"unknown"} among its fields.
 *
 * <p>A batch's body MUST NOT exceed {@link #MAX_BODY} bytes: below the engine's blob threshold, so
 * the body stays inside the entry, and with the entry's own fields well under the 65,535-byte limit.
 * The format is part of the log and MUST only grow by new optional elements.
 */
public final class AccessCodec {
    /** The largest body a batch encodes to. */
    public static final int MAX_BODY = 60_000;
    /** The collection and key every ACCESS entry is appended at. */
    public static final String COLLECTION = "kalaja.audit";
    public static final String KEY = "access";

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNKNOWN_OUTCOME = "event.outcome";
    private static final String ORDINAL = "kalaja.ordinal";
    private static final byte[] V1 = ascii("{\"v\":1,\"node\":");
    private static final byte[] T0 = ascii(",\"t0\":");
    private static final byte[] ORIGINS = ascii(",\"origins\":[");
    private static final byte[] EVENTS = ascii("],\"events\":[");
    private static final byte[] END = ascii("]}");

    private AccessCodec() {}

    /**
     * Events being gathered into one body. Not thread-safe: one flusher owns it.
     */
    public static final class Batch {
        private final byte[] node;
        private final Map<List<String>, Integer> originIndex = new HashMap<>();
        private final List<byte[]> origins = new ArrayList<>();
        private final List<byte[]> events = new ArrayList<>();
        private Instant t0 = Instant.EPOCH;
        private byte[] t0Json = new byte[0];
        private int bytes;
        /** Sizes of the comma-joined origins and events, kept so that adding stays O(1). */
        private int originBytes;
        private int eventBytes;

        /** @param node the name of the node that saw the events */
        public Batch(String node) {
            this.node = json(node);
        }

        /**
         * Adds {@code event} unless the body would then pass {@link #MAX_BODY} bytes.
         *
         * @return false when the event does not fit; the batch is unchanged
         */
        public boolean add(AuditEvent event) {
            Instant time = event.time().truncatedTo(ChronoUnit.MICROS);
            byte[] newT0 = events.isEmpty() ? json(time.toString()) : t0Json;
            Instant base = events.isEmpty() ? time : t0;
            List<String> origin = List.of(event.actor(), event.actorName(), event.role(), event.address(), event.userAgent());
            Integer known = originIndex.get(origin);
            byte @Nullable [] originJson = known == null ? json(origin) : null;
            int o = known == null ? origins.size() : known;
            byte[] eventJson = encodeEvent(event, ChronoUnit.MICROS.between(base, time), o);
            int grown = fixedSize(newT0) + originsSize(originJson) + eventsSize(eventJson);
            if (grown > MAX_BODY) return false;
            if (events.isEmpty()) {
                t0 = time;
                t0Json = newT0;
            }
            if (originJson != null) {
                originBytes = originsSize(originJson);
                originIndex.put(origin, o);
                origins.add(originJson);
            }
            eventBytes = eventsSize(eventJson);
            events.add(eventJson);
            bytes = grown;
            return true;
        }

        public boolean isEmpty() {
            return events.isEmpty();
        }

        /** Events in the batch. */
        public int size() {
            return events.size();
        }

        /** The size of {@link #toJson()}, exactly. */
        public int bytes() {
            return bytes;
        }

        /** The body of the ACCESS entry. */
        public byte[] toJson() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes);
            out.writeBytes(V1);
            out.writeBytes(node);
            out.writeBytes(T0);
            out.writeBytes(t0Json);
            out.writeBytes(ORIGINS);
            join(out, origins);
            out.writeBytes(EVENTS);
            join(out, events);
            out.writeBytes(END);
            return out.toByteArray();
        }

        private int fixedSize(byte[] t0Bytes) {
            return V1.length + node.length + T0.length + t0Bytes.length + ORIGINS.length + EVENTS.length + END.length;
        }

        private int originsSize(byte @Nullable [] extra) {
            return extra == null ? originBytes : originBytes + extra.length + (origins.isEmpty() ? 0 : 1);
        }

        private int eventsSize(byte[] extra) {
            return eventBytes + extra.length + (events.isEmpty() ? 0 : 1);
        }
    }

    private static byte[] encodeEvent(AuditEvent e, long micros, int origin) {
        ArrayNode a = JSON.createArrayNode();
        a.add(micros).add(origin).add(e.action().id()).add(e.collection()).add(e.key()).add(e.count());
        String reason = e.outcome() == Outcome.FAILURE && e.reason().isEmpty() ? "failure" : e.reason();
        a.add(e.outcome() == Outcome.SUCCESS ? "" : reason);
        Map<String, Object> extra = new LinkedHashMap<>(e.extra());
        extra.remove(ORDINAL); // a decoded event's place in its old batch, not a fact about it
        if (e.outcome() == Outcome.UNKNOWN) extra.put(UNKNOWN_OUTCOME, "unknown");
        if (e.version() >= 0 || !extra.isEmpty()) a.add(e.version());
        if (!extra.isEmpty()) a.add(JSON.valueToTree(extra));
        return json(a);
    }

    /**
     * The events of an ACCESS entry, each with {@code index} as its log index and its ordinal in the
     * batch as {@code kalaja.ordinal}.
     *
     * @throws IllegalArgumentException if the entry is not an ACCESS entry with a body this codec wrote
     */
    public static List<AuditEvent> decode(long index, Entry entry) {
        if (entry.kind() != EntryKind.ACCESS || entry.bodyType() != BodyType.JSON) {
            throw new IllegalArgumentException("entry " + index + " is " + entry.kind() + "/" + entry.bodyType() + ", not an ACCESS batch");
        }
        try {
            JsonNode body = JSON.readTree(entry.body());
            if (body.path("v").asInt() != 1) throw new IllegalArgumentException("unknown ACCESS batch version " + body.path("v"));
            Instant t0 = Instant.parse(body.required("t0").asText());
            List<JsonNode> origins = new ArrayList<>();
            body.required("origins").forEach(origins::add);
            List<AuditEvent> out = new ArrayList<>();
            for (JsonNode ev : body.required("events")) {
                JsonNode o = origins.get(ev.get(1).asInt());
                String reason = ev.get(6).asText();
                Map<String, Object> extra = new LinkedHashMap<>();
                if (ev.size() > 8) extra.putAll(fields(ev.get(8)));
                Outcome outcome = reason.isEmpty() ? Outcome.SUCCESS : Outcome.FAILURE;
                if ("unknown".equals(extra.remove(UNKNOWN_OUTCOME))) outcome = Outcome.UNKNOWN;
                extra.put(ORDINAL, (long) out.size());
                out.add(new AuditEvent(t0.plus(ev.get(0).asLong(), ChronoUnit.MICROS), Action.ofId(ev.get(2).asText()), outcome,
                        o.get(0).asText(), o.get(1).asText(), o.get(2).asText(), o.get(3).asText(), o.get(4).asText(),
                        ev.get(3).asText(), ev.get(4).asText(), ev.size() > 7 ? ev.get(7).asLong() : -1, index,
                        ev.get(5).asInt(), reason, extra));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("ACCESS entry " + index + " has a malformed body: " + e.getMessage(), e);
        }
    }

    /** An object of ECS fields as {@link AuditEvent#extra()} holds them: strings, longs, booleans, lists. */
    static Map<String, Object> fields(JsonNode object) {
        Map<String, Object> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), value(f.getValue())));
        return out;
    }

    private static Object value(JsonNode n) {
        if (n.isBoolean()) return n.booleanValue();
        if (n.isIntegralNumber()) return n.longValue();
        if (n.isNumber()) return n.doubleValue();
        if (n.isArray()) {
            List<Object> list = new ArrayList<>();
            n.forEach(x -> list.add(value(x)));
            return list;
        }
        if (n.isObject()) return fields(n);
        return n.asText();
    }

    private static void join(ByteArrayOutputStream out, List<byte[]> parts) {
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) out.write(',');
            out.writeBytes(parts.get(i));
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
