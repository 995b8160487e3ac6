package org.kalaja.engine.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.AuthProvider;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Security;
import javax.crypto.Cipher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PKCS#11 driver against a real SoftHSM2 token through SunPKCS11: the shared contract, plus
 * what only a token can show (a KEK that cannot be taken out, login failures). Every reopen uses a
 * fresh library instance, so "survives reopening" means the KEK was on the token's disk.
 */
class Pkcs11KmsTest extends KmsContract {
    private Pkcs11Kms.Config token;
    private boolean first;

    @BeforeAll
    static void softHsm() {
        SoftHsm.assumeAvailable();
    }

    @BeforeEach
    void freshToken() {
        token = SoftHsm.newToken("kalaja");
        first = true;
    }

    @Override
    protected Kms openService() {
        Pkcs11Kms.Config config = first ? token : SoftHsm.restarted(token);
        first = false;
        return Pkcs11Kms.open(config);
    }

    @Test
    void aFreshTokenHasNoKeksAndCreateNumbersThemFromKek1() {
        Kms kms = open();
        assertThat(kms.keks()).isEmpty();
        assertThat(kms.create()).isEqualTo("kek-1");
        assertThat(kms.create()).isEqualTo("kek-2");
        assertThat(kms.keks()).containsExactly("kek-1", "kek-2");
    }

    @Test
    void describeNamesTheTokenAndTheLibrary() {
        assertThat(open().describe()).isEqualTo("PKCS#11 token '" + token.tokenLabel() + "' (" + token.library() + ")");
    }

    @Test
    void theKekIsSensitiveAndCannotBeExportedEvenWithThePin() throws Exception {
        String kek;
        try (Pkcs11Kms kms = Pkcs11Kms.open(token)) {
            kek = kms.create();
            assertThat(kms.key(kek).getEncoded()).isNull();
        }

        // an attacker with the library and the PIN, using the provider directly
        Pkcs11Kms.Config again = SoftHsm.restarted(token);
        long slot = Pkcs11Slots.find(Security.getProvider("SunPKCS11"), again.library(), again.tokenLabel());
        AuthProvider p11 = (AuthProvider) Security.getProvider("SunPKCS11")
                .configure("--name = attacker\nlibrary = " + Pkcs11Slots.quoted(again.library()) + "\nslot = " + slot + "\n");
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", p11);
            store.load(null, again.pin());
            Key stolen = store.getKey(kek, null);
            assertThat(stolen).isNotNull();
            assertThat(stolen.getEncoded()).isNull();
            assertThat(stolen.toString()).contains("token object").contains("sensitive").contains("unextractable");

            // SunPKCS11 offers C_WrapKey only through RSA here (no AES key-wrap cipher for SoftHSM)
            KeyPairGenerator pairs = KeyPairGenerator.getInstance("RSA", p11);
            pairs.initialize(2048);
            KeyPair exportPair = pairs.generateKeyPair();
            Cipher wrap = Cipher.getInstance("RSA/ECB/PKCS1Padding", p11);
            wrap.init(Cipher.WRAP_MODE, exportPair.getPublic());
            assertThatThrownBy(() -> wrap.wrap(stolen)).hasStackTraceContaining("CKR_KEY_UNEXTRACTABLE");
        } finally {
            p11.logout();
        }
    }

    @Test
    void aLabelWithSpacesAndNonAsciiLettersIsFound() {
        Pkcs11Kms.Config albanian = SoftHsm.newToken("çelës i ri");
        try (Pkcs11Kms kms = Pkcs11Kms.open(albanian)) {
            String kek = kms.create();
            byte[] dataKey = random(32);
            assertThat(kms.unwrap(kek, kms.wrap(kek, dataKey, new byte[0]), new byte[0])).isEqualTo(dataKey);
            assertThat(kms.describe()).contains("'" + albanian.tokenLabel() + "'");
        }
    }

    @Test
    void theWrongPinIsUnavailableAndSaysSo() {
        Pkcs11Kms.Config wrong = new Pkcs11Kms.Config(token.library(), token.tokenLabel(), "not-the-pin".toCharArray());
        assertThatThrownBy(() -> Pkcs11Kms.open(wrong)).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.kind()).isEqualTo(KmsException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("PIN does not open").contains(token.tokenLabel());
        });
        assertThat(open().keks()).as("the right PIN still opens the token").isEmpty();
    }

    @Test
    void anUnknownLabelIsUnavailableAndNamesTheTokensPresent() {
        Pkcs11Kms.Config unknown = new Pkcs11Kms.Config(token.library(), "no-such-token", token.pin());
        assertThatThrownBy(() -> Pkcs11Kms.open(unknown)).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.kind()).isEqualTo(KmsException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("no token labelled 'no-such-token'").contains("'" + token.tokenLabel() + "'");
        });
    }

    @Test
    void aMissingLibraryIsUnavailableAndNamesThePath() {
        Path nowhere = token.library().resolveSibling("no-such-pkcs11.so");
        Pkcs11Kms.Config missing = new Pkcs11Kms.Config(nowhere, token.tokenLabel(), token.pin());
        assertThatThrownBy(() -> Pkcs11Kms.open(missing)).isInstanceOfSatisfying(KmsException.class, e -> {
            assertThat(e.kind()).isEqualTo(KmsException.Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains(nowhere.toString()).contains("does not exist");
        });
    }

    @Test
    void aClosedServiceRefusesWork() {
        Kms kms = open();
        String kek = kms.create();
        kms.close();
        assertKind(() -> kms.wrap(kek, random(32), new byte[0]), KmsException.Kind.UNAVAILABLE);
    }

    @Test
    void thePinIsNotShownInTheConfig() {
        assertThat(token.toString()).doesNotContain(new String(token.pin())).contains(token.tokenLabel());
    }
}
