package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * STIX 2.1 identifiers and timestamps. SCO ids are UUIDv5 in the STIX namespace over the canonical JSON
 * (sorted keys, no white space) of their id-contributing properties, as STIX 2.1 §2.9 requires, so any
 * tool derives the same id for the same address or account; every other object's id is a UUIDv5 in
 * Kalaja's namespace over (node, incident, role), so re-running an investigation yields the same bundle.
 */
final class StixIds {
    /** STIX 2.1 §2.9: the namespace of SCO identifiers. */
    static final UUID STIX_NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");
    /** Kalaja's namespace for its SDO and SRO ids: UUIDv5 of "kalaja.org/stix" in the STIX namespace. */
    static final UUID KALAJA_NAMESPACE = uuid5(STIX_NAMESPACE, "kalaja.org/stix");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String scope;

    /** Ids for one incident of one node. */
    StixIds(String node, String incidentId) {
        this.scope = node + "\n" + incidentId + "\n";
    }

    /** {@code type--UUIDv5(Kalaja namespace, node ‖ incident ‖ role)}. */
    String sdo(String type, String role) {
        return type + "--" + uuid5(KALAJA_NAMESPACE, scope + type + "\n" + role);
    }

    /** {@code type--UUIDv5(STIX namespace, canonical JSON of the id-contributing properties)}. */
    static String sco(String type, ObjectNode contributing) {
        return type + "--" + uuid5(STIX_NAMESPACE, canonical(contributing));
    }

    /** RFC 4122 name-based UUID, version 5 (SHA-1). */
    static UUID uuid5(UUID namespace, String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits())
                    .putLong(namespace.getLeastSignificantBits()).array());
            byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x50);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-1", e);
        }
    }

    /** JSON with object keys sorted at every level and no white space (RFC 8785 for the strings STIX ids use). */
    static String canonical(JsonNode node) {
        try {
            return JSON.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            names.forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return node;
    }

    /** A STIX timestamp: UTC with exactly milliseconds, as core.json requires for created and modified. */
    static String time(Instant t) {
        return MILLIS.format(t);
    }
}
