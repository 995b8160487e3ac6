package org.kalaja.engine;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;

/**
 * What a collection declares about its content, kept as the record {@code kalaja.collections/<name>}.
 *
 * @param sealed   whether bodies are sealed (encrypted under a data key) before they enter an entry.
 *                 Once sealed, a collection stays sealed: turning it off would let anyone with an
 *                 administrator's credentials undo the protection for every later write.
 * @param subject  a JSON Pointer to the field of a body naming its data subject (a personal number,
 *                 an account id), whose records get keys of their own so that they can be erased
 *                 alone; null when the collection has no per-subject keys
 */
public record CollectionPolicy(boolean sealed, @Nullable String subject) {
    /** A collection that declared nothing. */
    public static final CollectionPolicy PLAIN = new CollectionPolicy(false, null);

    public CollectionPolicy {
        if (subject != null) {
            if (!sealed) throw new EngineException(Problem.INVALID, "\"subject\" needs \"sealed\": true; only sealed collections have per-subject keys");
            try {
                if (subject.isEmpty() || JsonPointer.compile(subject).matches()) {
                    throw new IllegalArgumentException("it points at the whole body");
                }
            } catch (IllegalArgumentException e) {
                throw new EngineException(Problem.INVALID, "\"subject\" must be a JSON Pointer to a field, such as "
                        + "\"/personal_number\"; got \"" + subject + "\": " + e.getMessage());
            }
        }
    }

    /** Reads a declaration body ({@code {"sealed": true, "subject": "/personal_number"}}); absent fields mean false / none. */
    public static CollectionPolicy fromJson(JsonNode body) {
        if (!body.isObject()) throw new EngineException(Problem.INVALID, "a collection declaration must be a JSON object");
        JsonNode sealed = body.path("sealed");
        JsonNode subject = body.path("subject");
        if (!sealed.isMissingNode() && !sealed.isBoolean()) {
            throw new EngineException(Problem.INVALID, "\"sealed\" must be true or false");
        }
        if (!subject.isMissingNode() && !subject.isNull() && !subject.isTextual()) {
            throw new EngineException(Problem.INVALID, "\"subject\" must be a JSON Pointer string or null");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("sealed") && !f.equals("subject")) {
                throw new EngineException(Problem.INVALID, "unknown field \"" + f + "\"; a declaration has \"sealed\" and \"subject\"");
            }
        });
        return new CollectionPolicy(sealed.asBoolean(false), subject.isTextual() ? subject.asText() : null);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonBodies.mapper().createObjectNode().put("sealed", sealed);
        if (subject == null) {
            o.putNull("subject");
        } else {
            o.put("subject", subject);
        }
        return o;
    }

    /** The subject a body names, or null when the policy has none or the body lacks the field. */
    @Nullable String subjectOf(JsonNode body) {
        if (subject == null) return null;
        JsonNode n = body.at(subject);
        return n.isValueNode() && !n.isNull() && !n.asText().isEmpty() ? n.asText() : null;
    }
}
