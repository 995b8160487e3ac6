package org.kalaja.portal.cases;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * Applications as the citizen journey stores them (key {@code <institution>:<ref>}, the applicant's
 * index, one "submitted" event), for the back office's tests to decide on.
 */
public final class DecisionsSeed {
    public static final Map<String, List<String>> BIRTH = Map.of("for-whom", List.of("child"), "child-name", List.of("Drita Hoxha"),
            "child-birth-date", List.of("2019-03-03"), "reason", List.of("school"), "language", List.of("sq"));
    public static final Map<String, List<String>> PERMIT = Map.of("applicant-role", List.of("owner"), "cadastral-zone", List.of("8270"),
            "property-number", List.of("123/45"), "work-type", List.of("extension"), "floors", List.of("4"), "floor-area", List.of("320"));

    private DecisionsSeed() {
    }

    /** Stores a SUBMITTED application of {@code service} by {@code account}; returns it as read back. */
    public static Application submit(PortalRecords records, String institution, String service, String account, String name,
            Map<String, List<String>> answers, Instant submitted, LocalDate due) {
        String ref = References.next();
        Who citizen = new Who("citizen:" + account, name, "citizen", "127.0.0.1", "test");
        Application a = new Application(ref, service, institution, account, name, "J85117101S", Status.SUBMITTED, answers, 0,
                submitted, submitted, due, null, List.of(new Application.Event(submitted, citizen.actor(), "submitted", "")), 0);
        records.put(citizen, ApplicationCodec.MINE, account + ":" + ref,
                PortalRecords.JSON.createObjectNode().put("institution", institution), 0);
        Stored s = records.put(citizen, ApplicationCodec.COLLECTION, a.key(), ApplicationCodec.toJson(a), 0);
        return ApplicationCodec.fromJson(s);
    }

    public static Application birth(PortalRecords records, String account) {
        Instant now = records.clock().instant();
        return submit(records, "civil-registry", "birth-certificate", account, "Ana Hoxha", BIRTH, now, LocalDate.now(records.clock()).plusDays(7));
    }

    public static Application permit(PortalRecords records, String account) {
        Instant now = records.clock().instant();
        return submit(records, "tirana-municipality", "building-permit", account, "Besnik Leka", PERMIT, now,
                LocalDate.now(records.clock()).plusDays(60));
    }
}
