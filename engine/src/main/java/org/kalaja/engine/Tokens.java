package org.kalaja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.ledger.EntryKind;

/**
 * Bearer API tokens, kept as state of the system collection {@value #COLLECTION}.
 *
 * <p>A token is {@code kalaja_} followed by 32 random bytes in unpadded base64url. Its <em>id</em>
 * is the first 16 hex digits of SHA-256 of the token and is the record key; the record body is
 * {@code {"name","role","sha256","created_by"}} where {@code sha256} is the full hex digest. The
 * token itself is never stored, logged or shown again after creation. Creating and revoking a
 * token are log entries ({@link EntryKind#TOKEN_CREATED}, {@link EntryKind#TOKEN_REVOKED}) carrying
 * the actor who did it, so the log says who could act when.
 *
 * <p>{@link #authenticate} looks the id up in the committed state on every call, so a revocation
 * committed before a request is seen by that request; parsed token records are cached by the log
 * index of their state, which a revocation changes. Hashes are compared in constant time.
 *
 * <p>Thread-safe.
 */
public final class Tokens {
    /** The system collection holding tokens. */
    public static final String COLLECTION = Names.SYSTEM_PREFIX + "tokens";
    /** The file a generated bootstrap token is written to, inside the data directory. */
    public static final String BOOTSTRAP_FILE = "bootstrap-token";
    static final String BOOTSTRAPPED_META = "tokens.bootstrapped";

    private static final String PREFIX = "kalaja_";
    private static final Pattern SUPPLIED_TOKEN = Pattern.compile("[\\x21-\\x7e]{16,512}");
    private static final Pattern TOKEN_ID = Pattern.compile("[0-9a-f]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RecordsEngine engine;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long index, Principal principal, byte[] sha256) {
    }

    /** A token just created; {@link #token} is shown once and then exists only with its holder. */
    public record Issued(String id, String token, Role role, String name) {
        @Override
        public String toString() {
            return "Issued[id=" + id + ", role=" + role.id() + ", name=" + name + "]";
        }
    }

    /**
     * What {@link #bootstrap} did: the first admin token's id, and where a generated token was
     * written ({@code tokenFile}, with {@code generated} the token to print once), or neither when
     * the operator supplied the token.
     */
    public record Bootstrap(String tokenId, @Nullable Path tokenFile, @Nullable String generated) {
        @Override
        public String toString() {
            return "Bootstrap[id=" + tokenId + ", file=" + tokenFile + "]";
        }
    }

    public Tokens(RecordsEngine engine) {
        this.engine = engine;
    }

