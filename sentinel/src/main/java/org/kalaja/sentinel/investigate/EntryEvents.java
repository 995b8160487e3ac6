package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;
import org.kalaja.sentinel.audit.LogEvents;

/** Log entries as audit events for the timeline: {@link LogEvents}, which the exporters use too. */
final class EntryEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EntryEvents() {
    }

    /** The events an entry holds, in order; their position in the list is their ordinal. */
    static List<AuditEvent> of(long index, Entry entry) {
        try {
            return LogEvents.of(index, entry);
        } catch (IllegalArgumentException e) {
            // An access batch this version cannot read still shows in the timeline, as one event of the entry.
            return List.of(new AuditEvent(entry.time(), Action.RECORD_GET, Outcome.UNKNOWN, entry.actor(), "", "",
                    entry.clientAddress(), entry.userAgent(), entry.collection(), entry.key(), -1, index, 1,
                    "undecoded_access_batch", Map.of()));
        }
    }

    /** The JSON body, or an empty object when the entry has none or it is not JSON. */
    static JsonNode body(Entry e) {
        if (e.bodyType() != BodyType.JSON) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(e.body());
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException ex) {
            return JSON.createObjectNode();
        }
    }
}
