package org.kalaja.portal.demo;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.FieldType;
import org.kalaja.portal.catalogue.FormPage;
import org.kalaja.portal.catalogue.Option;
import org.kalaja.portal.catalogue.Service;

/**
 * Plausible answers to any service's form, so the demo works for services added as files too: each
 * field gets candidates by type (and by hints in its id), and the first one the catalogue's own
 * validation accepts is used. A required field no candidate satisfies leaves the service out of the demo.
 */
final class DemoAnswers {
    private static final List<String> SENTENCES = List.of(
            "Needed to enrol my child in school in September.",
            "Requested by the bank for a mortgage application.",
            "Required by the embassy for a residence permit abroad.",
            "For a job application with a public employer.",
            "To register a change of address with the tax office.");
    private static final List<String> TEXTS = List.of("Arben Hoxha", "12/345", "A.1234", "Italy", "Rruga e Kavajës 14, Tiranë",
            "Demo answer");

    private final Random random;

    DemoAnswers(Random random) {
        this.random = random;
    }

    /** Answers to every page that applies, given the applicant; empty when the form cannot be answered. */
    Optional<Map<String, List<String>>> answer(Service service, DemoPeople.Person applicant, LocalDate today) {
        Map<String, List<String>> answers = new LinkedHashMap<>();
        for (FormPage page : service.pages()) {
            if (!page.applies(answers)) continue;
            for (Field f : page.fields()) {
                Optional<List<String>> v = candidates(f, applicant).stream()
                        .map(c -> Answers.normalise(f, c))
                        .filter(c -> Answers.check(f, c, today).isEmpty())
                        .findFirst();
                if (v.isPresent()) {
                    answers.put(f.id(), v.get());
                } else if (f.required()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(Answers.applicable(service, answers));
    }

    private List<List<String>> candidates(Field f, DemoPeople.Person p) {
        List<List<String>> out = new ArrayList<>();
        LocalDate today = LocalDate.now(DemoData.ZONE);
        switch (f.type()) {
            case RADIOS, SELECT -> shuffled(f.options()).forEach(o -> out.add(List.of(o.value())));
            case CHECKBOXES -> shuffled(f.options()).forEach(o -> out.add(List.of(o.value())));
            case YES_NO -> out.add(List.of(random.nextInt(5) == 0 ? "yes" : "no"));
            case DATE -> {
                out.add(List.of(today.minusYears(3 + random.nextInt(10)).minusDays(random.nextInt(300)).toString()));
                out.add(List.of(today.plusDays(30 + random.nextInt(200)).toString()));
                out.add(List.of(today.minusDays(10).toString()));
                out.add(List.of(today.toString()));
            }
            case NUMBER -> {
                for (String bound : new String[] {f.min(), f.max()}) {
                    if (bound != null) out.add(List.of(bound));
                }
                out.add(List.of(Integer.toString(1 + random.nextInt(4))));
                out.add(List.of("120"));
                out.add(List.of("1234"));
            }
            case PERSONAL_NUMBER -> {
                out.add(List.of(f.id().contains("child") ? DemoPeople.personalNumber(random, 2015) : p.personalNumber()));
            }
            case EMAIL -> out.add(List.of(p.email()));
            case PHONE -> {
                out.add(List.of("+355 69 " + (100 + random.nextInt(900)) + " " + (1000 + random.nextInt(9000))));
                out.add(List.of("069" + (1000000 + random.nextInt(9000000))));
            }
            case TEXTAREA -> out.add(List.of(SENTENCES.get(random.nextInt(SENTENCES.size()))));
            default -> {
                if (f.id().contains("name")) out.add(List.of(DemoPeople.name(random)));
                if (f.type().name().equals("BUSINESS_NUMBER") || f.id().contains("nuis")) {
                    out.add(List.of("L" + (10000000 + random.nextInt(90000000)) + "A"));
                }
                TEXTS.forEach(t -> out.add(List.of(t)));
            }
        }
        return out;
    }

    private List<Option> shuffled(List<Option> options) {
        List<Option> copy = new ArrayList<>(options);
        java.util.Collections.shuffle(copy, random);
        return copy;
    }
}
