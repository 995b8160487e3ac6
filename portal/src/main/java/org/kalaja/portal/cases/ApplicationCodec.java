package org.kalaja.portal.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;

/** {@link Application} to and from its JSON record body (docs/portal/CASES.md describes the fields). */
public final class ApplicationCodec {
    public static final String COLLECTION = "applications";
    /** The applicant's index: key {@code <accountId>:<ref>}, body {@code {"institution":…}}. */
    public static final String MINE = "my-applications";

    private ApplicationCodec() {
    }

    public static ObjectNode toJson(Application a) {
        ObjectNode o = PortalRecords.JSON.createObjectNode()
                .put("ref", a.ref()).put("service", a.service()).put("institution", a.institution())
                .put("applicant", a.applicant()).put("applicant_name", a.applicantName())
                .put("personal_number", a.personalNumber()).put("status", a.status().name())
                .put("steps_done", a.stepsDone()).put("submitted", a.submitted().toString())
                .put("updated", a.updated().toString()).put("due", a.due().toString());
        if (a.documentId() != null) o.put("document_id", a.documentId());
        putAnswers(o, a.answers());
        ArrayNode history = o.putArray("history");
        for (Application.Event e : a.history()) {
            history.addObject().put("at", e.at().toString()).put("actor", e.actor()).put("action", e.action()).put("note", e.note());
        }
        return o;
    }

    public static Application fromJson(Stored s) {
        JsonNode o = s.json();
        Map<String, List<String>> answers = answers(o);
        List<Application.Event> history = new ArrayList<>();
        for (JsonNode e : o.path("history")) {
            history.add(new Application.Event(Instant.parse(e.path("at").asText()), e.path("actor").asText(),
                    e.path("action").asText(), e.path("note").asText()));
        }
        return new Application(o.path("ref").asText(), o.path("service").asText(), o.path("institution").asText(),
                o.path("applicant").asText(), o.path("applicant_name").asText(), o.path("personal_number").asText(),
                Status.valueOf(o.path("status").asText()), answers, o.path("steps_done").asInt(),
                Instant.parse(o.path("submitted").asText()), Instant.parse(o.path("updated").asText()),
                LocalDate.parse(o.path("due").asText()), o.hasNonNull("document_id") ? o.path("document_id").asText() : null,
                history, s.version());
    }

    /** Writes {@code answers} as {@code "answers": {fieldId: [values…]}} in field id order (drafts use it too). */
    static void putAnswers(ObjectNode o, Map<String, List<String>> answers) {
        ObjectNode out = o.putObject("answers");
        answers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            ArrayNode values = out.putArray(e.getKey());
            e.getValue().forEach(values::add);
        });
    }

    /** The {@code "answers"} object of {@code o}, as {@link #putAnswers} wrote it. */
    static Map<String, List<String>> answers(JsonNode o) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        o.path("answers").properties().forEach(e -> {
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            answers.put(e.getKey(), List.copyOf(values));
        });
        return answers;
    }
}