    /**
     * Creates a token; returns once its entry is durable.
     *
     * @throws EngineException INVALID for an empty or over-long name, or a store failure
     */
    public Issued create(Caller caller, Role role, String name) {
        return store(caller, role, name, PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes()));
    }

    private Issued store(Caller caller, Role role, String name, String token) {
        if (name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            throw new EngineException(Problem.INVALID, "token name must be 1-100 printable characters, e.g. \"portal backend\"");
        }
        byte[] hash = sha256(token);
        String id = HexFormat.of().formatHex(hash, 0, 8);
        ObjectNode body = JsonBodies.mapper().createObjectNode()
                .put("name", name)
                .put("role", role.id())
                .put("sha256", HexFormat.of().formatHex(hash))
                .put("created_by", caller.actor());
        byte[] json;
        try {
            json = JsonBodies.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new AssertionError("an object node always serializes", e);
        }
        await(engine.appendSystem(EntryKind.TOKEN_CREATED, caller, recordId(id), json, 0));
        return new Issued(id, token, role, name);
    }

    /**
     * Revokes a token; from the moment this returns, {@link #authenticate} rejects it.
     *
     * @throws EngineException NOT_FOUND when no live token has this id
     */
    public void revoke(Caller caller, String tokenId) {
        if (!TOKEN_ID.matcher(tokenId).matches()) {
            throw new EngineException(Problem.NOT_FOUND, "no token with id '" + tokenId + "'; ids are 16 hex digits, as `token create` printed");
        }
        Optional<RecordState> state = engine.systemState(recordId(tokenId));
        if (state.isEmpty() || state.get().deleted()) {
            throw new EngineException(Problem.NOT_FOUND, "no live token with id " + tokenId);
        }
        await(engine.appendSystem(EntryKind.TOKEN_REVOKED, caller, recordId(tokenId), new byte[0], state.get().version()));
        cache.remove(tokenId);
    }

    /** The principal holding {@code token}, if it is a live token; empty for anything else. */
    public Optional<Principal> authenticate(String token) {
        if (token.isEmpty() || token.length() > 512) return Optional.empty();
        byte[] hash = sha256(token);
        String id = HexFormat.of().formatHex(hash, 0, 8);
        Optional<RecordState> state = engine.systemState(recordId(id));
        if (state.isEmpty() || state.get().deleted()) {
            cache.remove(id);
            return Optional.empty();
        }
        long index = state.get().index();
        Cached cached = cache.get(id);
        if (cached == null || cached.index != index) {
            cached = parse(id, engine.read(index));
            cache.put(id, cached);
        }
        return MessageDigest.isEqual(cached.sha256, hash) ? Optional.of(cached.principal) : Optional.empty();
    }

    private static Cached parse(String id, RecordVersion version) {
        try {
            JsonNode body = JsonBodies.mapper().readTree(version.json());
            return new Cached(version.index(),
                    new Principal(id, body.path("name").asText(), Role.parse(body.path("role").asText())),
                    HexFormat.of().parseHex(body.path("sha256").asText()));
        } catch (IOException | IllegalArgumentException e) {
            throw new EngineException(Problem.UNAVAILABLE, "token record at log index " + version.index()
                    + " is unreadable; run `kalaja verify`", e);
        }
    }

    /**
     * Creates the first admin token, once in the life of a log: on a log that has never had one.
     *
     * <p>With {@code suppliedToken} (the environment variable {@code KALAJA_BOOTSTRAP_TOKEN}) that
     * string becomes the token. Otherwise a token is generated and written to
     * {@code dataDir/}{@value #BOOTSTRAP_FILE}, created with mode 0600 (never readable by others, not
     * even for a moment), and returned so the caller can print it once.
     *
     * @return empty when the log already had its first token
     * @throws EngineException INVALID when {@code suppliedToken} is shorter than 16 characters or has
     *     spaces or control characters
     */
    public Optional<Bootstrap> bootstrap(Path dataDir, @Nullable String suppliedToken) {
        if (engine.store().meta(BOOTSTRAPPED_META).isPresent() || !engine.store().list(COLLECTION, "", 1).isEmpty()) {
            return Optional.empty();
        }
        Bootstrap result;
        if (suppliedToken != null) {
            checkBootstrapToken(suppliedToken);
            result = new Bootstrap(store(Caller.SYSTEM, Role.ADMIN, "bootstrap", suppliedToken).id(), null, null);
        } else {
            Issued issued = create(Caller.SYSTEM, Role.ADMIN, "bootstrap");
            Path file = dataDir.resolve(BOOTSTRAP_FILE);
            writePrivate(file, issued.token() + "\n");
            result = new Bootstrap(issued.id(), file, issued.token());
        }
        engine.store().putMeta(BOOTSTRAPPED_META, result.tokenId());
        return Optional.of(result);
    }

    /**
     * Checks an operator-chosen first admin token without touching anything, so a node can refuse
     * a bad {@code KALAJA_BOOTSTRAP_TOKEN} before it creates its data directory, key or store.
     *
     * @throws EngineException INVALID unless {@code token} is 16 to 512 printable ASCII characters
     *     without spaces
     */
    public static void checkBootstrapToken(String token) {
        if (!SUPPLIED_TOKEN.matcher(token).matches()) {
            throw new EngineException(Problem.INVALID, "KALAJA_BOOTSTRAP_TOKEN must be 16 to 512 printable characters"
                    + " without spaces (got " + token.length() + " characters); unset it to have Kalaja generate one");
        }
    }

    private static void writePrivate(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            try (SeekableByteChannel ch = Files.newByteChannel(file,
                    java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The id of {@code token}: the first 16 hex digits of its SHA-256. */
    public static String idOf(String token) {
        return HexFormat.of().formatHex(sha256(token), 0, 8);
    }

    private static RecordId recordId(String id) {
        return new RecordId(COLLECTION, id);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }
}
