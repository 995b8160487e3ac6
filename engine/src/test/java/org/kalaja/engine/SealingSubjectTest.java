package org.kalaja.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The subject a sealed write's key is chosen by must not depend on how it was found: streaming to the
 * field names the same subject as the parsed body would, or the same citizen's records would end up
 * under two keys and an erasure would miss some of them.
 */
class SealingSubjectTest {
    private static final List<String> POINTERS = List.of("/applicant", "/a/b", "/a/applicant", "/a/0", "/0", "/a~1b", "/~0", "/");
    private static final List<String> NAMES = List.of("applicant", "a", "b", "0", "a/b", "~", "", "x");

    @Property(tries = 3_000)
    void streamingNamesTheSameSubjectAsTheParsedBody(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        byte[] plain;
        try {
            plain = JsonBodies.normalize(object(random, 0).getBytes(UTF_8), 1 << 20);
        } catch (EngineException duplicateNames) {
            return; // the engine refuses such a body before it is sealed
        }
        for (String pointer : POINTERS) {
            CollectionPolicy policy = new CollectionPolicy(true, pointer);
            assertThat(Sealing.subjectOf(policy, plain)).as("%s in %s", pointer, new String(plain, UTF_8))
                    .isEqualTo(policy.subjectOf(JsonBodies.mapper().readTree(plain)));
        }
    }

    @Test
    void findsTheSubjectWhereverTheFieldIs() {
        CollectionPolicy policy = new CollectionPolicy(true, "/applicant");
        assertThat(Sealing.subjectOf(policy, bytes("{\"service\":\"birth\",\"note\":{\"applicant\":\"no\"},\"applicant\":\"J0007\"}")))
                .isEqualTo("J0007");
        assertThat(Sealing.subjectOf(policy, bytes("{\"applicant\":42}"))).isEqualTo("42");
        assertThat(Sealing.subjectOf(policy, bytes("{\"applicant\":\"\"}"))).isNull();
        assertThat(Sealing.subjectOf(policy, bytes("{\"applicant\":null}"))).isNull();
        assertThat(Sealing.subjectOf(policy, bytes("{\"other\":\"J0007\"}"))).isNull();
        assertThat(Sealing.subjectOf(new CollectionPolicy(true, "/people/1"), bytes("{\"people\":[\"A\",\"B\"]}"))).isEqualTo("B");
        assertThat(Sealing.subjectOf(new CollectionPolicy(true, null), bytes("{\"applicant\":\"J0007\"}"))).isNull();
    }

    private static byte[] bytes(String json) {
        return json.getBytes(UTF_8);
    }

    private static String object(Random random, int depth) {
        StringBuilder s = new StringBuilder("{");
        int n = depth > 3 ? 0 : random.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (i > 0) s.append(',');
            s.append('"').append(NAMES.get(random.nextInt(NAMES.size()))).append("\":").append(value(random, depth + 1));
        }
        return s.append('}').toString();
    }

    private static String value(Random random, int depth) {
        return switch (random.nextInt(depth > 3 ? 5 : 7)) {
            case 0 -> "\"J" + random.nextInt(100) + "\"";
            case 1 -> new String[] {"\"\"", "\"\\u00e9\\n\"", "\"Arbër\""}[random.nextInt(3)];
            case 2 -> new String[] {"0", "-7", "1.50", "2e3", "-0", "12345678901234567890"}[random.nextInt(6)];
            case 3 -> new String[] {"true", "false", "null"}[random.nextInt(3)];
            case 4 -> "[]";
            case 5 -> object(random, depth);
            default -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
        };
    }
}
