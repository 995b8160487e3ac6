package org.kalaja.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.zip.DeflaterOutputStream;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ChangeScoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A birth record as a registry keeps it. */
    static ObjectNode birth() {
        ObjectNode o = JSON.createObjectNode();
        o.put("given_name", "Arta").put("family_name", "Krasniqi").put("born", "2022-07-14").put("place", "Prishtinë")
                .put("mother", "Drita Krasniqi").put("father", "Besnik Krasniqi").put("registered_by", "clerk-17").put("certificate", 41822);
        o.putObject("address").put("street", "Rruga Agim Ramadani 12").put("city", "Prishtinë").put("postcode", "10000");
        return o;
    }

    /** AES-256-GCM, IV prepended, as ransomware or a careful application would write it. */
    static byte[] encrypt(byte[] plain) throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        SecretKey key = g.generateKey();
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        byte[] ct = c.doFinal(plain);
        byte[] out = new byte[iv.length + ct.length];
        System.arraycopy(iv, 0, out, 0, iv.length);
        System.arraycopy(ct, 0, out, iv.length, ct.length);
        return out;
    }

    static byte[] bytes(ObjectNode o) throws Exception {
        return JSON.writeValueAsBytes(o);
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** Bytes shaped like a JPEG: markers, a quantisation table, then entropy-coded (near random) data. */
    static byte[] jpegLike(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        byte[] header = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0};
        System.arraycopy(header, 0, b, 0, header.length);
        for (int i = 64; i < 128; i++) b[i] = (byte) (i % 16);
        return b;
    }

    /** A CSV export of a register: readable, varied, compressible. */
    static byte[] register(int rows) {
        Random r = new Random(11);
        String[] names = {"Arta", "Besnik", "Drita", "Leart", "Vjosa", "Ilir", "Teuta", "Fatmir", "Mimoza", "Gent"};
        StringBuilder csv = new StringBuilder("id,given_name,family_name,born,certificate\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(',').append(names[r.nextInt(names.length)]).append(',').append(names[r.nextInt(names.length)]).append("aj,")
                    .append(1950 + r.nextInt(70)).append('-').append(1 + r.nextInt(12)).append('-').append(1 + r.nextInt(28)).append(',')
                    .append(r.nextInt(1_000_000)).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] deflated(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
            d.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void encryptedRecordScoresHighAttachmentAddedScoresZero() throws Exception {
        byte[] before = bytes(birth());

        ObjectNode ransom = JSON.createObjectNode().put("data", b64(encrypt(before))).put("note", "pay 2 BTC to recover");
        ChangeScore.Result encrypted = ChangeScore.score(before, bytes(ransom));
        assertThat(encrypted.opaqueScore()).isGreaterThanOrEqualTo(90);
        assertThat(encrypted.fieldsLostPct()).isEqualTo(100);

        ObjectNode withAttachment = birth();
        withAttachment.putObject("attachment").put("name", "consent.pdf.enc").put("content", b64(encrypt(new byte[4000])));
        ChangeScore.Result attached = ChangeScore.score(before, bytes(withAttachment));
        assertThat(attached).isEqualTo(new ChangeScore.Result(0, 0));
    }

    @Test
    void everyFieldEncryptedScoresNearlyHundred() throws Exception {
        ObjectNode before = birth();
        ObjectNode after = before.deepCopy();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = before.fields(); it.hasNext(); ) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> f = it.next();
            if (f.getValue().isObject()) {
                ObjectNode nested = after.putObject(f.getKey());
                f.getValue().fields().forEachRemaining(n -> nested.put(n.getKey(), b64(encryptUnchecked(n.getValue().asText()))));
            } else {
                after.put(f.getKey(), HexFormat.of().formatHex(encryptUnchecked(f.getValue().asText())));
            }
        }
        ChangeScore.Result r = ChangeScore.score(bytes(before), bytes(after));
        assertThat(r.opaqueScore()).isGreaterThanOrEqualTo(95);
        assertThat(r.fieldsLostPct()).isZero();
    }

    private static byte[] encryptUnchecked(String s) {
        try {
            return encrypt(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void replacingAnOpaqueAttachmentAndAddingPhotosOrArchivesScoresZero() throws Exception {
        ObjectNode before = birth().put("photo", b64(jpegLike(20_000)));
        ObjectNode after = birth().put("photo", b64(jpegLike(30_000)));
        after.put("archive", b64(deflated(register(400))));
        ChangeScore.Result r = ChangeScore.score(bytes(before), bytes(after));
        assertThat(r.opaqueScore()).isZero();
        assertThat(ChangeScore.opaque(after.get("photo").asText())).as("the photo is opaque; it just was before too").isTrue();
        assertThat(ChangeScore.opaque(after.get("archive").asText())).as("compressed data is opaque by entropy").isTrue();
    }

    @Test
    void newRecordAndEmptiedRecord() throws Exception {
        assertThat(ChangeScore.score(null, bytes(JSON.createObjectNode().put("data", b64(encrypt(new byte[500])))))).isEqualTo(ChangeScore.Result.NONE);
        ChangeScore.Result emptied = ChangeScore.score(bytes(birth()), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(emptied.fieldsLostPct()).isEqualTo(100);
        assertThat(emptied.opaqueScore()).isZero();
    }

    /** What a clerk types: letters with diacritics, digits, punctuation, spaces. */
    @Provide
    Arbitrary<String> typed() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars(" .,;:-/()'\"ëçÇËšžćđ€").ofMaxLength(400);
    }

    @Property(tries = 300)
    void clerkEditsScoreZero(@ForAll("typed") String newName, @ForAll @IntRange(max = 99999) int certificate,
            @ForAll("typed") String remark) throws Exception {
        ObjectNode after = birth().put("given_name", newName).put("certificate", certificate).put("remark", remark);
        after.remove("father");
        byte[] next = bytes(after);
        ChangeScore.Result r = ChangeScore.score(bytes(birth()), next);
        assertThat(r.opaqueScore()).isZero();
        assertThat(r.fieldsLostPct()).as("one of eleven fields removed").isEqualTo(Math.round(100f / 11));
    }

    @Test
    void readableBodiesPassThePrefilterWithoutBeingRead() throws Exception {
        assertThat(ChangeScore.mayBeOpaque(bytes(birth()))).isFalse();
        ObjectNode longText = birth().put("remark", "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(40));
        assertThat(ChangeScore.mayBeOpaque(bytes(longText))).isFalse();
        assertThat(ChangeScore.mayBeOpaque(bytes(birth().put("data", b64(encrypt(new byte[40])))))).isTrue();
    }

    @Test
    void thinOrOpaqueBodiesAreWorthScoringAndAClerksEditIsNot() throws Exception {
        assertThat(ChangeScore.worthScoring(bytes(birth()))).as("a clerk's edit of eleven fields").isFalse();
        assertThat(ChangeScore.worthScoring("{}".getBytes(StandardCharsets.UTF_8))).as("emptied").isTrue();
        assertThat(ChangeScore.worthScoring("{\"a\":\"x,y\",\"b\":[1,2,3],\"c\":{\"d\":1,\"e\":2}}".getBytes(StandardCharsets.UTF_8)))
                .as("three fields, commas nested or quoted").isTrue();
        assertThat(ChangeScore.worthScoring(bytes(birth().put("data", b64(encrypt(new byte[40])))))).as("opaque").isTrue();
        assertThat(ChangeScore.topLevelFields("{\"a\":\"q\\\",\",\"b\":1,\"c\":2,\"d\":3}".getBytes(StandardCharsets.UTF_8)))
                .as("an escaped quote before a comma").isEqualTo(4);
    }

    @Property(tries = 300)
    void ciphertextOfAnyLengthIsOpaqueAndBase64TextIsNot(@ForAll @IntRange(min = 20, max = 5000) int length) throws Exception {
        byte[] ct = encrypt(new byte[length]);
        assertThat(ChangeScore.opaque(b64(ct))).isTrue();
        assertThat(ChangeScore.opaque(Base64.getUrlEncoder().withoutPadding().encodeToString(ct))).isTrue();
        assertThat(ChangeScore.opaque("data:application/octet-stream;base64," + b64(ct))).isTrue();
        String text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ".repeat(70).substring(0, length + 28);
        assertThat(ChangeScore.opaque(b64(text.getBytes(StandardCharsets.UTF_8)))).isFalse();
    }
}
