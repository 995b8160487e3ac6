package org.kalaja.portal.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The GOV.UK-style checks a citizen's answers go through, on the built-in services' own fields. */
class AnswersTest {
    private static final LocalDate TODAY = LocalDate.of(2025, 6, 15);
    private static final Catalogue BUILT_IN = Catalogue.builtIn();

    @Test
    void missingRequiredAnswerAsksForIt() {
        assertThat(check(field("birth-certificate", "child-birth-date"))).contains("Enter your child's date of birth");
        assertThat(check(field("birth-certificate", "reason"))).contains("Select the reason you need the certificate");
        assertThat(check(field("criminal-record-certificate", "father-name"), "   ")).as("blank is missing").contains("Enter your father's first name");
    }

    @Test
    void optionalFieldMayBeLeftBlankButNotWrong() {
        Field phone = field("family-certificate", "phone");
        assertThat(check(phone)).isEmpty();
        assertThat(check(phone, "")).isEmpty();
        assertThat(check(phone, "12345")).isPresent();
    }

    @Test
    void answersAreTrimmed() {
        Field country = field("criminal-record-certificate", "country");
        assertThat(Answers.normalise(country, List.of("  Italy \n"))).containsExactly("Italy");
        assertThat(Answers.display(country, List.of("  Italy "))).isEqualTo("Italy");
    }

    @Test
    void textLongerThanItsMaximumIsRefused() {
        Field details = field("birth-certificate", "reason-details");
        assertThat(check(details, "x".repeat(500))).isEmpty();
        assertThat(check(details, "x".repeat(501))).contains("Reason you need the certificate must be 500 characters or less");
        assertThat(check(only(CatalogueRefusalTest.DOG_LICENCE), "x".repeat(201))).as("TEXT default")
                .contains("Dog's name must be 200 characters or less");
    }

    @Test
    void lineEndsCountAsOneCharacter() {
        Field details = field("birth-certificate", "reason-details");
        String text = "a".repeat(249) + "\r\n" + "b".repeat(250);
        assertThat(Answers.normalise(details, List.of(text)).get(0)).hasSize(500).doesNotContain("\r");
        assertThat(check(details, text)).isEmpty();
    }

    @Test
    void textShorterThanItsMinimumIsRefused() {
        assertThat(check(field("building-permit", "description"), "A house"))
                .contains("Description of the works must be 20 characters or more");
    }

    @Test
    void answerNotMatchingThePatternGetsThePatternMessage() {
        Field property = field("building-permit", "property-number");
        assertThat(check(property, "123/45")).isEmpty();
        assertThat(check(property, "12a")).contains("Enter the property number in the correct format, like 123 or 123/45");
        assertThat(check(field("criminal-record-certificate", "father-name"), "Ndoc")).isEmpty();
        assertThat(check(field("criminal-record-certificate", "father-name"), "R2D2"))
                .contains("Father's first name must only include letters, spaces, hyphens and apostrophes");
    }

    @Test
    void choiceMustBeOneOfTheDeclaredOptions() {
        Field reason = field("birth-certificate", "reason");
        assertThat(check(reason, "school")).isEmpty();
        assertThat(check(reason, "bribe")).contains("Select the reason you need the certificate");
        assertThat(check(reason, "school", "marriage")).as("radios take one answer").contains("Select the reason you need the certificate");
        assertThat(check(field("residence-certificate", "address-history"), "maybe")).isPresent();
    }

    @Test
    void checkboxesTakeSeveralDeclaredOptionsAndShowTheirLabelsCommaJoined() {
        Field pets = only(CatalogueRefusalTest.DOG_LICENCE.replace("type: TEXT", "type: CHECKBOXES") + """
                        options:
                          - value: dog
                            label: A dog
                          - value: cat
                            label: A cat
                """);
        assertThat(check(pets, "dog", "cat")).isEmpty();
        assertThat(check(pets, "dog", "parrot")).contains("Enter your dog's name");
        assertThat(Answers.display(pets, List.of("dog", "cat", "dog"))).isEqualTo("A dog, A cat");
    }

    @Test
    void displayShowsOptionLabelsNotValues() {
        assertThat(Answers.display(field("birth-certificate", "for-whom"), List.of("child"))).isEqualTo("My child (under 18)");
        assertThat(Answers.display(field("residence-certificate", "address-history"), List.of("no"))).isEqualTo("No");
        assertThat(Answers.display(field("birth-certificate", "reason"), List.of())).isEmpty();
    }

