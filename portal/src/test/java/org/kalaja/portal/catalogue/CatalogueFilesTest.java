package org.kalaja.portal.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueFilesTest {
    private static final Path BUILT_IN_DIR = builtInDir();

    @Test
    void builtInCatalogueOffersAtLeastSixServicesEachDecidedByAKnownInstitution() {
        Catalogue c = Catalogue.builtIn();
        assertThat(c.services()).hasSizeGreaterThanOrEqualTo(6);
        for (Service s : c.services()) {
            assertThat(c.institution(s.institution())).as(s.id()).isPresent();
            assertThat(s.fields()).as(s.id()).isNotEmpty();
            assertThat(s.serviceLevelDays()).as(s.id()).isPositive();
        }
        assertThat(c.services()).extracting(Service::id).contains("birth-certificate", "family-certificate", "residence-certificate",
                "business-extract", "criminal-record-certificate", "building-permit");
    }

    @Test
    void buildingPermitNeedsTechnicalReviewThenTheMayor() {
        Service permit = Catalogue.builtIn().service("building-permit").orElseThrow();
        assertThat(permit.approvals()).extracting(ApprovalStep::id).containsExactly("technical-review", "mayor-approval");
        assertThat(permit.institution()).isEqualTo("tirana-municipality");
    }

    @Test
    void builtInIndexListsExactlyTheFilesShipped() throws IOException {
        List<String> index = Files.readAllLines(BUILT_IN_DIR.resolve("index")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).sorted().toList();
        try (Stream<Path> files = Files.list(BUILT_IN_DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList()).isEqualTo(index);
        }
    }

    @Test
    void builtInDirectoryLoadsAsTheSameCatalogue() {
        assertThat(Catalogue.load(BUILT_IN_DIR).services()).isEqualTo(Catalogue.builtIn().services());
    }

    @Test
    void newServiceFileInTheDirectoryAppearsWithoutCode(@TempDir Path dir) throws IOException {
        copyBuiltIn(dir);
        int before = Catalogue.load(dir).services().size();
        Files.writeString(dir.resolve("dog-licence.yaml"), CatalogueRefusalTest.DOG_LICENCE);
        Catalogue c = Catalogue.load(dir);
        assertThat(c.services()).hasSize(before + 1);
        Service dog = c.service("dog-licence").orElseThrow();
        assertThat(dog.name()).isEqualTo("Apply for a dog licence");
        assertThat(dog.approvals()).isEmpty();
        assertThat(c.servicesOf("civil-registry")).contains(dog);
    }

    @Test
    void onePageFieldGivesThePageItsIdAndTitle() {
        FormPage first = Catalogue.builtIn().service("birth-certificate").orElseThrow().pages().get(0);
        assertThat(first.id()).isEqualTo("for-whom");
        assertThat(first.title()).isEqualTo("Who is the birth certificate for?");
    }

    @Test
    void servicesOfListsOnlyThatInstitutionsServices() {
        Catalogue c = Catalogue.builtIn();
        assertThat(c.servicesOf("civil-registry")).extracting(Service::id)
                .containsExactly("birth-certificate", "family-certificate", "residence-certificate");
        assertThat(c.servicesOf("no-such-institution")).isEmpty();
        assertThat(c.institution("business-centre").orElseThrow().localName()).isEqualTo("Qendra Kombëtare e Biznesit");
    }

    @Test
    void childPagesAreAskedOnlyForAChild() {
        Service birth = Catalogue.builtIn().service("birth-certificate").orElseThrow();
        List<String> self = birth.pagesFor(Map.of("for-whom", List.of("self"))).stream().map(FormPage::id).toList();
        List<String> child = birth.pagesFor(Map.of("for-whom", List.of("child"))).stream().map(FormPage::id).toList();
        assertThat(self).doesNotContain("child-name", "child-birth-date").contains("reason", "language");
        assertThat(child).containsSubsequence("for-whom", "child-name", "child-birth-date", "reason", "language");
    }

    @Test
    void yesNoFieldsOfferYesAndNo() {
        Field f = Catalogue.builtIn().service("residence-certificate").orElseThrow().field("address-history").orElseThrow();
        assertThat(f.options()).extracting(Option::value).containsExactly("yes", "no");
    }

    @Test
    void fieldsWithoutMaxLengthGetTheirTypesDefault() {
        String textarea = CatalogueRefusalTest.DOG_LICENCE.replace("type: TEXT", "type: TEXTAREA");
        assertThat(AnswersTest.only(CatalogueRefusalTest.DOG_LICENCE).maxLength()).isEqualTo(200);
        assertThat(AnswersTest.only(textarea).maxLength()).isEqualTo(2000);
        Field phone = Catalogue.builtIn().service("family-certificate").orElseThrow().field("phone").orElseThrow();
        assertThat(phone.maxLength()).isEqualTo(30);
        Field country = Catalogue.builtIn().service("criminal-record-certificate").orElseThrow().field("country").orElseThrow();
        assertThat(country.maxLength()).as("declared").isEqualTo(60);
    }

    @Test
    void builtInFieldsAreNamedInErrorsByANounNotTheirQuestion() {
        for (Service s : Catalogue.builtIn().services()) {
            for (Field f : s.fields()) {
                // Choice fields only ever show their requiredMessage; the others name themselves in length and format errors.
                if (!f.type().choice()) {
                    assertThat(Answers.name(f)).as(s.id() + "/" + f.id()).doesNotEndWith("?").doesNotContainPattern("^(What|Which|Who|How|Why) ");
                }
                assertThat(f.requiredMessage()).as(s.id() + "/" + f.id()).startsWith(f.type().choice() ? "Select" : "Enter");
            }
        }
    }

    static void copyBuiltIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(BUILT_IN_DIR)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).toList()) Files.copy(p, dir.resolve(p.getFileName()));
        }
    }

    private static Path builtInDir() {
        try {
            return Path.of(Catalogue.class.getResource("/org/kalaja/portal/services/index").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
