package org.kalaja.portal.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads one service file ({@code <id>.yaml}) and checks its pages, fields, conditions and approvals hang together. */
final class ServiceReader {
    static final Map<String, String> KEYS = YamlMap.keys(
            "id", "the service's id, the same as the file's name without .yaml, like 'birth-certificate'",
            "name", "what the service is called, like 'Apply for a birth certificate'",
            "summary", "one sentence on the start page saying what the service gives",
            "institution", "the id of the institution that decides, from institutions.yaml",
            "documentTitle", "the title printed on the issued document, like 'Birth certificate'",
            "serviceLevelDays", "the working days the institution promises to decide within, like 5",
            "fee", "what it costs, in words, like 'Free' or '500 lekë'",
            "documentsRequired", "a list of what the citizen must have ready",
            "approvals", "the decisions needed before issue, in order, each with an id and a name",
            "pages", "the form's pages in order, each with its fields");
    static final Map<String, String> PAGE_KEYS = YamlMap.keys(
            "id", "the page's id, used in its address (defaults to the field's id when the page has one field)",
            "title", "the page's heading (defaults to the field's label when the page has one field)",
            "hint", "help under the heading",
            "when", "the condition under which the page is asked: 'field' (an earlier choice field) and 'is' (its values)",
            "fields", "the questions on the page, usually one");
    static final Map<String, String> WHEN_KEYS = YamlMap.keys(
            "field", "the id of a choice field on an earlier page",
            "is", "the option value (or a list of them) for which the page is asked");
    static final Map<String, String> STEP_KEYS = YamlMap.keys(
            "id", "the step's id, recorded in the application's history, like 'technical-review'",
            "name", "what the step checks, as clerks and citizens read it");

    private ServiceReader() {}

    /** The service file {@code file} declares, or empty when it has problems (added to {@code problems}). */
    static Optional<Service> read(String file, JsonNode root, List<String> problems) {
        String declared = root.path("id").isTextual() ? root.path("id").textValue() : "";
        Optional<YamlMap> read = YamlMap.of(root, file + (declared.isEmpty() ? "" : ": service '" + declared + "'"), "a service file", problems, KEYS);
        if (read.isEmpty()) return Optional.empty();
        YamlMap m = read.get();
        int before = problems.size();
        String id = m.id("id");
        String name = m.text("name");
        String summary = m.text("summary");
        String institution = m.id("institution");
        String documentTitle = m.text("documentTitle");
        Integer days = m.integer("serviceLevelDays");
        if (days == null && !m.has("serviceLevelDays")) m.problem("'serviceLevelDays' is missing; add " + KEYS.get("serviceLevelDays"));
        if (days != null && (days < 1 || days > 365)) m.problem("'serviceLevelDays' is " + days + "; it must be from 1 to 365");
        String fee = m.text("fee");
        List<String> documents = m.texts("documentsRequired");
        List<ApprovalStep> approvals = approvals(m);
        List<FormPage> pages = pages(m);
        if (problems.size() > before) return Optional.empty();
        return Optional.of(new Service(id, name, summary, institution, documentTitle, pages, documents, approvals, days, fee));
    }

    private static List<ApprovalStep> approvals(YamlMap m) {
        List<ApprovalStep> steps = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<JsonNode> nodes = m.list("approvals");
        for (int i = 0; i < nodes.size(); i++) {
            Optional<YamlMap> s = YamlMap.of(nodes.get(i), m.where() + ", approval step " + (i + 1), "an approval step", m.problems(), STEP_KEYS);
            if (s.isEmpty()) continue;
            ApprovalStep step = new ApprovalStep(s.get().id("id"), s.get().text("name"));
            if (!step.id().isEmpty() && !ids.add(step.id())) s.get().problem("duplicate approval step id '" + step.id() + "'; give each step its own id");
            steps.add(step);
        }
        return steps;
    }

    private static List<FormPage> pages(YamlMap m) {
        List<JsonNode> nodes = m.list("pages");
        if (nodes.isEmpty()) m.problem("a service needs 'pages': add at least one page with one field");
        List<FormPage> pages = new ArrayList<>();
        Set<String> pageIds = new HashSet<>();
        Map<String, Field> earlier = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            String label = node.path("id").isTextual() ? "page '" + node.path("id").textValue() + "'"
                    : node.path("fields").path(0).path("id").isTextual() ? "page '" + node.path("fields").path(0).path("id").textValue() + "'"
                    : "page " + (i + 1);
            Optional<YamlMap> pm = YamlMap.of(node, m.where() + ", " + label, "a page", m.problems(), PAGE_KEYS);
            if (pm.isEmpty()) continue;
            Optional<FormPage> page = page(pm.get(), earlier);
            if (page.isEmpty()) continue;
            if (!pageIds.add(page.get().id())) pm.get().problem("duplicate page id '" + page.get().id() + "'; give each page its own id");
            for (Field f : page.get().fields()) {
                if (earlier.putIfAbsent(f.id(), f) != null) {
                    pm.get().problem("duplicate field id '" + f.id() + "'; answers are keyed by field id, so each field of a service needs its own");
                }
            }
            pages.add(page.get());
        }
        return pages;
    }

    private static Optional<FormPage> page(YamlMap m, Map<String, Field> earlier) {
        int before = m.problems().size();
        List<JsonNode> nodes = m.list("fields");
        if (nodes.isEmpty()) m.problem("a page needs 'fields': add at least one field");
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) FieldReader.read(nodes.get(i), m.where(), i + 1, m.problems()).ifPresent(fields::add);
        // A one-field page may leave its id and title to the field (a field with problems leaves them "").
        boolean single = nodes.size() == 1;
        String id = single && !m.has("id") ? fields.stream().map(Field::id).findFirst().orElse("") : m.id("id");
        String title = single && !m.has("title") ? fields.stream().map(Field::label).findFirst().orElse("") : m.text("title");
        String hint = m.text("hint", "");
        Condition when = m.has("when") ? condition(m, earlier) : null;
        if (m.problems().size() > before) return Optional.empty();
        return Optional.of(new FormPage(id, title, hint, fields, when));
    }

    private static Condition condition(YamlMap page, Map<String, Field> earlier) {
        Optional<YamlMap> read = YamlMap.of(page.get("when"), page.where() + ", when", "'when'", page.problems(), WHEN_KEYS);
        if (read.isEmpty()) return new Condition("", List.of());
        YamlMap m = read.get();
        String fieldId = m.id("field");
        List<String> values = m.texts("is");
        if (!m.has("is")) m.problem("'is' is missing; add " + WHEN_KEYS.get("is"));
        Field field = earlier.get(fieldId);
        if (!fieldId.isEmpty() && field == null) {
            m.problem("'field' is '" + fieldId + "', which is not a field on an earlier page; a page can only depend on answers"
                    + " already given (earlier fields: " + String.join(", ", earlier.keySet()) + ")");
        } else if (field != null && !field.type().choice()) {
            m.problem("'field' is '" + fieldId + "', a " + field.type() + " field; a page can only depend on a choice"
                    + " (RADIOS, CHECKBOXES, SELECT or YES_NO)");
        } else if (field != null) {
            for (String v : values) {
                if (field.option(v).isEmpty()) {
                    m.problem("'is' names '" + v + "', which is not an option of field '" + fieldId + "'; use one of "
                            + String.join(", ", field.options().stream().map(Option::value).toList()));
                }
            }
        }
        return new Condition(fieldId, values);
    }
}