    @Test
    void thirtyFirstOfFebruaryIsNotARealDate() {
        Field born = field("birth-certificate", "child-birth-date");
        assertThat(check(born, Answers.isoDate("31", "2", "2020"))).contains("Enter a real date");
        assertThat(check(born, "2020-02-31")).contains("Enter a real date");
        assertThat(check(born, Answers.isoDate("29", "2", "2020"))).as("a leap day").isEmpty();
        assertThat(check(born, Answers.isoDate("29", "2", "2021"))).contains("Enter a real date");
        assertThat(check(born, Answers.isoDate("3", "March", "2020"))).contains("Enter a real date");
        assertThat(check(born, Answers.isoDate("3", "3", "20"))).as("two-digit year").contains("Enter a real date");
    }

    @Test
    void dateWithABlankBoxSaysWhichIsMissing() {
        Field born = field("birth-certificate", "child-birth-date");
        assertThat(check(born, Answers.isoDate("3", "", "2020"))).contains("Child's date of birth must include a month");
        assertThat(check(born, Answers.isoDate("", "", "2020"))).contains("Child's date of birth must include a day and month");
        assertThat(check(born, Answers.isoDate(" ", "", ""))).contains("Enter your child's date of birth");
    }

    @Test
    void isoDateJoinsTheThreeBoxesAndDatePartsSplitsThemAgain() {
        assertThat(Answers.isoDate(" 3", "3 ", "2024")).isEqualTo("2024-03-03");
        assertThat(Answers.isoDate("", "", "")).isEmpty();
        assertThat(Answers.dateParts(Answers.isoDate("31", "2", "2020"))).containsExactly("31", "02", "2020");
        assertThat(Answers.dateParts(Answers.isoDate("", "7", "2020"))).containsExactly("", "07", "2020");
        assertThat(Answers.dateParts("")).containsExactly("", "", "");
    }

    @Test
    void birthDateInTheFutureIsRefused() {
        Field born = field("birth-certificate", "child-birth-date");
        assertThat(check(born, TODAY.toString())).as("born today").isEmpty();
        assertThat(check(born, TODAY.plusDays(1).toString())).contains("Child's date of birth must be today or in the past");
        Field strictly = only(CatalogueRefusalTest.DOG_LICENCE.replace("type: TEXT", "type: DATE")
                .replace("Enter your dog's name", "Enter your date of birth") + "        max: today-1\n");
        assertThat(check(strictly, TODAY.toString())).contains("Date of birth must be in the past");
    }

    @Test
    void dateOutsideFixedOrRelativeBoundsSaysTheLimit() {
        Field born = field("birth-certificate", "child-birth-date");
        assertThat(check(born, "2005-01-01")).as("over 18").contains("Child's date of birth must be on or after 15 June 2007");
        Field start = field("building-permit", "start-date");
        assertThat(check(start, TODAY.minusDays(1).toString())).contains("Date you plan to start work must be today or in the future");
        assertThat(check(start, TODAY.toString())).isEmpty();
        Field fixed = only(CatalogueRefusalTest.DOG_LICENCE.replace("type: TEXT", "type: DATE") + "        max: 2024-03-03\n");
        assertThat(check(fixed, "2024-03-04")).contains("Dog's name must be on or before 3 March 2024");
    }

    @Test
    void datesAreShownTheGovUkWay() {
        assertThat(Answers.display(field("building-permit", "start-date"), List.of("2024-03-03"))).isEqualTo("3 March 2024");
    }

    @Test
    void personalNumberInLowerCaseIsAcceptedAndUpperCased() {
        Field nid = field("birth-certificate", "child-personal-number");
        assertThat(check(nid, "j85117101s")).isEmpty();
        assertThat(Answers.normalise(nid, List.of(" j85117101s "))).containsExactly("J85117101S");
        assertThat(Answers.display(nid, List.of("j85117101s"))).isEqualTo("J85117101S");
    }

    @Test
    void personalNumberInAnotherFormatIsRefused() {
        Field nid = field("birth-certificate", "child-personal-number");
        String message = "Enter a personal number in the correct format, like J85117101S";
        assertThat(check(nid, "J8511710S")).contains(message);
        assertThat(check(nid, "Z85117101S")).as("first letter after T").contains(message);
        assertThat(check(nid, "J85117101Z")).as("last letter after W").contains(message);
        assertThat(check(nid, "J851171O1S")).as("a letter O among the digits").contains(message);
    }

