package org.kalaja.vault.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the {@code s3://} URL of {@link S3Vault#parse}; every fault is an IllegalArgumentException that names it. */
final class S3VaultUrl {
    private static final Set<String> KNOWN = Set.of("endpoint", "region", "path-style", "retention-days",
            "retention-seconds", "profile", "later-versions");
    private static final String FORM = "s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true|false"
            + "&retention-days=N&profile=NAME&later-versions=refuse|read-first]";

    private S3VaultUrl() {}

    static S3VaultConfig parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw bad("it is not a URL (" + e.getReason() + ")");
        }
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw bad("it does not start with s3://");
        }
        if (uri.getRawUserInfo() != null) {
            throw bad("it holds user information; credentials never go in the vault URL: set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY in the environment, or name a profile with profile=NAME");
        }
        if (uri.getHost() == null || uri.getPort() != -1) {
            throw bad("it names no bucket (s3://BUCKET/...)");
        }
        String path = uri.getRawPath() == null ? "" : decode(uri.getRawPath());
        String prefix = path.replaceFirst("^/+", "");
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        Map<String, String> params = params(uri.getRawQuery());
        S3VaultConfig config = S3VaultConfig.of(uri.getHost()).withPrefix(prefix);
        String endpoint = params.get("endpoint");
        if (endpoint != null) {
            config = config.withEndpoint(URI.create(endpoint)).withPathStyle(true);
        }
        if (params.containsKey("region")) {
            config = config.withRegion(params.get("region"));
        }
        if (params.containsKey("path-style")) {
            config = config.withPathStyle(bool("path-style", params.get("path-style")));
        }
        if (params.containsKey("retention-days") && params.containsKey("retention-seconds")) {
            throw bad("give retention-days or retention-seconds, not both");
        }
        if (params.containsKey("retention-days")) {
            config = config.withRetention(Duration.ofDays(positive("retention-days", params.get("retention-days"), 36_500)));
        }
        if (params.containsKey("retention-seconds")) {
            config = config.withRetention(Duration.ofSeconds(positive("retention-seconds", params.get("retention-seconds"), 36_500L * 86_400)));
        }
        if (params.containsKey("profile")) {
            config = config.withProfile(params.get("profile"));
        }
        if (params.containsKey("later-versions")) {
            config = config.withLaterVersions(switch (params.get("later-versions")) {
                case "refuse" -> S3VaultConfig.LaterVersions.REFUSE;
                case "read-first" -> S3VaultConfig.LaterVersions.READ_FIRST;
                default -> throw bad("later-versions is refuse or read-first");
            });
        }
        return config;
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (name.contains("key") || name.contains("secret") || name.contains("token") || name.contains("password")) {
                throw bad("it has a parameter named like a credential; credentials never go in the vault URL: set"
                        + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, or name a profile with profile=NAME");
            }
            if (!KNOWN.contains(name)) {
                throw bad("unknown parameter \"" + S3VaultConfig.printable(name) + "\"; known: " + String.join(", ",
                        KNOWN.stream().sorted().toList()));
            }
            if (eq < 0 || eq == pair.length() - 1) {
                throw bad("parameter " + name + " has no value");
            }
            if (params.put(name, decode(pair.substring(eq + 1))) != null) {
                throw bad("parameter " + name + " is given twice");
            }
        }
        return params;
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(name + " is true or false");
        };
    }

    private static long positive(String name, String value, long max) {
        try {
            long n = Long.parseLong(value);
            if (n > 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(name + " is a whole number from 1 to " + max);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("bad S3 vault URL: " + why + ". The form is " + FORM);
    }
}
