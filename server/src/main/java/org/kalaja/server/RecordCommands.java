package org.kalaja.server;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Convenience commands for records on a running node; each maps to one API call. */
final class RecordCommands {
    private RecordCommands() {
    }

    /** Runs {@code work}, turning a {@link RemoteNode.Failure} into its message and exit code. */
    static int run(Runnable work) {
        try {
            work.run();
            return 0;
        } catch (RemoteNode.Failure f) {
            System.err.println("kalaja: " + f.getMessage());
            return f.exitCode;
        }
    }

    static String path(String collection, @Nullable String key) {
        return "/api/v1/records/" + enc(collection) + (key == null ? "" : "/" + enc(key));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "get", description = "Prints a record (or the version at a log index / time).")
    static final class Get implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(index = "0", paramLabel = "COLLECTION") String collection;
        @Parameters(index = "1", paramLabel = "KEY") String key;
        @Option(names = "--at", description = "the version current just after this log index") @Nullable Long at;
        @Option(names = "--as-of", description = "the version current at this ISO-8601 time") @Nullable String asOf;

        @Override
        public Integer call() {
            return run(() -> {
                String query = at != null ? "?at=" + at : asOf != null ? "?asOf=" + enc(asOf) : "";
                RemoteNode.Response r = RemoteNode.ok(node.send("GET", path(collection, key) + query, null, Map.of()));
                System.err.println("version " + r.header("kalaja-version") + ", log index " + r.header("kalaja-index"));
                System.out.println(RemoteNode.pretty(RemoteNode.parse(r.body())));
            });
        }
    }

    @Command(name = "put", description = "Creates or replaces a record with a JSON object (argument or stdin).")
    static final class Put implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(index = "0", paramLabel = "COLLECTION") String collection;
        @Parameters(index = "1", paramLabel = "KEY") String key;
        @Parameters(index = "2", paramLabel = "JSON", defaultValue = "-", description = "the body; - reads stdin") String json;
        @Option(names = "--if-match", description = "only if the record is at this version") @Nullable Long ifMatch;
        @Option(names = "--idempotency-key", description = "a retry with the same key never writes twice") @Nullable String idem;

        @Override
        public Integer call() throws IOException {
            String body = json.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : json;
            return run(() -> System.out.println(RemoteNode.pretty(node.call("PUT", path(collection, key), body, headers(ifMatch, idem)))));
        }
    }

    @Command(name = "delete", description = "Deletes a record; its history stays.")
    static final class Delete implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(index = "0", paramLabel = "COLLECTION") String collection;
        @Parameters(index = "1", paramLabel = "KEY") String key;
        @Option(names = "--if-match", description = "only if the record is at this version") @Nullable Long ifMatch;
        @Option(names = "--idempotency-key") @Nullable String idem;

        @Override
        public Integer call() {
            return run(() -> System.out.println(RemoteNode.pretty(node.call("DELETE", path(collection, key), null, headers(ifMatch, idem)))));
        }
    }

    @Command(name = "history", description = "Lists a record's versions, newest first.")
    static final class History implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(index = "0", paramLabel = "COLLECTION") String collection;
        @Parameters(index = "1", paramLabel = "KEY") String key;
        @Option(names = "--before", description = "versions older than this one") @Nullable Long before;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() {
            String query = "?limit=" + limit + (before != null ? "&before=" + before : "");
            return run(() -> System.out.println(RemoteNode.pretty(node.call("GET", path(collection, key) + "/history" + query, null, Map.of()))));
        }
    }

    @Command(name = "list", description = "Lists the keys of a collection, in key order.")
    static final class ListKeys implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(index = "0", paramLabel = "COLLECTION") String collection;
        @Option(names = "--after", description = "keys after this one (the previous page's \"next\")") @Nullable String after;
        @Option(names = "--limit", defaultValue = "100") int limit;

        @Override
        public Integer call() {
            String query = "?limit=" + limit + (after != null ? "&after=" + enc(after) : "");
            return run(() -> System.out.println(RemoteNode.pretty(node.call("GET", path(collection, null) + query, null, Map.of()))));
        }
    }

    private static Map<String, String> headers(@Nullable Long ifMatch, @Nullable String idem) {
        Map<String, String> h = new LinkedHashMap<>();
        if (ifMatch != null) h.put("If-Match", "\"" + ifMatch + "\"");
        if (idem != null) h.put("Idempotency-Key", idem);
        return h;
    }
}
