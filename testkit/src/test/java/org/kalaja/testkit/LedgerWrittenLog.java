package org.kalaja.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Tile;
import org.kalaja.ledger.TreeBuilder;
import org.kalaja.ledger.TreeUpdate;

/**
 * A C2SP tlog-tiles log in a directory, grown with the ledger's tree code, for the Go verifier to
 * judge. The checkpoint note is signed here with the JDK's Ed25519 so this fixture depends only on
 * the ledger's tiles and bundles.
 */
final class LedgerWrittenLog {
    static final String ORIGIN = "kalaja.test/peer-verifier";

    final Path dir;
    private final KeyPair key;
    private final List<byte[]> entries = new ArrayList<>();
    private final Map<String, byte[]> widestTile = new HashMap<>();
    private TreeUpdate tree;

    LedgerWrittenLog(Path dir) throws GeneralSecurityException {
        this.dir = dir;
        this.key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        this.tree = TreeBuilder.append(0, (level, index, width) -> {
            throw new AssertionError("an empty tree has no tiles");
        }, List.of());
    }

    /** Appends {@code count} entries, writes changed tiles and all bundles, and a signed checkpoint. */
    LedgerWrittenLog append(int count) throws IOException, GeneralSecurityException {
        List<Hash> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] e = ("entry " + entries.size()).getBytes(StandardCharsets.UTF_8);
            entries.add(e);
            leaves.add(Merkle.leafHash(e));
        }
        tree = TreeBuilder.append(tree.size(), (level, index, width) -> widestTile.get(level + "/" + index), leaves);
        for (Tile t : tree.changedTiles()) {
            widestTile.put(t.id().level() + "/" + t.id().index(), t.hashes());
            write(t.id().path(), t.hashes());
        }
        for (BundleId b : BundleId.bundlesOf(tree.size())) {
            int from = (int) b.firstEntry();
            write(b.path(), EntryBundle.encode(entries.subList(from, from + b.width())));
        }
        write("checkpoint", signedCheckpoint());
        return this;
    }

    long size() {
        return tree.size();
    }

    Hash root() {
        return tree.root();
    }

    /** The C2SP vkey: {@code <name>+<key id hex>+<base64(0x01 || public key)>}. */
    String vkey() throws GeneralSecurityException {
        return ORIGIN + "+" + String.format("%08x", keyId()) + "+" + Base64.getEncoder().encodeToString(typedKey());
    }

    /** The current checkpoint as a signed note: body, blank line, one signature line. */
    byte[] signedCheckpoint() throws GeneralSecurityException {
        String body = ORIGIN + "\n" + tree.size() + "\n" + tree.root().base64() + "\n";
        Signature ed = Signature.getInstance("Ed25519");
        ed.initSign(key.getPrivate());
        ed.update(body.getBytes(StandardCharsets.UTF_8));
        byte[] sig = ed.sign();
        byte[] blob = new byte[4 + sig.length];
        int id = keyId();
        for (int i = 0; i < 4; i++) {
            blob[i] = (byte) (id >>> (24 - 8 * i));
        }
        System.arraycopy(sig, 0, blob, 4, sig.length);
        String note = body + "\n\u2014 " + ORIGIN + " " + Base64.getEncoder().encodeToString(blob) + "\n";
        return note.getBytes(StandardCharsets.UTF_8);
    }

    void write(String path, byte[] data) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
    }

    private byte[] typedKey() {
        byte[] x509 = key.getPublic().getEncoded();
        byte[] typed = new byte[33];
        typed[0] = 0x01;
        System.arraycopy(x509, x509.length - 32, typed, 1, 32);
        return typed;
    }

    private int keyId() throws GeneralSecurityException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((ORIGIN + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] h = sha.digest(typedKey());
        return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    }

    static byte[] flipBit(byte[] data, int offset) {
        byte[] copy = Arrays.copyOf(data, data.length);
        copy[offset] ^= 1;
        return copy;
    }
}
