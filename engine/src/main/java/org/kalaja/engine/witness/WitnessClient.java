package org.kalaja.engine.witness;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Cosignature;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.VerifierKey;

/**
 * The log side of c2sp.org/tlog-witness for one witness: submits a signed checkpoint with the
 * consistency proof from the size the witness last cosigned, and checks the cosignature it returns.
 *
 * <p>The client remembers the size the witness last cosigned for this log. When it does not know it
 * (first use, after a restart, after a refusal) it sends old size 0 and learns the size from the
 * witness's 409, as the spec allows, then retries with the proof from that size. A 409 naming a size
 * above the checkpoint's, and every 422, are {@link WitnessResult.Alarm}s.
 *
 * <p>Invariants: a {@link WitnessResult.Cosigned} result carries only cosignatures that verified
 * against the configured witness key, over exactly the submitted checkpoint's text, with a non-zero
 * timestamp. Submissions through one client are serialized. Every request is bounded by the timeout.
 */
public final class WitnessClient implements AutoCloseable {
    /** One request, and up to this many retries after a 409 when another client moved the witness on. */
    static final int MAX_ATTEMPTS = 4;
    private static final int MAX_RESPONSE = 64 * 1024;

    private final URI prefix;
    private final VerifierKey key;
    private final Duration timeout;
    private final HttpClient http;
    private long knownSize = -1; // guarded by this; -1: unknown

    /**
     * A client for the witness whose submission prefix is {@code prefix} (for example
     * {@code http://witness.example:8081/}) and whose cosigner key is {@code witnessKey}.
     *
     * @throws IllegalArgumentException if the key is not a cosignature/v1 key or the URL is not http(s)
     */
    public WitnessClient(URI prefix, VerifierKey witnessKey, Duration timeout) {
        String scheme = Objects.requireNonNullElse(prefix.getScheme(), "");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("a witness URL is http:// or https://, got " + prefix);
        }
        if (witnessKey.type() != SignatureType.COSIGNATURE_V1) {
            throw new IllegalArgumentException("witness key " + witnessKey + " is a " + witnessKey.type()
                    + " key; witnesses cosign with cosignature/v1 (type 0x04) keys");
        }
        this.prefix = prefix.getPath().endsWith("/") ? prefix : URI.create(prefix + "/");
        this.key = witnessKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The submission prefix, ending in a slash. */
    public URI url() {
        return prefix;
    }

    /** The witness's cosigner key. */
    public VerifierKey key() {
        return key;
    }

    /** The size the witness last cosigned for this log, as far as this client knows. */
    public synchronized OptionalLong knownSize() {
        return knownSize < 0 ? OptionalLong.empty() : OptionalLong.of(knownSize);
    }

