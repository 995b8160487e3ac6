package org.kalaja.portal.cases;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The letters an applicant receives in their inbox when a clerk decides: plain text, one per decision. */
final class DecisionLetters {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

    record Letter(String subject, String body) {}

    private DecisionLetters() {
    }

    static Letter stepDone(Application a, String serviceName, String stepName, String nextStep) {
        return new Letter("Your application " + a.ref() + " passed " + lower(stepName),
                "Your application " + a.ref() + " (" + serviceName + ") passed " + lower(stepName) + ".\n\n"
                        + "The next step is " + lower(nextStep) + ". We will decide by " + date(a.due()) + ".");
    }

    static Letter approved(Application a, String serviceName) {
        return new Letter("Your application " + a.ref() + " was approved",
                "Your application " + a.ref() + " was approved; your document will be issued.\n\n"
                        + "Service: " + serviceName + ". You will receive another letter when the document is ready.");
    }

    static Letter rejected(Application a, String serviceName, String reason) {
        return new Letter("Your application " + a.ref() + " was rejected",
                "Your application " + a.ref() + " (" + serviceName + ") was rejected.\n\n"
                        + "Reason: " + reason + "\n\n"
                        + "You can apply again once you can meet the requirements, or ask the institution's counter for help.");
    }

    static Letter informationRequested(Application a, String serviceName, String question) {
        return new Letter("More information needed for your application " + a.ref(),
                "To decide your application " + a.ref() + " (" + serviceName + ") we need more information:\n\n"
                        + question + "\n\n"
                        + "Answer from the application's page under Your applications. We will continue once you have answered.");
    }

    static Letter issued(Application a, String title, String documentId) {
        return new Letter("Your " + lower(title) + " is ready",
                "Your " + lower(title) + " is ready (application " + a.ref() + ").\n\n"
                        + "Download or print it under Documents: /documents/" + documentId + "\n\n"
                        + "Anyone you show it to can check it is genuine at /verify/" + documentId + ".");
    }

    static String date(LocalDate d) {
        return DATE.format(d);
    }

    /** "Technical review" reads as "technical review" inside a sentence; acronyms stay as they are. */
    private static String lower(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }
}
