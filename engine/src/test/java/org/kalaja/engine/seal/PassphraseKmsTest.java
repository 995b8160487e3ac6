package org.kalaja.engine.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passphrase keystore: the shared contract, plus its file and passphrase. */
class PassphraseKmsTest extends KmsContract {
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("keys.p12");
    }

    @Override
    protected Kms openService() {
        return PassphraseKms.open(file(), PASSPHRASE);
    }

    @Test
    void aNewKeystoreStartsWithKek1AndCreateContinuesAtKek2() {
        Kms kms = open();
        assertThat(kms.keks()).containsExactly("kek-1");
        assertThat(kms.create()).isEqualTo("kek-2");
        assertThat(kms.describe()).contains(file().toString());
    }

    @Test
    void theWrongPassphraseIsUnavailableAndNamesTheVariable() {
        open().create();
        assertThatThrownBy(() -> PassphraseKms.open(file(), "wrong".toCharArray()))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(KmsException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("KALAJA_KEYSTORE_PASSPHRASE").contains(file().toString());
                });
    }

    @Test
    void anEmptyPassphraseIsRefusedBeforeAnyFileIsWritten() {
        assertThatThrownBy(() -> PassphraseKms.open(file(), new char[0]))
                .isInstanceOfSatisfying(KmsException.class, e -> {
                    assertThat(e.kind()).isEqualTo(KmsException.Kind.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("KALAJA_KEYSTORE_PASSPHRASE");
                });
        assertThat(file()).doesNotExist();
    }

    @Test
    void everyChangeReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Kms kms = open();
        Object before = Files.readAttributes(file(), "unix:ino").get("ino");
        kms.create();
        Object afterCreate = Files.readAttributes(file(), "unix:ino").get("ino");
        kms.destroy("kek-1");
        Object afterDestroy = Files.readAttributes(file(), "unix:ino").get("ino");

        // a new inode each time: the file was moved over, never rewritten in place
        assertThat(afterCreate).isNotEqualTo(before);
        assertThat(afterDestroy).isNotEqualTo(afterCreate);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file());
        }
    }
}
