package org.kalaja.portal.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/portal/SERVICES.md says what the reader does: its example is a shipped file and its tables list exactly the keys accepted. */
class ServicesDocTest {
    private static final Path DOC = Path.of("..", "docs", "portal", "SERVICES.md");
    private static final Pattern ROW_KEY = Pattern.compile("^\\| `([A-Za-z_]+)` \\|");

    @Test
    void docsExampleIsTheBuiltInBirthCertificate() throws IOException {
        String doc = Files.readString(DOC);
        int marker = doc.indexOf("<!-- example: birth-certificate.yaml -->");
        assertThat(marker).as("the example's marker").isPositive();
        int start = doc.indexOf("```yaml\n", marker) + "```yaml\n".length();
        String quoted = doc.substring(start, doc.indexOf("```\n", start));
        try (InputStream in = Catalogue.class.getResourceAsStream("/org/kalaja/portal/services/birth-certificate.yaml")) {
            assertThat(quoted).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void keyTablesListExactlyTheKeysTheReaderAccepts() throws IOException {
        assertThat(keysUnder("### `institutions.yaml`")).containsExactlyElementsOf(Catalogue.INSTITUTION_KEYS.keySet());
        assertThat(keysUnder("### Service file")).containsExactlyElementsOf(ServiceReader.KEYS.keySet());
        assertThat(keysUnder("### Approval step")).containsExactlyElementsOf(ServiceReader.STEP_KEYS.keySet());
        assertThat(keysUnder("### Page")).containsExactlyElementsOf(ServiceReader.PAGE_KEYS.keySet());
        assertThat(keysUnder("### Condition (`when`)")).containsExactlyElementsOf(ServiceReader.WHEN_KEYS.keySet());
        assertThat(keysUnder("### Field\n")).containsExactlyElementsOf(FieldReader.KEYS.keySet());
        assertThat(keysUnder("### Field types")).containsExactlyElementsOf(Arrays.stream(FieldType.values()).map(Enum::name).toList());
    }

    /** The backquoted first cells of the table in the section that starts with {@code heading}. */
    private static List<String> keysUnder(String heading) throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf(heading);
        assertThat(start).as(heading).isNotNegative();
        int end = doc.indexOf("\n#", start + heading.length());
        List<String> keys = new ArrayList<>();
        for (String line : doc.substring(start, end < 0 ? doc.length() : end).lines().toList()) {
            Matcher m = ROW_KEY.matcher(line);
            if (m.find()) keys.add(m.group(1));
        }
        return keys;
    }
}
