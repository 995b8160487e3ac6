package org.kalaja.portal.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake an author can make in a catalogue file is refused with the file, service and field named. */
class CatalogueRefusalTest {
    static final String INSTITUTIONS = """
            institutions:
              - id: civil-registry
                name: General Directorate of Civil Status
            """;
    static final String DOG_LICENCE = """
            id: dog-licence
            name: Apply for a dog licence
            summary: Register your dog with the municipality.
            institution: civil-registry
            documentTitle: Dog licence
            serviceLevelDays: 5
            fee: Free
            pages:
              - fields:
                  - id: dog-name
                    type: TEXT
                    label: What is your dog's name?
                    requiredMessage: Enter your dog's name
            """;
    private static final String FIELD = """
                  - id: dog-name
                    type: TEXT
                    label: What is your dog's name?
                    requiredMessage: Enter your dog's name
            """;

    @TempDir Path dir;

    @Test
    void theMinimalServiceLoads() throws IOException {
        write("dog-licence.yaml", DOG_LICENCE);
        assertThat(Catalogue.load(dir).service("dog-licence")).isPresent();
    }

    @Test
    void unknownFieldTypeIsRefusedWithTheTypesToChooseFrom() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE.replace("type: TEXT", "type: RADIO")))
                .contains("unknown field type 'RADIO'", "RADIOS, CHECKBOXES");
    }

    @Test
    void lowerCaseFieldTypeIsAccepted() throws IOException {
        write("dog-licence.yaml", DOG_LICENCE.replace("type: TEXT", "type: yes-no"));
        assertThat(Catalogue.load(dir).service("dog-licence").orElseThrow().fields().get(0).type()).isEqualTo(FieldType.YES_NO);
    }

    @Test
    void duplicateFieldIdsAcrossPagesAreRefused() throws IOException {
        assertThat(refusal(DOG_LICENCE + "  - id: second\n    fields:\n" + FIELD))
                .contains("dog-licence.yaml", "service 'dog-licence'", "page 'second'", "duplicate field id 'dog-name'");
    }

    @Test
    void duplicatePageIdsAreRefused() throws IOException {
        String twoPages = DOG_LICENCE.replace("  - fields:", "  - id: about\n    fields:") + "  - id: about\n    fields:\n" + FIELD.replace("dog-name", "dog-breed");
        assertThat(refusal(twoPages)).contains("dog-licence.yaml", "service 'dog-licence'", "page 'about'", "duplicate page id 'about'");
    }

    @Test
    void duplicateServiceIdsInTwoFilesAreRefused() throws IOException {
        write("dog-licence.yaml", DOG_LICENCE);
        assertThat(refusal("other.yaml", DOG_LICENCE))
                .contains("other.yaml", "service 'dog-licence'", "duplicate service id, also declared in dog-licence.yaml");
    }

    @Test
    void fileMustBeNamedAfterItsService() throws IOException {
        assertThat(refusal("dog.yaml", DOG_LICENCE)).contains("dog.yaml", "MUST be named dog-licence.yaml");
    }

    @Test
    void ymlFileIsRefusedRatherThanIgnored() throws IOException {
        write("dog-licence.yaml", DOG_LICENCE);
        assertThat(refusal("cat-licence.yml", DOG_LICENCE.replace("dog-licence", "cat-licence")))
                .contains("cat-licence.yml: catalogue files end in .yaml; rename it");
    }

    @Test
    void unknownInstitutionIsRefusedWithTheKnownOnes() throws IOException {
        assertThat(refusal(DOG_LICENCE.replace("institution: civil-registry", "institution: civil-registy")))
                .contains("dog-licence.yaml", "service 'dog-licence'", "'institution' is 'civil-registy'", "use one of civil-registry");
    }

    @Test
    void radiosWithoutOptionsAreRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE.replace("type: TEXT", "type: RADIOS")))
                .contains("a RADIOS field needs 'options'");
    }

    @Test
    void optionsOnATextFieldAreRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE + "        options:\n          - value: rex\n            label: Rex\n"))
                .contains("'options' is only for RADIOS, CHECKBOXES and SELECT, not TEXT");
    }

    @Test
    void badRegularExpressionIsRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE + "        pattern: \"[A-Z\"\n        patternMessage: Enter a name like Rex\n"))
                .contains("'pattern' is not a valid regular expression", "[A-Z");
    }

    @Test
    void patternWithoutItsMessageIsRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE + "        pattern: \"[A-Z][a-z]+\"\n"))
                .contains("'pattern' needs a 'patternMessage'");
    }

    @Test
    void minLengthAboveMaxLengthIsRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE + "        minLength: 30\n        maxLength: 20\n"))
                .contains("'minLength' (30) is more than 'maxLength' (20)");
    }

    @Test
    void numberMinAboveMaxIsRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE.replace("type: TEXT", "type: NUMBER") + "        min: 10\n        max: 1\n"))
                .contains("'min' (10) is more than 'max' (1)");
    }

    @Test
    void dateMinAfterMaxIsRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE.replace("type: TEXT", "type: DATE") + "        min: today\n        max: today-1\n"))
                .contains("'min' (today) is after 'max' (today-1)");
        assertThat(fieldProblem(DOG_LICENCE.replace("type: TEXT", "type: DATE") + "        min: today-1y\n        max: today-13m\n"))
                .contains("'min' (today-1y) is after 'max' (today-13m)");
    }

    @Test
    void unrealDateBoundIsRefused() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE.replace("type: TEXT", "type: DATE") + "        max: 2024-02-30\n"))
                .contains("'max' is '2024-02-30'", "a real ISO date");
    }

    @Test
    void idsMustBeLowerCaseWordsJoinedByHyphens() throws IOException {
        assertThat(refusal(DOG_LICENCE.replace("id: dog-name", "id: Dog_Name")))
                .contains("dog-licence.yaml", "service 'dog-licence'", "field 'Dog_Name'", "'id' is 'Dog_Name'", "like 'dog-name'");
    }

    @Test
    void unknownPropertyIsRefusedWithTheLikelySpelling() throws IOException {
        assertThat(fieldProblem(DOG_LICENCE + "        maxlength: 20\n"))
                .contains("unknown property 'maxlength'", "did you mean 'maxLength'?");
    }

    @Test
    void missingPropertyIsRefusedSayingWhatToAdd() throws IOException {
        assertThat(refusal(DOG_LICENCE.replace("documentTitle: Dog licence\n", "")))
                .contains("service 'dog-licence'", "'documentTitle' is missing; add the title printed on the issued document");
    }

    @Test
    void conditionOnALaterOrUnknownFieldIsRefused() throws IOException {
        assertThat(refusal(DOG_LICENCE.replace("  - fields:", "  - when:\n      field: owner\n      is: self\n    fields:")))
                .contains("page 'dog-name'", "'field' is 'owner', which is not a field on an earlier page");
    }

    @Test
    void conditionOnAValueTheFieldDoesNotOfferIsRefused() throws IOException {
        assertThat(refusal(breedPageAskedWhenDogNameIs("maybe")))
                .contains("page 'dog-breed'", "'is' names 'maybe', which is not an option of field 'dog-name'; use one of yes, no");
    }

    @Test
    void unquotedYesIsRefusedWithAdviceToQuoteIt() throws IOException {
        assertThat(refusal(breedPageAskedWhenDogNameIs("yes")))
                .contains("'is'", "put the text in quotes");
    }

    @Test
    void quotedYesIsAValidCondition() throws IOException {
        write("dog-licence.yaml", breedPageAskedWhenDogNameIs("\"yes\""));
        assertThat(Catalogue.load(dir).service("dog-licence").orElseThrow().page("dog-breed").orElseThrow().when())
                .isEqualTo(new Condition("dog-name", List.of("yes")));
    }

    /** The dog licence with its question made YES_NO and a second page asked when its answer is {@code value}. */
    private static String breedPageAskedWhenDogNameIs(String value) {
        return DOG_LICENCE.replace("type: TEXT", "type: YES_NO") + "  - when:\n      field: dog-name\n      is: " + value + "\n    fields:\n"
                + FIELD.replace("dog-name", "dog-breed");
    }

    @Test
    void invalidYamlNamesTheLine() throws IOException {
        assertThat(refusal(DOG_LICENCE.replace("fee: Free", "fee: Free\n  oops: [")))
                .contains("dog-licence.yaml", "not valid YAML at line");
    }

    @Test
    void keyWrittenTwiceIsRefused() throws IOException {
        assertThat(refusal(DOG_LICENCE.replace("fee: Free", "fee: Free\nfee: 100 lekë"))).contains("dog-licence.yaml", "Duplicate field 'fee'");
    }

    @Test
    void catalogueWithoutInstitutionsFileIsRefused() throws IOException {
        Files.writeString(dir.resolve("dog-licence.yaml"), DOG_LICENCE);
        assertThatThrownBy(() -> Catalogue.load(dir)).isInstanceOf(CatalogueException.class).hasMessageContaining("institutions.yaml: missing");
    }

    @Test
    void duplicateInstitutionIdsAreRefused() throws IOException {
        Files.writeString(dir.resolve("institutions.yaml"), INSTITUTIONS + INSTITUTIONS.substring(INSTITUTIONS.indexOf('\n') + 1));
        Files.writeString(dir.resolve("dog-licence.yaml"), DOG_LICENCE);
        assertThatThrownBy(() -> Catalogue.load(dir)).hasMessageContaining("institutions.yaml: institution 'civil-registry': duplicate institution id");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        write("dog-licence.yaml", DOG_LICENCE.replace("type: TEXT", "type: RADIO").replace("serviceLevelDays: 5", "serviceLevelDays: soon"));
        write("cat-licence.yaml", DOG_LICENCE.replace("dog-licence", "cat-licence").replace("institution: civil-registry", "institution: vets"));
        CatalogueException e = catchRefusal();
        assertThat(e.problems()).hasSize(3);
        assertThat(e.problems()).anyMatch(p -> p.startsWith("dog-licence.yaml") && p.contains("unknown field type"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("dog-licence.yaml") && p.contains("'serviceLevelDays' must be a whole number"));
        assertThat(e.problems()).anyMatch(p -> p.startsWith("cat-licence.yaml") && p.contains("'institution' is 'vets'"));
    }

    /** The one problem of the dog licence's field, once it is shown to name the file, service, page and field. */
    private String fieldProblem(String serviceYaml) throws IOException {
        String where = "dog-licence.yaml: service 'dog-licence', page 'dog-name', field 'dog-name': ";
        String problem = refusal(serviceYaml);
        assertThat(problem).startsWith(where).doesNotContain("\n");
        return problem.substring(where.length());
    }

    private String refusal(String serviceYaml) throws IOException {
        return refusal("dog-licence.yaml", serviceYaml);
    }

    private String refusal(String file, String serviceYaml) throws IOException {
        write(file, serviceYaml);
        return String.join("\n", catchRefusal().problems());
    }

    private CatalogueException catchRefusal() {
        try {
            Catalogue.load(dir);
        } catch (CatalogueException e) {
            return e;
        }
        throw new AssertionError("the catalogue in " + dir + " loaded, but it should have been refused");
    }

    private void write(String file, String text) throws IOException {
        if (!Files.exists(dir.resolve("institutions.yaml"))) Files.writeString(dir.resolve("institutions.yaml"), INSTITUTIONS);
        Files.writeString(dir.resolve(file), text);
    }
}
