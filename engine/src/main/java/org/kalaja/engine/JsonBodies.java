package org.kalaja.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.JsonProcessingException;
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
        byte[] fast = JsonMinifier.minify(body);
        return fast != null ? fast : viaJackson(body);
    }

    /**
     * The reference normalization: Jackson's parser streams tokens to its generator (no tree is
     * built). Decides every body the fast path declines, and says what is wrong with a bad one.
     */
    static byte[] viaJackson(byte[] body) {
        ByteArrayBuilder out = new ByteArrayBuilder(body.length);
        try (JsonParser parser = MAPPER.createParser(body); JsonGenerator generator = MAPPER.createGenerator(out)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new EngineException(EngineException.Problem.INVALID, "record body must be a JSON object, like {\"name\": \"…\"}");
            }
            generator.copyCurrentStructure(parser);
            if (parser.nextToken() != null) {
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
        return out.toByteArray();
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
