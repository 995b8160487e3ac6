package org.kalaja.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void apiCollectionNamesHaveNoDotSoNeitherEngineNorPortalCollectionsCanBeNamed() {
        assertThat(Names.collection("births")).isEqualTo("births");
        assertThatThrownBy(() -> Names.collection("portal.applications")).isInstanceOf(EngineException.class)
                .hasMessageContaining("invalid collection name");
        assertThatThrownBy(() -> Names.collection("kalaja.tokens")).isInstanceOf(EngineException.class);
    }

    @Test
    void recordCollectionsArePublicNamesOrPortalNamesButNeverTheEnginesOwn() {
        assertThat(Names.recordCollection("births")).isEqualTo("births");
        assertThat(Names.recordCollection("portal.applications")).isEqualTo("portal.applications");
        for (String bad : new String[] {"kalaja.tokens", "portal.", "portal.Apps", "portal.a.b", "other.x"}) {
            assertThatThrownBy(() -> Names.recordCollection(bad)).as(bad).isInstanceOf(EngineException.class)
                    .hasMessageContaining("invalid collection name");
        }
    }

    /** The rules as the regular expressions the docs state; Names checks them by hand, for speed. */
    private static final Pattern COLLECTION = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

    @Property(tries = 5_000)
    void theHandWrittenChecksAcceptExactlyWhatTheRulesRegularExpressionsMatch(@ForAll long seed) {
        Random random = new Random(seed);
        int[] lengths = {0, 1, 2, 62, 63, 64, 127, 128, 129, 199, 200, 201};
        int length = random.nextBoolean() ? random.nextInt(12) : lengths[random.nextInt(lengths.length)];
        String alphabet = random.nextInt(4) == 0 ? "aZ09._:@-" : "az09_-";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(20) == 0 ? (char) random.nextInt(0x300) : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String name = s.toString();
        assertThat(accepts(() -> Names.collection(name))).as(name).isEqualTo(COLLECTION.matcher(name).matches());
        assertThat(accepts(() -> Names.key(name))).as(name).isEqualTo(KEY.matcher(name).matches());
        assertThat(accepts(() -> Names.idempotencyKey(name))).as(name).isEqualTo(IDEMPOTENCY_KEY.matcher(name).matches());
    }

    @Test
    void everyCharacterIsJudgedAsTheRulesJudgeIt() {
        for (char c = 0; c < 0x200; c++) {
            for (String name : new String[] {String.valueOf(c), "a" + c, "a" + c + "b"}) {
                assertThat(accepts(() -> Names.collection(name))).as("%04x", (int) c).isEqualTo(COLLECTION.matcher(name).matches());
                assertThat(accepts(() -> Names.key(name))).as("%04x", (int) c).isEqualTo(KEY.matcher(name).matches());
                assertThat(accepts(() -> Names.idempotencyKey(name))).as("%04x", (int) c).isEqualTo(IDEMPOTENCY_KEY.matcher(name).matches());
            }
        }
    }

    private static boolean accepts(Runnable check) {
        try {
            check.run();
            return true;
        } catch (EngineException refused) {
            return false;
        }
    }
}