    @Test
    void businessNumberIsUpperCasedAndChecked() {
        Field nuis = field("business-extract", "nuis");
        assertThat(check(nuis, "l91234567a")).isEmpty();
        assertThat(Answers.normalise(nuis, List.of("l91234567a"))).containsExactly("L91234567A");
        assertThat(check(nuis, "L9123456A")).contains("Enter a NUIS in the correct format, like L91234567A");
    }

    @Test
    void phoneNumberMustBeAlbanianOrInternational() {
        Field phone = field("building-permit", "phone");
        assertThat(check(phone, "069 123 4567")).isEmpty();
        assertThat(check(phone, "+355 69 123 4567")).isEmpty();
        assertThat(check(phone, "(04) 222-3333")).isEmpty();
        assertThat(check(phone, "0044 20 7946 0958")).isEmpty();
        assertThat(check(phone, "69 12")).contains(
                "Phone number must be an Albanian number, like 069 123 4567, or an international number, like +44 20 7946 0958");
        assertThat(check(phone, "call me")).isPresent();
        assertThat(check(phone, "0".repeat(31))).contains("Phone number must be 30 characters or less");
    }

    @Test
    void emailAddressMustLookLikeOne() {
        Field email = field("residence-certificate", "email");
        assertThat(check(email, "arta.hoxha@example.al")).isEmpty();
        assertThat(check(email, "arta.hoxha@example")).contains("Enter an email address in the correct format, like name@example.com");
        assertThat(check(email, "arta hoxha@example.al")).isPresent();
    }

    @Test
    void numberMustBeWholeAndWithinItsBounds() {
        Field zone = field("building-permit", "cadastral-zone");
        assertThat(check(zone, "8270")).isEmpty();
        assertThat(check(zone, "82.70")).contains("Cadastral zone number must be a whole number, like 12");
        assertThat(check(zone, "999")).contains("Cadastral zone number must be 1000 or more");
        assertThat(check(zone, "10000")).contains("Cadastral zone number must be 9999 or less");
        assertThat(check(zone, "99999999999999999999")).as("too long to parse").isPresent();
    }

    @Test
    void wholeApplicationIsCheckedOnlyOnThePagesThatApply() {
        Service birth = service("birth-certificate");
        Map<String, List<String>> self = Map.of("for-whom", List.of("self"), "reason", List.of("school"), "language", List.of("sq"));
        assertThat(Answers.checkAll(birth, self, TODAY)).isEmpty();
        Map<String, List<String>> child = Map.of("for-whom", List.of("child"), "reason", List.of("school"), "language", List.of("sq"));
        assertThat(Answers.checkAll(birth, child, TODAY)).containsExactly(
                Map.entry("child-name", "Enter your child's full name"), Map.entry("child-birth-date", "Enter your child's date of birth"));
    }

    @Test
    void answersToPagesThatNoLongerApplyAreDropped() {
        Service birth = service("birth-certificate");
        Map<String, List<String>> changed = Map.of("for-whom", List.of("self"), "child-name", List.of("Drita"),
                "reason", List.of(" school "), "language", List.of("sq"), "unknown", List.of("x"));
        assertThat(Answers.applicable(birth, changed)).containsExactly(
                Map.entry("for-whom", List.of("self")), Map.entry("reason", List.of("school")), Map.entry("language", List.of("sq")));
    }

    @Test
    void pageErrorsComeInFieldOrder() {
        FormPage page = service("birth-certificate").page("reason").orElseThrow();
        assertThat(Answers.checkPage(page, Map.of(), TODAY)).containsExactly(Map.entry("reason", "Select the reason you need the certificate"));
    }

    private static Optional<String> check(Field f, String... values) {
        return Answers.check(f, List.of(values), TODAY);
    }

    private static Service service(String id) {
        return BUILT_IN.service(id).orElseThrow();
    }

    private static Field field(String service, String field) {
        return service(service).field(field).orElseThrow();
    }

    /** The one field of a service file, as the catalogue loads it (with its defaults applied). */
    static Field only(String serviceYaml) {
        return Catalogue.read("a test", Map.of(Catalogue.INSTITUTIONS, CatalogueRefusalTest.INSTITUTIONS, "dog-licence.yaml", serviceYaml))
                .service("dog-licence").orElseThrow().fields().get(0);
    }
}
