package org.kalaja.portal.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Draft;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.FormPage;
import org.kalaja.portal.catalogue.Institution;
import org.kalaja.portal.catalogue.Service;

/** What the citizen pages show, shaped for their templates: dates in words, answers as rows, names for ids. */
public final class CitizenViews {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.UK);
    // A sentence's final full stop is not part of the path.
    private static final Pattern LOCAL_LINK = Pattern.compile("/(documents|account/applications)/[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMMM yyyy 'at' h:mma", Locale.UK);

    private CitizenViews() {
    }

    /** One answer of "Check your answers" or an application's page. */
    public record AnswerRow(String question, String answer, @Nullable String changeHref) {}

    /** One line of the dashboard's table of applications. */
    public record ApplicationRow(Application application, String serviceName) {}

    /** One unfinished application on the dashboard. */
    public record DraftRow(Draft draft, String serviceName) {}

    /** One event of an application's timeline, in the citizen's words. */
    public record EventRow(String what, String who, String when, String note) {}

    /** A run of a letter's paragraph: plain text, or a path on this site shown as a link. */
    public record Segment(String text, @Nullable String href) {}

    /**
     * {@code paragraph} split so that paths of the portal's own pages ({@code /documents/…},
     * {@code /account/applications/…}) become links. Only those paths: a letter can never link elsewhere.
     */
    public static List<Segment> segments(String paragraph) {
        List<Segment> out = new ArrayList<>();
        Matcher m = LOCAL_LINK.matcher(paragraph);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) out.add(new Segment(paragraph.substring(at, m.start()), null));
            out.add(new Segment(m.group(), m.group()));
            at = m.end();
        }
        if (at < paragraph.length()) out.add(new Segment(paragraph.substring(at), null));
        return out;
    }

    /** "3 March 2026". */
    public static String date(LocalDate d) {
        return DAY.format(d);
    }

    /** "3 March 2026", in the country's time zone. */
    public static String date(Instant t) {
        return DAY.format(t.atZone(Applications.ZONE));
    }

    /** "3 March 2026 at 4:05pm", in the country's time zone. */
    public static String dateTime(Instant t) {
        return TIME.format(t.atZone(Applications.ZONE)).replace("AM", "am").replace("PM", "pm");
    }

    static String serviceName(Catalogue catalogue, String serviceId) {
        return catalogue.service(serviceId).map(Service::name).orElse(serviceId);
    }

    static String institutionName(Catalogue catalogue, String institutionId) {
        return catalogue.institution(institutionId).map(Institution::name).orElse(institutionId);
    }

    /**
     * The rows of the answers to {@code service}'s pages that apply, in form order; with {@code draftId}, each
     * row has a Change link back to its page that returns to "Check your answers".
     */
    static List<AnswerRow> answers(Service service, Map<String, List<String>> answers, @Nullable String draftId) {
        List<AnswerRow> rows = new ArrayList<>();
        for (FormPage p : service.pagesFor(answers)) {
            for (Field f : p.fields()) {
                if (draftId == null && !answers.containsKey(f.id())) continue;
                String shown = Answers.display(f, answers.getOrDefault(f.id(), List.of()));
                rows.add(new AnswerRow(f.label(), shown.isEmpty() ? "Not given" : shown,
                        draftId == null ? null : "/apply/" + draftId + "/" + p.id() + "?return=check"));
            }
        }
        return rows;
    }

    /** The timeline of {@code a}, oldest first, naming the institution for clerks' actions. */
    static List<EventRow> timeline(Application a, String institutionName) {
        List<EventRow> rows = new ArrayList<>();
        for (Application.Event e : a.history()) {
            String who = e.actor().startsWith("citizen:") ? "You" : institutionName;
            rows.add(new EventRow(eventLabel(e.action()), who, dateTime(e.at()), e.note()));
        }
        return rows;
    }

    static String eventLabel(String action) {
        return switch (action) {
            case "submitted" -> "Application sent";
            case "approved" -> "Approved";
            case "rejected" -> "Rejected";
            case "information_requested" -> "More information requested";
            case "information_provided" -> "Information sent";
            case "issued" -> "Document issued";
            default -> action.replace('_', ' ');
        };
    }
}
