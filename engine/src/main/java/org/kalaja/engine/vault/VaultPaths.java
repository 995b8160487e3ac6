package org.kalaja.engine.vault;

import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.TilePath;

/**
 * The layout of a vault, in one place. Every path is relative, {@code /}-separated ASCII:
 *
 * <ul>
 *   <li>{@code tile/<L>/<N>[.p/<W>]} and {@code tile/entries/<N>[.p/<W>]}: the C2SP tlog-tiles hash
 *       tiles and entry bundles, spelled by {@link TilePath} (only canonical spellings);</li>
 *   <li>{@code checkpoint}: the published signed checkpoint, the one mutable object, where
 *       tlog-tiles clients look for it;</li>
 *   <li>{@code checkpoints/<size>}: the history, every checkpoint ever published, by tree size as
 *       20 zero-padded decimal digits so that listing order is numeric order;</li>
 *   <li>{@code blobs/<sha256>}: content too large for an entry, named by its SHA-256 in 64
 *       lower-case hex digits;</li>
 *   <li>{@code rounds/<size>.<from>.<root>}: the signed announcement of a shipping round, written
 *       before anything else of the round (a {@link org.kalaja.engine.shipping.ShippingRound}), named
 *       by the tree size it ships and the one the vault held before (20 digits each), and the shipped
 *       tree's root (64 lower-case hex digits);</li>
 *   <li>{@code keys/log.vkey} and {@code keys/witnesses}: the log's verifier key and the witnesses'
 *       keys with the quorum ({@link WitnessKeys}), written once when shipping to the vault begins, so
 *       that recovery can check a vault when the operator has no keys at hand.</li>
 * </ul>
 *
 * Every other path (absolute, with {@code ..}, upper-case hex, unpadded sizes, non-canonical tile
 * paths, ...) is refused with an {@link IllegalArgumentException} naming the fault, so that a path
 * can be used as a file name or object key as it is.
 */
public final class VaultPaths {
    /** The published checkpoint. */
    public static final String CHECKPOINT = "checkpoint";
    /** The folder of the checkpoint history. */
    public static final String HISTORY = "checkpoints/";
    /** The folder of content-addressed blobs. */
    public static final String BLOBS = "blobs/";
    /** The folder of shipping rounds' announcements. */
    public static final String ROUNDS = "rounds/";
    /** The folder of hash tiles and entry bundles. */
    public static final String TILES = "tile/";
    /** The folder of the keys a vault is checked with. */
    public static final String KEYS = "keys/";
    /** The log's C2SP verifier key, one line ending in a newline. */
    public static final String LOG_VKEY = "keys/log.vkey";
    /** The witnesses' verifier keys and the quorum in force, in the format of {@link WitnessKeys}. */
    public static final String WITNESSES = "keys/witnesses";

    private static final int SIZE_DIGITS = 20;
    private static final String LAYOUT = "a vault path is checkpoint, checkpoints/<20 digits>, blobs/<64 lower-case hex>"
            + ", rounds/<20 digits>.<20 digits>.<64 lower-case hex>"
            + ", " + LOG_VKEY + ", " + WITNESSES
            + " or a canonical tlog-tiles path (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>])";

    private VaultPaths() {}

    /** The path of a hash tile or entry bundle: its canonical tlog-tiles path. */
    public static String tile(TilePath tile) {
        return tile.path();
    }

