package org.kalaja.server;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.sentinel.export.FileSink;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The sentinel's flags on {@code kalaja serve}: rules, audit export, the state audit, personal data. A picocli mixin. */
final class SentinelOptions {
    @Option(names = "--rules", paramLabel = "DIR", description = "a folder of Sigma rules loaded after the defaults (a rule with "
            + "a default's id replaces it); repeatable (default: DATA/rules when it exists)")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--audit-out", paramLabel = "FILE", description = "append audit events as NDJSON to FILE, - for standard "
            + "output; repeatable")
    List<String> auditOut = new ArrayList<>();

    @Option(names = "--audit-format", paramLabel = "ocsf|ecs", defaultValue = "ocsf",
            description = "schema of --audit-out lines: OCSF 1.8.0 or ECS 9.4.0 (default: ${DEFAULT-VALUE})")
    String auditFormat;

    @Option(names = "--syslog", paramLabel = "URI", description = "send audit events to syslog (RFC 5424): tcp://, tls:// or udp://host:port")
    @Nullable URI syslog;

    @Option(names = "--webhook", paramLabel = "URI", description = "POST audit events to this URL, signed with the secret in env "
            + "KALAJA_WEBHOOK_SECRET")
    @Nullable URI webhook;

    @Option(names = "--state-audit-interval", paramLabel = "DURATION", defaultValue = "10m",
            description = "how often the store's state is compared with the log, e.g. 30s, 10m, 1h (default: ${DEFAULT-VALUE})")
    String stateAuditInterval;

    @Option(names = "--personal", paramLabel = "COLLECTIONS", split = ",", description = "the collections holding personal data, "
            + "whose reads are audited (default: all)")
    List<String> personal = new ArrayList<>();

    NodeSentinel.Options resolve(CommandLine cl) {
        FileSink.Format format = switch (auditFormat.toLowerCase(Locale.ROOT)) {
            case "ocsf" -> FileSink.Format.OCSF;
            case "ecs" -> FileSink.Format.ECS;
            default -> throw new CommandLine.ParameterException(cl, "--audit-format is ocsf or ecs, got " + auditFormat);
        };
        for (Path dir : rules) {
            if (!Files.exists(dir)) throw new CommandLine.ParameterException(cl, "--rules " + dir + " does not exist");
        }
        byte[] secret = null;
        if (webhook != null) {
            String s = System.getenv("KALAJA_WEBHOOK_SECRET");
            if (s == null || s.isBlank()) {
                throw new CommandLine.ParameterException(cl, "--webhook needs the shared secret in env KALAJA_WEBHOOK_SECRET");
            }
            secret = s.getBytes(StandardCharsets.UTF_8);
        }
        Set<String> collections = personal.isEmpty() || personal.contains("*") ? null : new LinkedHashSet<>(personal);
        Duration interval;
        try {
            interval = duration(stateAuditInterval);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--state-audit-interval: " + e.getMessage());
        }
        return new NodeSentinel.Options(rules, collections, interval, auditOut, format, syslog, webhook, secret);
    }

    /** {@code 30s}, {@code 10m}, {@code 1h}, {@code 500ms} or ISO-8601 {@code PT10M}; at least one second. */
    static Duration duration(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.startsWith("pt")) {
                d = Duration.parse(t);
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new IllegalArgumentException("unit");
                };
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("give a duration such as 30s, 10m or 1h; got '" + s + "'");
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) throw new IllegalArgumentException("at least 1s; got '" + s + "'");
        return d;
    }
}
