package org.kalaja.engine.seal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.security.ProviderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the slot of a PKCS#11 token by its label, using nothing but the JDK's SunPKCS11 provider.
 *
 * <p>The JDK exposes a token's label through one channel only: the report a SunPKCS11 instance
 * configured with {@code showInfo=true} prints to {@code System.out} (the wrapper package that
 * could ask the library directly is not exported, and {@code --add-exports} cannot be used with
 * {@code --release}). So each probe briefly replaces {@code System.out} with a stream that keeps
 * what the probing thread prints and passes every other thread's output through untouched. The
 * probes never log in: a PIN MUST NOT be offered to a token other than the one named, because
 * every wrong attempt counts towards locking it.
 */
final class Pkcs11Slots {
    private static final Object OUT_LOCK = new Object();
    private static final int LISTING_ONLY = 999_999;
    private static final Pattern SLOTS_WITH_TOKENS = Pattern.compile("(?m)^Slots with tokens:(.*)$");
    private static final Pattern LABEL = Pattern.compile("(?m)^Token info for token in slot \\d+:\\R\\s*label: (.*)$");

    private Pkcs11Slots() {
    }

    /**
     * The slot holding the one initialised token labelled {@code label}.
     *
     * @throws KmsException UNAVAILABLE when the library does not initialise, or no token or more
     *     than one token carries that label
     */
    static long find(Provider sunPkcs11, Path library, String label) {
        Map<Long, String> labels = labels(sunPkcs11, library);
        List<Long> matches = new ArrayList<>();
        labels.forEach((slot, l) -> {
            if (l.equals(label.strip())) matches.add(slot);
        });
        if (matches.size() == 1) return matches.getFirst();
        if (matches.size() > 1) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "several tokens are labelled '" + label + "' (slots " + matches
                    + ") in " + library + ": give each token a unique label");
        }
        List<String> present = labels.values().stream().filter(l -> !l.isEmpty()).map(l -> "'" + l + "'").toList();
        throw new KmsException(KmsException.Kind.UNAVAILABLE, "no token labelled '" + label + "' in the PKCS#11 library " + library + " ("
                + (present.isEmpty() ? "it has no initialised token" : "tokens present: " + String.join(", ", present))
                + "): correct the token label, or initialise a token with that label (SoftHSM2: softhsm2-util --init-token --free --label "
                + label + ")");
    }

    /** Slot id to token label (blank for an uninitialised token), for every slot holding a token. */
    private static Map<Long, String> labels(Provider sunPkcs11, Path library) {
        // An index past the end makes the instance fail right after printing the slot lists: it
        // lists without touching any slot (an empty removable slot would start a polling thread).
        String listing = probe(sunPkcs11, library, "slotListIndex = " + LISTING_ONLY);
        Matcher m = SLOTS_WITH_TOKENS.matcher(listing);
        if (!m.find()) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "the PKCS#11 library " + library + " did not report its slots");
        }
        Map<Long, String> labels = new LinkedHashMap<>();
        for (String slot : m.group(1).split("[,\\s]+")) {
            if (slot.isEmpty()) continue;
            Matcher label = LABEL.matcher(probe(sunPkcs11, library, "slot = " + slot));
            if (label.find()) labels.put(Long.parseLong(slot), utf8(label.group(1)).strip());
        }
        return labels;
    }

    /** What a SunPKCS11 instance with {@code showInfo} prints while it is configured for {@code selector}. */
    private static String probe(Provider sunPkcs11, Path library, String selector) {
        String config = "--name = kalaja-probe\nlibrary = " + quoted(library) + "\n" + selector + "\nshowInfo = true\n";
        synchronized (OUT_LOCK) {
            PrintStream original = System.out;
            ThreadTee tee = new ThreadTee(Thread.currentThread(), original);
            System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
            try {
                sunPkcs11.configure(config);
            } catch (ProviderException e) {
                String report = tee.captured();
                // The listing probe fails by design once the lists are printed; a slot whose token
                // went away between listing and probing is simply not a match.
                if (report.contains("Slots with tokens:")) return report;
                throw new KmsException(KmsException.Kind.UNAVAILABLE, "the PKCS#11 library " + library + " failed to initialise ("
                        + causes(e) + "): check the module's own configuration (SoftHSM2: SOFTHSM2_CONF and its token directory)", e);
            } finally {
                System.setOut(original);
            }
            return tee.captured();
        }
    }

    /** The library path as a SunPKCS11 configuration value (quoted, so spaces survive). */
    static String quoted(Path library) {
        String text = library.toAbsolutePath().toString();
        if (text.indexOf('"') >= 0 || text.indexOf('\n') >= 0) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "the PKCS#11 library path " + text + " contains a quote or a line break: move the library");
        }
        return '"' + text + '"';
    }

    /** Every message in {@code e}'s cause chain, so a PKCS#11 return code (CKR_…) reaches the operator. */
    static String causes(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() == null) continue;
            if (!out.isEmpty()) out.append(": ");
            out.append(t.getMessage());
        }
        return out.isEmpty() ? e.getClass().getSimpleName() : out.toString();
    }

    /** The JDK turns each CK_UTF8CHAR byte of a label into one char; this undoes it. */
    private static String utf8(String perByteChars) {
        byte[] bytes = new byte[perByteChars.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = perByteChars.charAt(i);
            if (c > 0xFF) return perByteChars;
            bytes[i] = (byte) c;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Keeps what one thread writes; everything other threads write goes on to {@code others}. */
    private static final class ThreadTee extends OutputStream {
        private final Thread owner;
        private final PrintStream others;
        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

        ThreadTee(Thread owner, PrintStream others) {
            this.owner = owner;
            this.others = others;
        }

        @Override
        public void write(int b) {
            if (Thread.currentThread() == owner) {
                synchronized (captured) {
                    captured.write(b);
                }
            } else {
                others.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (Thread.currentThread() == owner) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
            } else {
                others.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            if (Thread.currentThread() != owner) others.flush();
        }

        String captured() {
            synchronized (captured) {
                return captured.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