    /** The history path of the checkpoint of a tree of {@code treeSize} leaves. */
    public static String history(long treeSize) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("tree size must not be negative, got " + treeSize);
        }
        String digits = Long.toString(treeSize);
        return HISTORY + "0".repeat(SIZE_DIGITS - digits.length()) + digits;
    }

    /**
     * The path of the announcement of the shipping round that ships the tree of {@code treeSize}
     * leaves and {@code root} to a vault that held the data of the tree of {@code from} leaves.
     */
    public static String round(long treeSize, long from, Hash root) {
        return ROUNDS + digits(treeSize) + "." + digits(from) + "." + root.hex();
    }

    /**
     * The tree size a round's path names.
     *
     * @throws IllegalArgumentException if {@code path} is not {@code rounds/}, two times 20 digits and
     *     64 lower-case hex digits, separated by dots
     */
    public static long roundSize(String path) {
        String[] parts = (path.startsWith(ROUNDS) ? path.substring(ROUNDS.length()) : "").split("\\.", -1);
        if (parts.length != 3 || parts[0].length() != SIZE_DIGITS || parts[1].length() != SIZE_DIGITS || parts[2].length() != 2 * Hash.SIZE
                || !allMatch(parts[0] + parts[1], "0123456789") || !allMatch(parts[2], "0123456789abcdef")) {
            throw bad("path", path, "a round's path is " + ROUNDS + "<size>.<from>.<root>: two sizes of 20 decimal digits and 64"
                    + " lower-case hex digits");
        }
        historySize(HISTORY + parts[1]);
        return historySize(HISTORY + parts[0]);
    }

    private static String digits(long size) {
        return history(size).substring(HISTORY.length());
    }

    /** The path of the blob whose content has SHA-256 {@code sha256}. */
    public static String blob(Hash sha256) {
        return BLOBS + sha256.hex();
    }

    /**
     * The tree size a history path names.
     *
     * @throws IllegalArgumentException if {@code path} is not {@code checkpoints/} and 20 digits of a
     *     size up to 2^63 - 1
     */
    public static long historySize(String path) {
        String digits = path.startsWith(HISTORY) ? path.substring(HISTORY.length()) : "";
        if (digits.length() != SIZE_DIGITS || !allMatch(digits, "0123456789")) {
            throw bad("path", path, "a history path is " + HISTORY + " followed by exactly 20 decimal digits");
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw bad("path", path, "the tree size is above 2^63 - 1");
        }
    }

    /**
     * The SHA-256 a blob path names.
     *
     * @throws IllegalArgumentException if {@code path} is not {@code blobs/} and 64 lower-case hex digits
     */
    public static Hash blobHash(String path) {
        String hex = path.startsWith(BLOBS) ? path.substring(BLOBS.length()) : "";
        if (hex.length() != 2 * Hash.SIZE || !allMatch(hex, "0123456789abcdef")) {
            throw bad("path", path, "a blob path is " + BLOBS + " followed by the 64 lower-case hex digits of a SHA-256");
        }
        return Hash.fromHex(hex);
    }

    /**
     * Checks that {@code path} is a write-once path: a tile, an entry bundle, a history path, a blob
     * path or one of the two key files (everything but {@link #CHECKPOINT}).
     *
     * @return {@code path}
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkWriteOnce(String path) {
        if (path.equals(CHECKPOINT)) {
            throw new IllegalArgumentException("\"" + CHECKPOINT + "\" is the one mutable vault object: publish it with"
                    + " Vault.putCheckpoint and read it with Vault.checkpoint");
        }
        if (path.startsWith("/")) {
            throw bad("path", path, "vault paths are relative");
        }
        if (("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./")) {
            throw bad("path", path, "vault paths have no . or .. segments");
        }
        if (path.startsWith(HISTORY)) {
            historySize(path);
        } else if (path.startsWith(BLOBS)) {
            blobHash(path);
        } else if (path.startsWith(ROUNDS)) {
            roundSize(path);
        } else if (path.startsWith(KEYS)) {
            if (!path.equals(LOG_VKEY) && !path.equals(WITNESSES)) {
                throw bad("path", path, "the only key files are " + LOG_VKEY + " and " + WITNESSES);
            }
        } else if (path.startsWith(TILES)) {
            try {
                TilePath.parse(path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad vault path: " + e.getMessage(), e);
            }
        } else {
            throw bad("path", path, LAYOUT);
        }
        return path;
    }

    /**
     * Checks what {@link Vault#put} is offered: {@code path} is write-once and, for a blob,
     * names the SHA-256 of {@code content} (a wrong blob could never be corrected in a write-once vault).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkPut(String path, byte[] content) {
        checkWriteOnce(path);
        if (path.startsWith(BLOBS)) {
            Hash actual = Hash.sha256(content);
            if (!actual.equals(blobHash(path))) {
                throw bad("path", path, "the content's SHA-256 is " + actual.hex() + "; a blob lives at " + blob(actual));
            }
        }
    }

    /** True if {@code path} is {@link #CHECKPOINT} or a write-once path; false for anything else. */
    public static boolean isLayoutPath(String path) {
        if (path.equals(CHECKPOINT)) {
            return true;
        }
        try {
            checkWriteOnce(path);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Checks a {@link Vault#list} prefix: relative, only the characters layout paths use
     * ({@code a-z 0-9 . /}), no empty, {@code .} or {@code ..} segment and none starting with a dot.
     *
     * @return {@code prefix}
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkPrefix(String prefix) {
        if (!allMatch(prefix, "abcdefghijklmnopqrstuvwxyz0123456789./")) {
            throw bad("list prefix", prefix, "a list prefix holds only a-z, 0-9, '.' and '/'");
        }
        String[] segments = prefix.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            boolean last = i == segments.length - 1;
            if (segments[i].startsWith(".") || (segments[i].isEmpty() && !last)) {
                throw bad("list prefix", prefix, "a list prefix is relative, with no empty segment and none starting with '.'");
            }
        }
        return prefix;
    }

    /**
     * The tree size of a signed checkpoint note (its signatures are not checked here).
     *
     * @throws IllegalArgumentException if {@code signedNote} is not a signed note holding a C2SP checkpoint
     */
    public static long treeSize(byte[] signedNote) {
        try {
            return Checkpoint.of(Note.parse(signedNote)).size();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a signed checkpoint note: " + e.getMessage(), e);
        }
    }

    private static boolean allMatch(String s, String allowed) {
        for (int i = 0; i < s.length(); i++) {
            if (allowed.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Quotes a caller's path safely: at most 100 characters, anything outside printable ASCII escaped. */
    private static IllegalArgumentException bad(String what, String path, String rule) {
        StringBuilder quoted = new StringBuilder("\"");
        path.codePoints().limit(100).forEach(c -> quoted.append(c >= 0x20 && c < 0x7f ? Character.toString(c)
                : String.format("\\u{%x}", c)));
        quoted.append(path.length() > 100 ? "...\"" : "\"");
        return new IllegalArgumentException("bad vault " + what + " " + quoted + ": " + rule);
    }
}
