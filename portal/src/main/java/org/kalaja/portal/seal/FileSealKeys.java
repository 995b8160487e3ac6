package org.kalaja.portal.seal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/**
 * Seal keys as files {@code <dir>/<institution>.key}, each one line: {@link SigningKey#format()}.
 * A key file is written whole to a 0600 temporary file, synced, then hard-linked into place, so a crash leaves no key
 * or a complete one; a second node racing to create the same key loses the link and reads the winner's.
 */
final class FileSealKeys implements SealKeys {
    private final Path dir;
    private final String host;
    private final Map<String, SealKey> cache = new ConcurrentHashMap<>();

    FileSealKeys(Path dir, String host) {
        this.dir = dir;
        this.host = host;
    }

    @Override
    public SealKey key(String institution) {
        return cache.computeIfAbsent(institution, this::loadOrCreate);
    }

    private SealKey loadOrCreate(String institution) {
        if (!institution.matches("[a-z0-9][a-z0-9.-]{0,62}")) {
            throw new IllegalArgumentException("not an institution id: " + institution);
        }
        Path file = dir.resolve(institution + ".key");
        try {
            if (!Files.exists(file)) create(file, SigningKey.generate(institution + ".seal." + host, SignatureType.ED25519));
            SigningKey k = SigningKey.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
            return new SealKey(k.verifierKey(), k);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the seal key " + file, e);
        }
    }

    private void create(Path file, SigningKey key) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".seal-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, key.format() + "\n", StandardCharsets.UTF_8, StandardOpenOption.SYNC);
            try {
                // A hard link, not a rename: rename(2) would replace a key another process created
                // first, and documents may already be sealed with it. Linking fails instead; we keep theirs.
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                return;
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
