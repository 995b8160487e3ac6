package org.kalaja.server.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The vault a drill ships to, and what each process that opens it gets besides the drill's own
 * environment (which it inherits): S3 credentials the drill was given as Java system properties.
 *
 * @param url as for {@code serve --vault}: a new directory or prefix, since a vault is write-once and
 *            another drill's log there would collide
 */
record DrillVault(String url, Map<String, String> env) {
    /** Whether {@code given} names a vault a drill can use: an existing directory, or an S3 URL. */
    static boolean usable(String given) {
        return given.startsWith("s3://") || given.startsWith("dir:") && Files.isDirectory(Path.of(given.substring("dir:".length())));
    }

    /** A new directory in {@code work} if {@code given} is null, else a new sub-directory or prefix {@code drill-<time>-<random>} of it. */
    static DrillVault create(@Nullable String given, Path work) throws IOException {
        return new DrillVault(fresh(given, work), credentials());
    }

    /** The vault URL without its parameters (which may name a profile or an endpoint's details), for progress lines. */
    String shown() {
        return url.replaceAll("\\?.*", "");
    }

    private static String fresh(@Nullable String given, Path work) throws IOException {
        if (given == null) return "dir:" + Files.createDirectory(work.resolve("vault"));
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        String fresh = "drill-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + HexFormat.of().formatHex(random);
        if (given.startsWith("dir:")) return "dir:" + Files.createDirectory(Path.of(given.substring("dir:".length())).resolve(fresh));
        int query = given.indexOf('?');
        String path = query < 0 ? given : given.substring(0, query);
        return (path.endsWith("/") ? path : path + "/") + fresh + (query < 0 ? "" : given.substring(query));
    }

    private static Map<String, String> credentials() {
        Map<String, String> env = new HashMap<>();
        for (String[] p : new String[][] {{"aws.accessKeyId", "AWS_ACCESS_KEY_ID"}, {"aws.secretAccessKey", "AWS_SECRET_ACCESS_KEY"}}) {
            String value = System.getProperty(p[0]);
            if (value != null && System.getenv(p[1]) == null) env.put(p[1], value);
        }
        return Map.copyOf(env);
    }
}
