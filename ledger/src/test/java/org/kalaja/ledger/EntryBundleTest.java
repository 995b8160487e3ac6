package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EntryBundleTest {
    @Property(tries = 300)
    void bundlesRoundTrip(@ForAll @Size(min = 1, max = 256) List<@Size(max = 300) byte[]> entries) {
        byte[] bundle = EntryBundle.encode(entries);
        List<byte[]> decoded = EntryBundle.decode(bundle);
        assertThat(decoded).hasSameSizeAs(entries);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(decoded.get(i)).isEqualTo(entries.get(i));
        }
    }

    @Test
    void encodingIsBigEndianLengthThenBytes() {
        byte[] bundle = EntryBundle.encode(List.of(new byte[] {'h', 'i'}, new byte[0], new byte[300]));
        assertThat(bundle).startsWith(0, 2, 'h', 'i', 0, 0, 1, 44).hasSize(2 + 2 + 2 + 2 + 300);
    }

    @Test
    void largestEntryFitsAndOneByteMoreDoesNot() {
        byte[] largest = new byte[EntryBundle.MAX_ENTRY_SIZE];
        assertThat(EntryBundle.decode(EntryBundle.encode(List.of(largest))).get(0)).hasSize(65_535);
        assertThatThrownBy(() -> EntryBundle.encode(List.of(new byte[1], new byte[65_536])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 is 65536 bytes");
    }

    @Test
    void encodeRefusesNoEntriesAndMoreThan256() {
        assertThatThrownBy(() -> EntryBundle.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EntryBundle.encode(Collections.nCopies(257, new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("257");
    }

    @Test
    void decodeRejectsTruncatedLengthNamingTheOffset() {
        assertThatThrownBy(() -> EntryBundle.decode(new byte[] {0, 1, 'a', 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 3");
    }

    @Test
    void decodeRejectsTruncatedEntryNamingTheOffset() {
        assertThatThrownBy(() -> EntryBundle.decode(new byte[] {0, 1, 'a', 0, 5, 'b', 'c'}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 3").hasMessageContaining("declares 5 bytes, 2 remain");
    }

    @Test
    void decodeRejectsEmptyBundleAndBytesAfter256Entries() {
        assertThatThrownBy(() -> EntryBundle.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        byte[] full = EntryBundle.encode(Collections.nCopies(256, new byte[] {7}));
        byte[] trailing = java.util.Arrays.copyOf(full, full.length + 2);
        assertThatThrownBy(() -> EntryBundle.decode(trailing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 trailing bytes at offset " + full.length);
    }

    @Test
    void decodeForAnIdTakesThePrefixOfAWiderBundleAndRefusesANarrowerOne() {
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(new byte[] {(byte) i});
        }
        byte[] bundle = EntryBundle.encode(entries);
        assertThat(EntryBundle.decode(bundle, new BundleId(0, 4))).hasSize(4).last().isEqualTo(new byte[] {3});
        assertThatThrownBy(() -> EntryBundle.decode(bundle, new BundleId(0, 11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tile/entries/000.p/11");
    }

    @Test
    void leafHashesOfABundleAreItsLevelZeroTile() {
        List<byte[]> entries = List.of("a".getBytes(), "b".getBytes(), "c".getBytes());
        MemoryTiles tiles = MemoryTiles.of(EntryBundle.leafHashes(entries));
        assertThat(Proofs.leafHash(1, 3, tiles)).isEqualTo(Merkle.leafHash("b".getBytes()));
    }

    @Property(tries = 2000)
    void decodeOnRandomBytesOnlyEverThrowsIllegalArgument(@ForAll @Size(max = 600) byte[] bytes) {
        try {
            List<byte[]> entries = EntryBundle.decode(bytes);
            assertThat(EntryBundle.encode(entries)).isEqualTo(bytes);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
