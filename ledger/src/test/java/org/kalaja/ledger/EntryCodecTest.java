package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

class EntryCodecTest {
    static final Instant T = Instant.parse("2022-07-15T08:30:00.123456Z");

    static Entry sample() {
        return new Entry(EntryKind.RECORD_PUT, T, "clerk:arta", "10.0.0.7", "kalaja-cli/1.0", "civil-status",
                "birth/2022/0001", 3, "req-42", BodyType.JSON, "{\"name\":\"Ëndrit\"}".getBytes(StandardCharsets.UTF_8));
    }

    // ---- properties ----

    @Property(tries = 300)
    void decodeInvertsEncode(@ForAll("entries") Entry e) {
        long size = 35L + utf8(e.actor()) + utf8(e.clientAddress()) + utf8(e.userAgent()) + utf8(e.collection())
                + utf8(e.key()) + utf8(e.idempotencyKey()) + e.body().length;
        if (size > 65535) {
            assertThatThrownBy(() -> EntryCodec.encode(e)).isInstanceOfSatisfying(EntryTooLargeException.class,
                    x -> assertThat(x.size()).isEqualTo(size));
            return;
        }
        byte[] b = EntryCodec.encode(e);
        assertThat(b).hasSize((int) size);
        assertThat(b.length).isLessThanOrEqualTo(EntryCodec.MAX_ENCODED_SIZE);
        assertThat(EntryCodec.decode(b)).isEqualTo(e);
        assertThat(EntryCodec.encode(EntryCodec.decode(b))).isEqualTo(b);
    }

    /** Whatever a damaged encoding decodes to, if anything, re-encodes to exactly those bytes. */
    @Property(tries = 1000)
    void everyAcceptedByteStringIsCanonical(@ForAll("entries") Entry e, @ForAll("mutations") int[] mutation) {
        byte[] original;
        try {
            original = EntryCodec.encode(e);
        } catch (EntryTooLargeException tooLarge) {
            return;
        }
        byte[] b = mutate(original, mutation);
        Entry d;
        try {
            d = EntryCodec.decode(b);
        } catch (MalformedEntryException rejected) {
            assertThat(rejected.offset()).isBetween(0, b.length);
            return;
        }
        assertThat(EntryCodec.encode(d)).isEqualTo(b);
    }

    @Property(tries = 2000)
    void randomBytesAreRejectedWithOffsetOrAreCanonical(@ForAll("randomBytes") byte[] b) {
        try {
            Entry d = EntryCodec.decode(b);
            assertThat(EntryCodec.encode(d)).isEqualTo(b);
        } catch (MalformedEntryException rejected) {
            assertThat(rejected.offset()).isBetween(0, Math.max(b.length, EntryCodec.MAX_ENCODED_SIZE));
        }
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static byte[] mutate(byte[] b, int[] m) {
        int at = Math.floorMod(m[1], b.length + 1);
        return switch (m[0]) {
            case 0 -> { // flip bits of one byte
                byte[] c = b.clone();
                if (at < c.length) {
                    c[at] ^= (byte) (m[2] | 1);
                }
                yield c;
            }
            case 1 -> Arrays.copyOf(b, at); // truncate
            case 2 -> { // insert a byte
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) m[2];
                System.arraycopy(b, at, c, at + 1, b.length - at);
                yield c;
            }
            default -> { // set one byte
                byte[] c = b.clone();
                if (at < c.length) {
                    c[at] = (byte) m[2];
                }
                yield c;
            }
        };
    }

