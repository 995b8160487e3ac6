package org.kalaja.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.VerifierKey;

/**
 * Trust on first use for witnesses given without a key: the key a witness serves at {@code GET <url>vkey}
 * is pinned in {@value #FILE} in the data directory the first time, and a later start whose witness
 * serves another key refuses to start: a changed key is a replaced witness, or someone answering in its
 * place.
 *
 * <p>Format: one line per witness, {@code <url> <vkey>}, appended, never rewritten by Kalaja.
 */
final class WitnessPins {
    static final String FILE = "witnesses.pinned";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Path file;
    private final Map<String, VerifierKey> pinned;
    private final Map<String, VerifierKey> toPin = new LinkedHashMap<>();

    private WitnessPins(Path file, Map<String, VerifierKey> pinned) {
        this.file = file;
        this.pinned = pinned;
    }

    /** Reads the pins of {@code dataDir}, if it has any; creates nothing. */
    static WitnessPins read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        Map<String, VerifierKey> pinned = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    String[] parts = line.strip().split(" ");
                    if (parts.length != 2) throw new IllegalArgumentException(file + ": a line is '<url> <vkey>', got '" + line + "'");
                    pinned.put(parts[0], VerifierKey.parse(parts[1]));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return new WitnessPins(file, pinned);
    }

    /**
     * The key of the witness at {@code url}: the one it serves, checked against the pin if there is one.
     *
     * @throws IllegalArgumentException if the key cannot be had, or differs from the pinned one
     */
    VerifierKey keyOf(URI url) {
        String name = url.toString();
        VerifierKey pin = pinned.get(name);
        Optional<VerifierKey> served;
        String failure = "";
        try {
            served = Optional.of(fetch(url));
        } catch (IOException | IllegalArgumentException e) {
            served = Optional.empty();
            failure = e.getMessage();
        }
        if (pin != null) {
            if (served.isPresent() && !served.get().equals(pin)) {
                throw new IllegalArgumentException("witness " + name + " now serves the key " + served.get() + " but " + pin
                        + " was pinned in " + file + " on first use: the witness was replaced, or someone answers in its"
                        + " place. If its operator confirms a new key, give it as --witness " + name + "#<vkey>");
            }
            if (served.isEmpty()) {
                System.err.println("kalaja: warning: witness " + name + " did not serve its key (" + failure
                        + "); using the key pinned in " + file);
            }
            return pin;
        }
        if (served.isEmpty()) {
            throw new IllegalArgumentException("cannot fetch the key of witness " + name + " from " + name + "vkey ("
                    + failure + "); give it as --witness " + name + "#<vkey>");
        }
        VerifierKey key = served.get();
        System.err.println("kalaja: warning: trusting witness key " + key + " as served by " + name
                + "vkey on first use; it is pinned in " + file + ". Confirm it with the witness's operator");
        toPin.put(name, key);
        return key;
    }

    /** Appends the keys trusted on first use, once the data directory exists. */
    void save() {
        if (toPin.isEmpty()) return;
        StringBuilder lines = new StringBuilder();
        toPin.forEach((url, key) -> lines.append(url).append(' ').append(key.format()).append('\n'));
        try {
            Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pin witness keys in " + file + ": " + e.getMessage(), e);
        }
        toPin.clear();
    }

    private static VerifierKey fetch(URI url) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest req = HttpRequest.newBuilder(url.resolve("vkey")).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException("GET " + req.uri() + " answered " + r.statusCode());
            VerifierKey key = VerifierKey.parse(r.body().strip());
            if (key.type() != SignatureType.COSIGNATURE_V1) {
                throw new IllegalArgumentException(req.uri() + " serves " + key + ", not a cosignature/v1 witness key");
            }
            return key;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
