package org.kalaja.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This build's version, from the file Maven fills in at build time. */
final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
