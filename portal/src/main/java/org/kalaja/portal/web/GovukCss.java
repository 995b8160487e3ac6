package org.kalaja.portal.web;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * GOV.UK Frontend's compiled CSS (the WebJar on the classpath) as the portal serves it. Its licence
 * (MIT) lets anyone reuse the code, but the GDS Transport font is for GOV.UK services only: the
 * {@code @font-face} rules are removed and the font's name dropped from every stack, so browsers use
 * the system font and never ask for the font files.
 */
final class GovukCss {
    static final String PATH = "META-INF/resources/webjars/govuk-frontend/5.14.0/dist/govuk/govuk-frontend.min.css";
    private static final Pattern FONT_FACE = Pattern.compile("@font-face\\{[^}]*\\}");
    private static final Pattern GDS_FONT = Pattern.compile("\"?GDS Transport\"?,\\s*");
    private static final Pattern SOURCE_MAP = Pattern.compile("/\\*# sourceMappingURL=[^*]*\\*/");

    private GovukCss() {
    }

    static byte[] load() {
        String css = new String(PortalWeb.resource(PATH), StandardCharsets.UTF_8);
        css = FONT_FACE.matcher(css).replaceAll("");
        css = GDS_FONT.matcher(css).replaceAll("");
        css = SOURCE_MAP.matcher(css).replaceAll("");
        return css.getBytes(StandardCharsets.UTF_8);
    }
}
