package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    @Test
    void hashVerifiesItsPasswordAndNoOther() {
        String phc = Passwords.hash("correct horse battery");
        assertThat(Passwords.verify("correct horse battery", phc)).isTrue();
        assertThat(Passwords.verify("correct horse batterY", phc)).isFalse();
        assertThat(Passwords.verify("", phc)).isFalse();
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertThat(Passwords.hash("correct horse battery")).isNotEqualTo(Passwords.hash("correct horse battery"));
    }

    @Test
    void phcStringNamesArgon2idAndItsParameters() {
        String phc = Passwords.hash("correct horse battery");
        assertThat(phc).startsWith("$argon2id$v=19$m=" + Passwords.MEMORY_KIB + ",t=" + Passwords.PASSES + ",p=" + Passwords.LANES + "$");
        Passwords.Params p = Passwords.parse(phc).orElseThrow();
        assertThat(p.memoryKib()).isEqualTo(19 * 1024);
        assertThat(p.passes()).isEqualTo(2);
        assertThat(p.lanes()).isEqualTo(1);
        assertThat(p.salt()).hasSize(16);
        assertThat(p.hash()).hasSize(32);
        assertThat(Passwords.needsRehash(phc)).isFalse();
    }

    @Test
    void verifiesAHashMadeWithOtherParameters() {
        // RFC 9106-style string made with m=8 MiB, t=1: still verifies, and is due for a rehash.
        String salt = java.util.Base64.getEncoder().withoutPadding().encodeToString("somesalt16bytes!".getBytes());
        org.bouncycastle.crypto.generators.Argon2BytesGenerator g = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        g.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(0x13).withMemoryAsKB(8192).withIterations(1).withParallelism(1).withSalt("somesalt16bytes!".getBytes()).build());
        byte[] out = new byte[32];
        g.generateBytes("password-of-old".getBytes(), out);
        String phc = "$argon2id$v=19$m=8192,t=1,p=1$" + salt + "$" + java.util.Base64.getEncoder().withoutPadding().encodeToString(out);
        assertThat(Passwords.verify("password-of-old", phc)).isTrue();
        assertThat(Passwords.needsRehash(phc)).isTrue();
    }

    @Test
    void malformedOrHostileParametersNeverVerify() {
        assertThat(Passwords.verify("x", "$argon2i$v=19$m=65536,t=3,p=1$c29tZXNhbHQ$aGFzaA")).isFalse();
        assertThat(Passwords.parse("$argon2id$v=19$m=9999999,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2g")).isEmpty();
        assertThat(Passwords.parse("plain")).isEmpty();
    }

    @Test
    void shortAndCommonPasswordsAreRefused() {
        assertThat(Passwords.weakness("short1234")).hasValueSatisfying(m -> assertThat(m).contains("10 characters"));
        assertThat(Passwords.weakness("Password123")).hasValueSatisfying(m -> assertThat(m).contains("most common"));
        assertThat(Passwords.weakness("qwertyuiop")).isPresent();
        assertThat(Passwords.weakness("lumturi ne mengjes")).isEmpty();
    }
}
