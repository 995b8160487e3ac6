package org.kalaja.portal.identity;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 6 digits, 30-second steps, the
 * code of the previous, current or next step accepted for clock drift.
 *
 * <p>Invariant: a code is accepted at most once per account and step: once a step's code was used, that
 * step and every earlier one are refused for the account, so a code seen over a shoulder or replayed from a
 * proxy log cannot be used again. The last used step is kept in memory (a restart forgets it; the window
 * it reopens is at most 90 seconds).
 */
public final class Totp {
    public static final int DIGITS = 6;
    public static final int STEP_SECONDS = 30;
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final Clock clock;
    private final ConcurrentHashMap<String, Long> lastUsedStep = new ConcurrentHashMap<>();

    public Totp(Clock clock) {
        this.clock = clock;
    }

    /**
     * Accepts {@code code} for {@code accountId} if it is the code of step now-1, now or now+1 and no code of
     * that step or a later one was accepted before.
     */
    public boolean accept(String accountId, byte[] secret, String code) {
        String digits = code.replace(" ", "").replace("-", "");
        if (digits.length() != DIGITS || !digits.chars().allMatch(Character::isDigit)) return false;
        long now = Math.floorDiv(clock.instant().getEpochSecond(), STEP_SECONDS);
        for (long step = now - 1; step <= now + 1; step++) {
            if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII), digits.getBytes(StandardCharsets.US_ASCII))) {
                long matched = step;
                boolean[] fresh = {false};
                lastUsedStep.compute(accountId, (k, last) -> {
                    if (last != null && last >= matched) return last;
                    fresh[0] = true;
                    return matched;
                });
                return fresh[0];
            }
        }
        return false;
    }

    /** The {@link #DIGITS}-digit code of {@code step} (RFC 6238 with HMAC-SHA1). */
    public static String code(byte[] secret, long step) {
        return code(secret, step, "HmacSHA1", DIGITS);
    }

    static String code(byte[] secret, long step, String algorithm, int digits) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0f;
            int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8) | (h[offset + 3] & 0xff);
            int otp = binary % (int) Math.pow(10, digits);
            return String.format(Locale.ROOT, "%0" + digits + "d", otp);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is always available", e);
        }
    }

    /** The {@code otpauth://} URI authenticator apps read from the enrolment QR code. */
    public static String uri(String issuer, String account, byte[] secret) {
        String label = enc(issuer) + ":" + enc(account);
        return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** RFC 4648 base32 without padding: how the secret is shown for typing into an app. */
    public static String base32(byte[] data) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) out.append(BASE32[(buffer << (5 - bits)) & 31]);
        return out.toString();
    }

    public static Optional<byte[]> fromBase32(String text) {
        String t = text.replace(" ", "").replace("=", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(t.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : t.toCharArray()) {
            int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
            if (v < 0) return Optional.empty();
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return Optional.of(out.array());
    }
}
