package org.kalaja.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Turns request bodies into the bytes an entry keeps: a JSON object, re-serialized compactly so that
 * insignificant whitespace never changes what the log holds.
 */
final class JsonBodies {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBodies() {
    }

    /**
     * @throws EngineException INVALID when {@code body} is not one well-formed JSON object with
     *         unique member names; TOO_LARGE when it exceeds {@code maxBytes}
     */
    static byte[] normalize(byte[] body, int maxBytes) {
        if (body.length > maxBytes) {
            throw new EngineException(EngineException.Problem.TOO_LARGE,
                    "record body is " + body.length + " bytes; the limit is " + maxBytes);
        }
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(body)) {
            node = MAPPER.readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw new EngineException(EngineException.Problem.INVALID,
                        "record body must be one JSON object; found more after it");
            }
        } catch (JsonProcessingException e) {
            throw new EngineException(EngineException.Problem.INVALID,
                    "record body is not valid JSON: " + e.getOriginalMessage()
                            + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new EngineException(EngineException.Problem.INVALID, "record body could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new EngineException(EngineException.Problem.INVALID, "record body must be a JSON object, like {\"name\": \"…\"}");
        }
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new AssertionError("a parsed tree always serializes", e);
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
