package org.kalaja.engine.seal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * The bytes of a sealed body (entry body type SEALED, or the content of a blob of content type
 * {@link #CONTENT_TYPE}): which data key sealed it, and the AES-256-GCM ciphertext.
 *
 * <pre>
 *   u8   format      1
 *   u16  keyIdLength
 *   ...  keyId       UTF-8, the data key's id (a key of collection kalaja.keys)
 *   12   nonce
 *   ...  ciphertext  same length as the plain body
 *   16   tag
 * </pre>
 *
 * The authenticated data is the header (format, keyId) followed by the record's collection and key,
 * each as u16 length and UTF-8: a sealed body moved to another record, or relabelled with another
 * key id, does not open. The plain text is the record's normalized JSON.
 */
public final class SealedBody {
    /** Content type of a blob holding a sealed body (bodies too large for an entry). */
    public static final String CONTENT_TYPE = "application/vnd.kalaja.sealed";
    static final int FORMAT = 1;

    private SealedBody() {
    }

    /** Seals {@code plain} for record {@code collection}/{@code key} under data key {@code keyId}. */
    public static byte[] seal(String keyId, SecretKey key, String collection, String recordKey, byte[] plain) {
        byte[] header = header(keyId);
        return Gcm.seal(null, key, plain, aad(header, collection, recordKey), header);
    }

    /** The id of the data key that sealed {@code body}. */
    public static String keyId(byte[] body) {
        if (body.length < 3 || (body[0] & 0xff) != FORMAT) {
            throw new IllegalArgumentException("not a sealed body of format " + FORMAT + " (first byte "
                    + (body.length == 0 ? "missing" : Integer.toString(body[0] & 0xff)) + ")");
        }
        int length = ((body[1] & 0xff) << 8) | (body[2] & 0xff);
        if (3 + length + Gcm.NONCE + Gcm.TAG > body.length) {
            throw new IllegalArgumentException("sealed body cut short: key id of " + length + " bytes in " + body.length + " bytes");
        }
        return new String(body, 3, length, StandardCharsets.UTF_8);
    }

    /**
     * The plain body.
     *
     * @throws AEADBadTagException when the body, its record or its key do not match: tampered bytes
     *     or the wrong key
     */
    public static byte[] open(byte[] body, SecretKey key, String collection, String recordKey) throws AEADBadTagException {
        String keyId = keyId(body);
        byte[] header = header(keyId);
        return Gcm.open(key, body, header.length, aad(header, collection, recordKey));
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
        byte[] h = new byte[3 + id.length];
        h[0] = FORMAT;
        h[1] = (byte) (id.length >>> 8);
        h[2] = (byte) id.length;
        System.arraycopy(id, 0, h, 3, id.length);
        return h;
    }

    private static byte[] aad(byte[] header, String collection, String recordKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 64);
        out.writeBytes(header);
        for (String s : new String[] {collection, recordKey}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
