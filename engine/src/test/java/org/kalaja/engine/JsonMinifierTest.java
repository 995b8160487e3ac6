package org.kalaja.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The fast path must never change what the log holds: whatever it accepts, it normalizes exactly as
 * Jackson does, and it declines whatever Jackson refuses.
 */
class JsonMinifierTest {

    @Property(tries = 3_000)
    void agreesWithJacksonOnGeneratedBodies(@ForAll long seed) {
        Random random = new Random(seed);
        byte[] body = new Generator(random, random.nextInt(4) == 0).object(0).getBytes(UTF_8);
        checkAgainstJackson(body);
    }

    @Property(tries = 1_000)
    void takesTheFastPathForEveryUsualBodyJacksonAccepts(@ForAll long seed) {
        Random random = new Random(seed);
        byte[] body = new Generator(random, false).object(0).getBytes(UTF_8);
        boolean accepted;
        try {
            JsonBodies.viaJackson(body);
            accepted = true;
        } catch (EngineException duplicateNames) {
            accepted = false;
        }
        assertThat(JsonMinifier.minify(body) != null).as(new String(body, UTF_8)).isEqualTo(accepted);
    }

    @Property(tries = 3_000)
    void agreesWithJacksonOnDamagedBodies(@ForAll long seed) {
        Random random = new Random(seed);
        byte[] body = new Generator(random, true).object(0).getBytes(UTF_8);
        int damage = 1 + random.nextInt(3);
        for (int i = 0; i < damage && body.length > 0; i++) {
            switch (random.nextInt(3)) {
                case 0 -> body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                case 1 -> body = Arrays.copyOf(body, random.nextInt(body.length));
                default -> body[random.nextInt(body.length)] = (byte) "{}[]\",:\\ -0e.".charAt(random.nextInt(13));
            }
        }
        checkAgainstJackson(body);
    }

    @Test
    void takesTheFastPathForPlainBodies() {
        byte[] body = "{ \"name\" : \"Arbër Hoxha\",\n \"age\": 41, \"tags\": [true, false, null, -7, {}], \"x\": []}".getBytes(UTF_8);
        byte[] fast = JsonMinifier.minify(body);
        assertThat(fast).isNotNull();
        assertThat(new String(fast, UTF_8)).isEqualTo("{\"name\":\"Arbër Hoxha\",\"age\":41,\"tags\":[true,false,null,-7,{}],\"x\":[]}");
        assertThat(fast).isEqualTo(JsonBodies.viaJackson(body));
    }

    @Test
    void declinesWhatJacksonRewrites() {
        for (String s : new String[] {"{\"a\":\"\\u0041\"}", "{\"a\":1.50}", "{\"a\":1e2}", "{\"a\":-0}", "\uFEFF{}",
                "{\"a\":1,\"a\":2}", "{\"a\":\"x\"} {}", "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"\u0001\"}"}) {
            assertThat(JsonMinifier.minify(s.getBytes(UTF_8))).as(s).isNull();
        }
    }

