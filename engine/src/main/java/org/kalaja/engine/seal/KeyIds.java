package org.kalaja.engine.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The ids of data keys (see {@link Keyring} for why these granularities):
 * {@code s:<pseudonym>:<collection>:<yyyy>} for a subject's records, {@code c:<collection>:<yyyy-MM-ddTHH>}
 * for records with no subject. Built on every sealed write, so the period is formatted once an hour,
 * not once per write. Thread-safe.
 */
final class KeyIds {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter YEAR = DateTimeFormatter.ofPattern("yyyy").withZone(ZoneOffset.UTC);
    private static final long HOUR_MILLIS = 3_600_000L;
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable: " + e.getMessage(), e);
        }
    });

    private final Clock clock;
    /** The current hour and year as the ids write them, with the hour they were formatted in. */
    private volatile @Nullable Period hour;
    private volatile @Nullable Period year;

    private record Period(long hour, String text) {}

    KeyIds(Clock clock) {
        this.clock = clock;
    }

    /** The id of the key of this hour for {@code collection}'s records without a subject. */
    String ofCollection(String collection) {
        Period p = hour;
        long now = clock.millis();
        if (p == null || p.hour != now / HOUR_MILLIS) hour = p = period(HOUR, now);
        return "c:" + collection + ":" + p.text;
    }

    /** The id of the key of this year for the subject whose pseudonym is {@code pseudonym}, in {@code collection}. */
    String ofSubject(String pseudonym, String collection) {
        Period p = year;
        long now = clock.millis();
        if (p == null || p.hour != now / HOUR_MILLIS) year = p = period(YEAR, now);
        return subjectPrefix(pseudonym) + collection + ":" + p.text;
    }

    /** What every key id of that subject begins with, whatever the collection, year or generation. */
    static String subjectPrefix(String pseudonym) {
        return "s:" + pseudonym + ":";
    }

    /** 32 hex digits of {@code HMAC-SHA256(key, subject)}: a subject's pseudonym. */
    static String pseudonym(SecretKey key, String subject) {
        Mac mac = MACS.get();
        try {
            mac.init(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 refused its key: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(mac.doFinal(subject.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    private static Period period(DateTimeFormatter format, long now) {
        return new Period(now / HOUR_MILLIS, format.format(Instant.ofEpochMilli(now)));
    }
}
