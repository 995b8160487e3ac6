package org.kalaja.portal.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashing with Argon2id (RFC 9106) and the password policy.
 *
 * <p>Hashes are PHC strings {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>} with salt
 * and hash in unpadded standard base64, as the reference implementation writes them; a stored hash keeps
 * the parameters it was made with, so raising them later needs no migration ({@link #needsRehash}).
 *
 * <p>Parameters: m = 19 MiB, t = 2, p = 1 (the OWASP minimum for Argon2id). RFC 9106's second
 * recommendation (64 MiB, t = 3) took ~290 ms per sign-in on the 2-core reference machine, this one
 * ~60 ms. At most {@link #CONCURRENT} hashes run at once, so a burst of sign-ins cannot take
 * 19 MiB × requests of memory; the rest wait their turn.
 *
 * <p>Verification compares in constant time and MUST be done even when no account matches the email
 * ({@link #verifyDummy}), so the time taken does not tell whether an email is registered.
 */
public final class Passwords {
    public static final int MEMORY_KIB = 19 * 1024;
    public static final int PASSES = 2;
    public static final int LANES = 1;
    public static final int MIN_LENGTH = 10;
    static final int CONCURRENT = 4;
    private static final int MAX_LENGTH = 256;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final Semaphore SLOTS = new Semaphore(CONCURRENT, true);
    private static final Set<String> COMMON = loadCommon();
    private static final String DUMMY = hash("not a real password, only spends the time");

    private Passwords() {
    }

    /** The parameters of a PHC string. */
    public record Params(int memoryKib, int passes, int lanes, byte[] salt, byte[] hash) {}

    /** Why {@code password} is not acceptable, in words for the person, or empty when it is. */
    public static Optional<String> weakness(String password) {
        if (password.length() < MIN_LENGTH) return Optional.of("Your password must be " + MIN_LENGTH + " characters or more");
        if (password.length() > MAX_LENGTH) return Optional.of("Your password must be " + MAX_LENGTH + " characters or fewer");
        if (COMMON.contains(password.toLowerCase(Locale.ROOT))) {
            return Optional.of("Your password is one of the most common passwords – choose one that is harder to guess");
        }
        return Optional.empty();
    }

    /** A new PHC string for {@code password} with a fresh 16-byte salt. */
    public static String hash(String password) {
        byte[] salt = Sessions.random(16);
        byte[] out = argon2(password, salt, MEMORY_KIB, PASSES, LANES, 32);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + PASSES + ",p=" + LANES + "$" + b64(salt) + "$" + b64(out);
    }

    /** Whether {@code password} matches {@code phc}; false for a malformed string. Constant-time compare. */
    public static boolean verify(String password, String phc) {
        Optional<Params> p = parse(phc);
        if (p.isEmpty() || password.length() > MAX_LENGTH) return false;
        Params q = p.get();
        byte[] out = argon2(password, q.salt(), q.memoryKib(), q.passes(), q.lanes(), q.hash().length);
        return MessageDigest.isEqual(out, q.hash());
    }

    /** Spends the time of one verification and fails: for an email no account has. */
    public static boolean verifyDummy(String password) {
        verify(password, DUMMY);
        return false;
    }

    /** Whether {@code phc} was made with weaker parameters than today's. */
    public static boolean needsRehash(String phc) {
        return parse(phc).map(p -> p.memoryKib() < MEMORY_KIB || p.passes() < PASSES).orElse(true);
    }

    public static Optional<Params> parse(String phc) {
        Matcher m = PHC.matcher(phc);
        if (!m.matches()) return Optional.empty();
        int memory = Integer.parseInt(m.group(1));
        int passes = Integer.parseInt(m.group(2));
        int lanes = Integer.parseInt(m.group(3));
        // Refuse parameters that would let a stored string exhaust the node (or are below RFC 9106's floor).
        if (lanes < 1 || passes < 1 || passes > 10 || memory < 8 * lanes || memory > 256 * 1024) return Optional.empty();
        try {
            return Optional.of(new Params(memory, passes, lanes, Base64.getDecoder().decode(m.group(4)),
                    Base64.getDecoder().decode(m.group(5))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] argon2(String password, byte[] salt, int memoryKib, int passes, int lanes, int length) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(passes).withParallelism(lanes).withSalt(salt).build());
        byte[] out = new byte[length];
        SLOTS.acquireUninterruptibly();
        try {
            g.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        } finally {
            SLOTS.release();
        }
        return out;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }

    private static Set<String> loadCommon() {
        try (InputStream in = Passwords.class.getResourceAsStream("common-passwords.txt")) {
            if (in == null) throw new IllegalStateException("missing common-passwords.txt");
            return Set.copyOf(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.toLowerCase(Locale.ROOT)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
