package org.kalaja.engine.seal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Kms} driver MUST do, run against each: the same wrapped-key format and the
 * same failure kinds, so the keyring above cannot tell which driver it has.
 */
abstract class KmsContract {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<Kms> opened = new ArrayList<>();

    /** Opens this test's key service; a second call reopens the same one, as a restarted node would. */
    protected abstract Kms openService();

    /** The test's service, open; earlier instances of it are closed first. */
    protected final Kms open() {
        opened.forEach(Kms::close);
        Kms kms = openService();
        opened.add(kms);
        return kms;
    }

    /** A KEK of {@code kms}, created when it has none. */
    private static String someKek(Kms kms) {
        List<String> keks = kms.keks();
        return keks.isEmpty() ? kms.create() : keks.getLast();
    }

    @AfterEach
    void closeAll() {
        opened.forEach(Kms::close);
    }

    @Test
    void unwrapReturnsTheWrappedDataKey() {
        Kms kms = open();
        String kek = someKek(kms);
        byte[] dataKey = random(32);
        byte[] context = "dk-2025-03/kalaja.citizens".getBytes(UTF_8);

        byte[] wrapped = kms.wrap(kek, dataKey, context);

        assertThat(wrapped).hasSize(Gcm.NONCE + dataKey.length + Gcm.TAG);
        assertThat(indexOf(wrapped, dataKey)).as("the data key in clear inside the wrapped bytes").isEqualTo(-1);
        assertThat(kms.unwrap(kek, wrapped, context)).isEqualTo(dataKey);
    }

    @Test
    void wrappingTheSameKeyTwiceGivesDifferentBytes() {
        Kms kms = open();
        String kek = someKek(kms);
        byte[] dataKey = random(32);
        byte[] first = kms.wrap(kek, dataKey, new byte[0]);
        byte[] second = kms.wrap(kek, dataKey, new byte[0]);
        assertThat(first).isNotEqualTo(second);
        assertThat(Arrays.copyOf(first, Gcm.NONCE)).as("nonce").isNotEqualTo(Arrays.copyOf(second, Gcm.NONCE));
    }

    @Test
    void aWrappedKeyUnderAnotherContextIsBroken() {
        Kms kms = open();
        String kek = someKek(kms);
        byte[] wrapped = kms.wrap(kek, random(32), "dk-1".getBytes(UTF_8));
        assertKind(() -> kms.unwrap(kek, wrapped, "dk-2".getBytes(UTF_8)), KmsException.Kind.BROKEN);
    }

    @Test
    void aWrappedKeyWithAFlippedBitIsBroken() {
        Kms kms = open();
        String kek = someKek(kms);
        byte[] context = "dk-1".getBytes(UTF_8);
        byte[] wrapped = kms.wrap(kek, random(32), context);
        // one position in each part: nonce, ciphertext, tag
        for (int position : new int[] {0, Gcm.NONCE + 5, wrapped.length - 1}) {
            byte[] damaged = wrapped.clone();
            damaged[position] ^= 0x01;
            assertKind(() -> kms.unwrap(kek, damaged, context), KmsException.Kind.BROKEN);
        }
        assertKind(() -> kms.unwrap(kek, Arrays.copyOf(wrapped, Gcm.NONCE + Gcm.TAG - 1), context), KmsException.Kind.BROKEN);
        assertThat(kms.unwrap(kek, wrapped, context)).as("the undamaged original still opens").hasSize(32);
    }

    @Test
    void aKeyWrappedUnderOneKekIsBrokenUnderAnother() {
        Kms kms = open();
        String first = someKek(kms);
        String second = kms.create();
        byte[] wrapped = kms.wrap(first, random(32), new byte[0]);
        assertKind(() -> kms.unwrap(second, wrapped, new byte[0]), KmsException.Kind.BROKEN);
    }

    @Test
    void anUnknownKekIsMissing() {
        Kms kms = open();
        assertKind(() -> kms.unwrap("kek-999", random(60), new byte[0]), KmsException.Kind.MISSING);
        assertKind(() -> kms.wrap("kek-999", random(32), new byte[0]), KmsException.Kind.MISSING);
    }

    @Test
    void createNumbersOneAboveTheHighestInNumericOrder() {
        Kms kms = open();
        List<String> before = kms.keks();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 10; i++) made.add(kms.create());

        assertThat(made.getFirst()).isEqualTo(Kms.nextId(before));
        for (int i = 1; i < made.size(); i++) assertThat(number(made.get(i))).isEqualTo(number(made.get(i - 1)) + 1);
        List<String> after = kms.keks();
        assertThat(after).endsWith(made.toArray(String[]::new));
        assertThat(after).extracting(KmsContract::number).isSorted();
    }

    @Test
    void aKekSurvivesReopening() {
        Kms kms = open();
        String kek = kms.create();
        byte[] dataKey = random(32);
        byte[] wrapped = kms.wrap(kek, dataKey, "ctx".getBytes(UTF_8));

        Kms reopened = open();

        assertThat(reopened.keks()).contains(kek);
        assertThat(reopened.unwrap(kek, wrapped, "ctx".getBytes(UTF_8))).isEqualTo(dataKey);
    }

    @Test
    void aDestroyedKekIsMissingNowAndAfterReopeningWhileOthersStay() {
        Kms kms = open();
        String doomed = kms.create();
        String kept = kms.create();
        byte[] shredded = kms.wrap(doomed, random(32), new byte[0]);
        byte[] dataKey = random(32);
        byte[] survivor = kms.wrap(kept, dataKey, new byte[0]);

        kms.destroy(doomed);

        assertThat(kms.keks()).doesNotContain(doomed).contains(kept);
        assertKind(() -> kms.unwrap(doomed, shredded, new byte[0]), KmsException.Kind.MISSING);
        Kms reopened = open();
        assertThat(reopened.keks()).doesNotContain(doomed).contains(kept);
        assertKind(() -> reopened.unwrap(doomed, shredded, new byte[0]), KmsException.Kind.MISSING);
        assertThat(reopened.unwrap(kept, survivor, new byte[0])).isEqualTo(dataKey);
    }

    @Test
    void destroyingAnUnknownKekChangesNothing() {
        Kms kms = open();
        String kek = someKek(kms);
        List<String> before = kms.keks();
        kms.destroy("kek-999");
        assertThat(kms.keks()).isEqualTo(before).contains(kek);
    }

    static void assertKind(Runnable call, KmsException.Kind kind) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KmsException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static int number(String kek) {
        return Integer.parseInt(kek.substring("kek-".length()));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
