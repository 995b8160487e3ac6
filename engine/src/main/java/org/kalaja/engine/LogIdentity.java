package org.kalaja.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;

/**
 * Who the log is: its origin (the first line of every checkpoint) and the key that signs its
 * checkpoints. The key's name is the origin, as C2SP recommends.
 *
 * <p>The private key is kept in a file holding one line in the signed-note private key form
 * ({@code PRIVATE+KEY+<origin>+<key id>+<base64>}), created with mode 0600. Anyone with root on the
 * primary can read it; that is why checkpoints are also cosigned by witnesses elsewhere.
 */
public record LogIdentity(String origin, SigningKey key) {
    public LogIdentity {
        if (!key.name().equals(origin)) {
            throw new IllegalArgumentException("the log key is named '" + key.name() + "' but the origin is '" + origin + "'");
        }
    }

    public VerifierKey verifierKey() {
        return key.verifierKey();
    }

    /** The verifier key as a C2SP vkey string. */
    public String vkey() {
        return key.verifierKey().format();
    }

    /**
     * Reads the key at {@code file}, or creates a new log key there (mode 0600) with {@code origin}, or
     * when {@code origin} is empty a generated one ({@code kalaja.localhost/log/<16 hex>}).
     */
    public static LogIdentity loadOrCreate(Path file, String origin) throws IOException {
        if (Files.exists(file)) {
            SigningKey key = SigningKey.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
            if (!origin.isEmpty() && !origin.equals(key.name())) {
                throw new IllegalStateException("the log key in " + file + " is for origin '" + key.name()
                        + "', not '" + origin + "'; a log's origin never changes");
            }
            return new LogIdentity(key.name(), key);
        }
        String name = origin.isEmpty() ? "kalaja.localhost/log/" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)) : origin;
        SigningKey key = SigningKey.generate(name, SignatureType.ED25519);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Written whole to a temporary file, then renamed: a crash leaves either no key file or a
        // complete one, never an empty one that would stop every later start.
        Path temp = Files.createTempFile(dir, ".log-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, key.format() + "\n", StandardCharsets.UTF_8, StandardOpenOption.SYNC);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return new LogIdentity(name, key);
    }
}