    @Test
    void declinesDuplicateNamesInLargeObjects() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < 40; i++) s.append("\"k").append(i).append("\":").append(i).append(',');
        String unique = s + "\"last\":0}";
        String repeated = s + "\"k3\":0}";
        assertThat(JsonMinifier.minify(unique.getBytes(UTF_8))).isNotNull();
        assertThat(JsonMinifier.minify(repeated.getBytes(UTF_8))).isNull();
    }

    @Test
    void declinesIllFormedUtf8() {
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}};
        for (byte[] b : bad) {
            byte[] body = new byte[b.length + 8];
            System.arraycopy("{\"a\":\"".getBytes(UTF_8), 0, body, 0, 6);
            System.arraycopy(b, 0, body, 6, b.length);
            body[b.length + 6] = '"';
            body[b.length + 7] = '}';
            assertThat(JsonMinifier.minify(body)).isNull();
        }
    }

    @Test
    void everyByteValueAtEveryPositionOfTheEightByteScanIsJudgedAsJacksonJudgesIt() {
        for (int b = 0; b < 256; b++) {
            for (int at = 0; at < 16; at++) {
                byte[] body = ("{\"a\":\"" + "x".repeat(24) + "\"}").getBytes(UTF_8);
                body[6 + at] = (byte) b;
                checkAgainstJackson(body);
                if (b >= 0x20 && b < 0x80 && b != '"' && b != '\\') assertThat(JsonMinifier.minify(body)).as("byte %d at %d", b, at).isNotNull();
            }
        }
    }

    private static void checkAgainstJackson(byte[] body) {
        byte[] reference = null;
        EngineException refused = null;
        try {
            reference = JsonBodies.viaJackson(body);
        } catch (EngineException e) {
            refused = e;
        }
        byte[] fast = JsonMinifier.minify(body);
        if (reference == null) {
            assertThat(fast).as("Jackson refused (%s) what the fast path accepted: %s", refused, new String(body, UTF_8)).isNull();
        } else if (fast != null) {
            assertThat(new String(fast, UTF_8)).as(new String(body, UTF_8)).isEqualTo(new String(reference, UTF_8));
            assertThat(fast).isEqualTo(reference);
        }
    }

    /** Random JSON text with random whitespace; if unusual, also with what the fast path declines (escapes, fractions, emoji). */
    private record Generator(Random random, boolean unusual) {
        String object(int depth) {
            StringBuilder s = new StringBuilder().append(ws()).append('{');
            int n = depth > 3 ? 0 : random.nextInt(6);
            for (int i = 0; i < n; i++) {
                if (i > 0) s.append(ws()).append(',');
                s.append(ws()).append(string(i)).append(ws()).append(':').append(value(depth + 1));
            }
            return s.append(ws()).append('}').append(ws()).toString();
        }

        private String value(int depth) {
            return switch (random.nextInt(depth > 3 ? 5 : 7)) {
                case 0 -> ws() + string(-1) + ws();
                case 1 -> ws() + number() + ws();
                case 2 -> ws() + new String[] {"true", "false", "null"}[random.nextInt(3)] + ws();
                case 3, 4 -> ws() + string(-1);
                case 5 -> object(depth);
                default -> {
                    StringBuilder a = new StringBuilder(ws()).append('[');
                    int n = random.nextInt(4);
                    for (int i = 0; i < n; i++) a.append(i > 0 ? "," : "").append(value(depth + 1));
                    yield a.append(ws()).append(']').toString();
                }
            };
        }

        private String number() {
            if (unusual && random.nextInt(4) == 0) {
                return new String[] {"1.5", "-0", "2e10", "0.000", "1E-3", "12345678901234567890", "-0.0"}[random.nextInt(7)];
            }
            long v = random.nextInt(3) == 0 ? random.nextLong() % 1_000_000_000_000_000L : random.nextInt(1000) - 500;
            return Long.toString(v);
        }

        private String string(int member) {
            StringBuilder s = new StringBuilder("\"");
            if (member >= 0 && random.nextInt(3) > 0) s.append('m').append(member); // mostly unique names
            int n = random.nextInt(random.nextBoolean() ? 12 : 80); // long ones go through the eight-byte scan
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(unusual ? 8 : 4);
                switch (kind) {
                    case 0, 1, 2 -> s.append((char) ('a' + random.nextInt(26)));
                    case 3 -> s.append("ëçÅ€".charAt(random.nextInt(4)));
                    case 4 -> s.appendCodePoint(0x1F600 + random.nextInt(40));
                    case 5 -> s.append("\\n");
                    case 6 -> s.append("\\u00").append("41e9".charAt(random.nextInt(4))).append('1');
                    default -> s.append("\\\"");
                }
            }
            return s.append('"').toString();
        }

        private String ws() {
            return switch (random.nextInt(6)) {
                case 0 -> " ";
                case 1 -> "\n  ";
                case 2 -> "\t";
                default -> "";
            };
        }
    }
}
