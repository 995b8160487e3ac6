package org.kalaja.testkit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Searching stored bytes for text that must not be there in clear (sealed personal data): files under
 * a directory, or a PostgreSQL dump, as one string of one ISO-8859-1 character per byte, so that a byte
 * search is a string search.
 */
public final class ClearText {
    private ClearText() {
    }

    /** Every regular file under {@code dir}, in path order; fails when there is none (a search of nothing proves nothing). */
    public static String under(Path dir) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int files = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                all.writeBytes(Files.readAllBytes(f));
                files++;
            }
        }
        if (files == 0) throw new AssertionError("no files under " + dir + " to search");
        return all.toString(ISO_8859_1);
    }

    /** A plain-text {@code pg_dump} of {@code database} on the local server at {@code port}. */
    public static String pgDump(int port, String user, String database) throws IOException, InterruptedException {
        String pgDump = Files.isExecutable(Path.of("/usr/bin/pg_dump")) ? "/usr/bin/pg_dump" : "pg_dump";
        Process p = new ProcessBuilder(pgDump, "--no-owner", "-h", "localhost", "-p", Integer.toString(port), "-U", user, database)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] dump = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0 || dump.length < 1000) throw new AssertionError("pg_dump of " + database + " failed (exit " + p.exitValue() + ")");
        return new String(dump, ISO_8859_1);
    }

    /** Whether {@code stored} holds {@code needle} as UTF-8, or as hex in either case (how dumps and exports print binary). */
    public static boolean contains(String stored, String needle) {
        byte[] text = needle.getBytes(UTF_8);
        String hex = HexFormat.of().formatHex(text);
        return stored.contains(new String(text, ISO_8859_1)) || stored.contains(hex) || stored.contains(hex.toUpperCase(Locale.ROOT));
    }
}
