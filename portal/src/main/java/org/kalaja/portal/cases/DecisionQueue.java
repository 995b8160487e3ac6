package org.kalaja.portal.cases;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One page of an institution's queue, oldest decide-by date first.
 *
 * @param items    the applications on this page, ordered by {@link #ORDER}
 * @param counts   how many of the institution's applications (of the chosen service, if any) are in each
 *                 status, whatever the status filter
 * @param matching how many applications match the filters, on all pages
 * @param next     the cursor to pass as {@code after} for the next page, or null on the last page
 * @param today    the date overdue is judged against
 * @param scanned  whether the whole key range was read; false when it holds more than
 *                 {@link Decisions#SCAN_LIMIT} applications, then counts and order cover the first ones only
 */
public record DecisionQueue(List<Application> items, Map<Status, Integer> counts, int matching, @Nullable String next,
        LocalDate today, boolean scanned) {

    /** Decide-by date, then submission, then reference: a total order, so a cursor is unambiguous. */
    static final Comparator<Application> ORDER = Comparator.comparing(Application::due)
            .thenComparing(Application::submitted).thenComparing(Application::ref);

    public DecisionQueue {
        items = List.copyOf(items);
        counts = Map.copyOf(counts);
    }

    /** How many are in {@code status} (0 when none). */
    public int count(Status status) {
        return counts.getOrDefault(status, 0);
    }

    /** Whether {@code a} waits on the institution past its decide-by date. */
    public boolean overdue(Application a) {
        return a.status().open() && a.due().isBefore(today);
    }

    /** The cursor naming {@code a}'s place in {@link #ORDER}: {@code <due>/<submitted>/<ref>}. */
    static String cursor(Application a) {
        return a.due() + "/" + a.submitted() + "/" + a.ref();
    }

    /** Whether {@code a} comes after the place {@code cursor} names ("" names the start). */
    static boolean after(Application a, String cursor) {
        if (cursor.isEmpty()) return true;
        String[] p = cursor.split("/", 3);
        try {
            int c = a.due().compareTo(LocalDate.parse(p[0]));
            if (c == 0) c = a.submitted().compareTo(java.time.Instant.parse(p[1]));
            if (c == 0) c = a.ref().compareTo(p[2]);
            return c > 0;
        } catch (RuntimeException e) {
            // A cursor edited by hand starts the queue again rather than failing the page.
            return true;
        }
    }
}