    @Provide
    Arbitrary<int[]> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers(),
                Arbitraries.integers().between(0, 255)).as((a, b, c) -> new int[] {a, b, c});
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    }

    /** Strings over ASCII, 2-, 3- and 4-byte UTF-8, with some long ones near the per-field limit. */
    static Arbitrary<String> text() {
        Arbitrary<Integer> cp = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 0x7F)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF)
                        .filter(c -> c < 0xD800 || c > 0xDFFF)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        Arbitrary<String> shortOnes = cp.list().ofMaxSize(20).map(EntryCodecTest::fromCodePoints);
        Arbitrary<String> longOnes = Arbitraries.of("a", "ë", "€", "𝄞").flatMap(unit ->
                Arbitraries.integers().between(0, 2500).map(unit::repeat));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(20, shortOnes), net.jqwik.api.Tuple.of(1, longOnes));
    }

    static String fromCodePoints(java.util.List<Integer> cps) {
        StringBuilder b = new StringBuilder();
        cps.forEach(b::appendCodePoint);
        return b.toString();
    }

    @Provide
    Arbitrary<Entry> entries() {
        Arbitrary<Instant> time = Arbitraries.longs().map(EntryCodec::fromMicros);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<BlobRef> blob = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofSize(32),
                Arbitraries.longs().greaterOrEqual(0), text()).as((h, n, ct) -> new BlobRef(Hash.of(h), n, ct));
        Arbitrary<Object[]> body = Arbitraries.oneOf(
                Arbitraries.just(new Object[] {BodyType.NONE, new byte[0]}),
                bytes.map(b -> new Object[] {BodyType.JSON, b}),
                bytes.map(b -> new Object[] {BodyType.SEALED, b}),
                blob.map(r -> new Object[] {BodyType.BLOB_REF, r.toBody()}));
        Arbitrary<String[]> strings = text().array(String[].class).ofSize(6);
        return Combinators.combine(Arbitraries.of(EntryKind.class), time, strings, Arbitraries.longs(), body)
                .as((kind, t, s, version, bd) -> new Entry(kind, t, s[0], s[1], s[2], s[3], s[4], version, s[5],
                        (BodyType) bd[0], (byte[]) bd[1]));
    }

    // ---- the test vector in docs/FORMATS.md ----

    @Example
    void encodesTheDocumentedTestVector() {
        byte[] b = EntryCodec.encode(sample());
        assertThat(HexFormat.of().formatHex(b)).isEqualTo(VECTOR_HEX);
        assertThat(Merkle.leafHash(b).hex()).isEqualTo(VECTOR_LEAF_HASH);
    }

    static final String VECTOR_HEX = "0101"
            + "0005e3d3d2f05440" // 2022-07-15T08:30:00.123456Z in microseconds
            + "000a" + "636c65726b3a61727461"
            + "0008" + "31302e302e302e37"
            + "000e" + "6b616c616a612d636c692f312e30"
            + "000c" + "636976696c2d737461747573"
            + "000f" + "62697274682f323032322f30303031"
            + "0000000000000003"
            + "0006" + "7265712d3432"
            + "01"
            + "00000012" + "7b226e616d65223a22c38b6e64726974227d";
    static final String VECTOR_LEAF_HASH = "bcf7dbd9e8a487eb7ca467be37025e569f5277825cb1d8a838f91764755ba679";

    // ---- boundaries ----

    static Entry withBody(int bodyLength) {
        return new Entry(EntryKind.ACCESS, Instant.EPOCH, "", "", "", "", "", 0, "", BodyType.SEALED, new byte[bodyLength]);
    }

    @Example
    void theSmallestEntryIs35Bytes() {
        assertThat(EntryCodec.encode(withBody(0))).hasSize(35);
    }

    @Example
    void anEntryOfExactly65535BytesEncodesAndOneMoreByteDoesNot() {
        byte[] max = EntryCodec.encode(withBody(65535 - 35));
        assertThat(max).hasSize(65535);
        assertThat(EntryCodec.decode(max)).isEqualTo(withBody(65535 - 35));
        assertThatThrownBy(() -> EntryCodec.encode(withBody(65535 - 34)))
                .isInstanceOfSatisfying(EntryTooLargeException.class, e -> assertThat(e.size()).isEqualTo(65536));
    }

    @Example
    void aStringOf65535BytesIsAcceptedAndOneOf65536IsNot() {
        String max = "€".repeat(21845); // 3 bytes each
        Entry e = new Entry(EntryKind.ACCESS, Instant.EPOCH, max, "", "", "", "", 0, "", BodyType.NONE, new byte[0]);
        assertThatThrownBy(() -> EntryCodec.encode(e)).isInstanceOf(EntryTooLargeException.class);
        assertThatThrownBy(() -> new Entry(EntryKind.ACCESS, Instant.EPOCH, max + "a", "", "", "", "", 0, "",
                BodyType.NONE, new byte[0])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actor");
    }

    @Example
    void decodeRefusesInputLongerThanTheLimit() {
        byte[] big = Arrays.copyOf(EntryCodec.encode(withBody(65535 - 35)), 65536);
        assertThatThrownBy(() -> EntryCodec.decode(big)).isInstanceOf(MalformedEntryException.class)
                .hasMessageContaining("at most 65535");
    }

    // ---- rejections ----

    @Example
    void entryRefusesLoneSurrogatesNonEmptyNoneBodiesAndBadBlobRefs() {
        assertThatThrownBy(() -> new Entry(EntryKind.ACCESS, T, "\uD800", "", "", "", "", 0, "", BodyType.NONE,
                new byte[0])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> new Entry(EntryKind.ACCESS, T, "", "", "", "", "", 0, "", BodyType.NONE,
                new byte[1])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NONE");
        assertThatThrownBy(() -> new Entry(EntryKind.ACCESS, T, "", "", "", "", "", 0, "", BodyType.BLOB_REF,
                new byte[41])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BLOB_REF");
    }

    @Example
    void entryTruncatesTimeToMicroseconds() {
        Entry e = new Entry(EntryKind.ACCESS, Instant.ofEpochSecond(-1, 999_999_999), "", "", "", "", "", 0, "",
                BodyType.NONE, new byte[0]);
        assertThat(e.time()).isEqualTo(Instant.ofEpochSecond(-1, 999_999_000));
        assertThat(EntryCodec.decode(EntryCodec.encode(e))).isEqualTo(e);
    }

    @Example
    void entryCopiesItsBody() {
        byte[] body = {1, 2, 3};
        Entry e = new Entry(EntryKind.ACCESS, T, "", "", "", "", "", 0, "", BodyType.SEALED, body);
        body[0] = 9;
        e.body()[1] = 9;
        assertThat(e.body()).containsExactly(1, 2, 3);
    }

    static MalformedEntryException decodeFails(byte[] b) {
        try {
            EntryCodec.decode(b);
        } catch (MalformedEntryException e) {
            return e;
        }
        throw new AssertionError("decoded " + HexFormat.of().formatHex(b));
    }

    @Example
    void decodeNamesTheOffendingByte() {
        byte[] good = EntryCodec.encode(sample());

        byte[] b = good.clone();
        b[0] = 2;
        assertThat(decodeFails(b)).satisfies(e -> {
            assertThat(e.offset()).isZero();
            assertThat(e).hasMessageContaining("version 2");
        });

        b = good.clone();
        b[1] = 10;
        assertThat(decodeFails(b).offset()).isEqualTo(1);

        b = good.clone();
        b[12] = (byte) 0xC3; // first byte of actor
        b[13] = (byte) 0x28; // not a continuation byte
        assertThat(decodeFails(b)).satisfies(e -> {
            assertThat(e.offset()).isEqualTo(12);
            assertThat(e).hasMessageContaining("actor").hasMessageContaining("UTF-8");
        });

        int bodyTypeAt = good.length - 18 - 4 - 1;
        b = good.clone();
        b[bodyTypeAt] = 4;
        assertThat(decodeFails(b)).satisfies(e -> assertThat(e.offset()).isEqualTo(bodyTypeAt));

        assertThat(decodeFails(Arrays.copyOf(good, good.length + 1))).satisfies(e -> {
            assertThat(e.offset()).isEqualTo(good.length);
            assertThat(e).hasMessageContaining("trailing");
        });
        assertThat(decodeFails(Arrays.copyOf(good, 20))).satisfies(e -> assertThat(e).hasMessageContaining("past the end"));
        assertThat(decodeFails(new byte[0]).offset()).isZero();
    }

    @Example
    void decodeRefusesOverlongAndSurrogateEncodings() {
        for (String bad : new String[] {"c0af", "e080af", "eda080", "f4908080", "f8888080", "80", "ff"}) {
            byte[] s = HexFormat.of().parseHex(bad);
            Entry e = new Entry(EntryKind.ACCESS, T, "x".repeat(s.length), "", "", "", "", 0, "", BodyType.NONE,
                    new byte[0]);
            byte[] b = EntryCodec.encode(e);
            System.arraycopy(s, 0, b, 12, s.length);
            assertThat(decodeFails(b).offset()).as(bad).isEqualTo(12);
        }
    }

    @Example
    void blobRefRoundTrips() {
        BlobRef r = new BlobRef(Hash.sha256(new byte[] {1}), 1_000_000_000L, "application/pdf");
        assertThat(BlobRef.fromBody(r.toBody())).isEqualTo(r);
        Entry e = new Entry(EntryKind.RECORD_PUT, T, "", "", "", "", "", 0, "", BodyType.BLOB_REF, r.toBody());
        assertThat(EntryCodec.decode(EntryCodec.encode(e))).isEqualTo(e);
        byte[] b = EntryCodec.encode(e);
        b[b.length - 15 - 2 - 8] = (byte) 0x80; // top byte of the length: negative
        assertThat(decodeFails(b)).hasMessageContaining("negative blob length");
    }
}