    /**
     * Submits {@code signedCheckpoint} (signed by the log) and returns what the witness did. Never
     * throws for what the witness or the network does; a failure of {@code proofs} is a
     * {@link WitnessResult.Refused} with status 0.
     */
    public synchronized WitnessResult submit(Note signedCheckpoint, ConsistencySource proofs) {
        Checkpoint cp = Checkpoint.of(signedCheckpoint);
        long old = knownSize >= 0 && knownSize <= cp.size() ? knownSize : 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            List<Hash> proof;
            try {
                proof = old == 0 || old == cp.size() ? List.of() : proofs.consistencyProof(old, cp.size());
            } catch (RuntimeException e) {
                return new WitnessResult.Refused(prefix, 0, "the log could not prove consistency from size " + old
                        + " to " + cp.size() + " for witness " + prefix + ": " + e.getMessage());
            }
            byte[] body = AddCheckpointRequest.of(old, proof, signedCheckpoint).format();
            Response r;
            try {
                r = post(body);
            } catch (IOException e) {
                return new WitnessResult.Unreachable(prefix, "witness " + prefix + " unreachable: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new WitnessResult.Unreachable(prefix, "interrupted while waiting for witness " + prefix);
            }
            switch (r.status) {
                case 200 -> {
                    return cosigned(signedCheckpoint, cp, r.body);
                }
                case 409 -> {
                    long recorded = recordedSize(r);
                    if (recorded < 0) {
                        return new WitnessResult.Refused(prefix, 409, "witness " + prefix
                                + " answered 409 without a text/x.tlog.size body: " + quote(r.body));
                    }
                    knownSize = recorded;
                    if (recorded > cp.size()) {
                        return new WitnessResult.Alarm(prefix, WitnessResult.Kind.ROLLBACK, recorded, cp.size(),
                                "ALARM: witness " + prefix + " has cosigned " + cp.origin() + " at size " + recorded
                                        + ", larger than this checkpoint's " + cp.size() + " (root "
                                        + cp.rootHash().base64() + "): the log's history went back");
                    }
                    old = recorded;
                }
                case 422 -> {
                    knownSize = -1;
                    return new WitnessResult.Alarm(prefix, WitnessResult.Kind.FORK, old, cp.size(),
                            "ALARM: witness " + prefix + " found checkpoint " + cp.size() + " of " + cp.origin()
                                    + " (root " + cp.rootHash().base64() + ") inconsistent with the checkpoint of size "
                                    + old + " it cosigned: " + r.body.strip());
                }
                default -> {
                    if (r.status >= 500 || r.status == 429) {
                        return new WitnessResult.Unreachable(prefix, "witness " + prefix + " answered " + r.status
                                + ": " + quote(r.body));
                    }
                    knownSize = -1;
                    return new WitnessResult.Refused(prefix, r.status, "witness " + prefix + " refused checkpoint "
                            + cp.size() + " of " + cp.origin() + " with " + r.status + ": " + quote(r.body));
                }
            }
        }
        return new WitnessResult.Unreachable(prefix, "witness " + prefix + " answered 409 " + MAX_ATTEMPTS
                + " times: another client keeps moving it on; submit again");
    }

    private WitnessResult cosigned(Note submitted, Checkpoint cp, String body) {
        List<Note.Signature> mine;
        try {
            Note answer = Note.parse(submitted.text() + "\n" + body);
            answer.verify(List.of(key));
            mine = answer.signatures().stream()
                    .filter(s -> s.name().equals(key.name()) && s.keyId() == key.keyId()).toList();
            for (Note.Signature s : mine) {
                if (Cosignature.timestamp(s) == 0) {
                    throw new IllegalArgumentException("its cosignature has timestamp 0, which the spec forbids");
                }
            }
        } catch (IllegalArgumentException | NoteVerificationException e) {
            knownSize = -1;
            return new WitnessResult.Refused(prefix, 200, "witness " + prefix + " answered 200 without a valid "
                    + "cosignature by " + key + ": " + e.getMessage());
        }
        knownSize = cp.size();
        return new WitnessResult.Cosigned(prefix, mine, "witness " + prefix + " cosigned " + cp.origin() + " at size "
                + cp.size());
    }

    private record Response(int status, String contentType, String body) {}

    private Response post(byte[] body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(prefix.resolve("add-checkpoint")).timeout(timeout)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_RESPONSE);
        }
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                new String(bytes, StandardCharsets.UTF_8));
    }

    /** The size in a 409's {@code text/x.tlog.size} body, or -1 if it is not one. */
    private static long recordedSize(Response r) {
        if (!r.contentType.strip().startsWith(WitnessAnswer.Conflict.CONTENT_TYPE) || !r.body.endsWith("\n")) {
            return -1;
        }
        try {
            return AddCheckpointRequest.parseDecimal(r.body.substring(0, r.body.length() - 1), "recorded size");
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static String quote(String s) {
        String t = s.strip();
        return "\"" + (t.length() > 300 ? t.substring(0, 300) + "…" : t) + "\"";
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "WitnessClient[" + prefix + ", " + key + "]";
    }
}
