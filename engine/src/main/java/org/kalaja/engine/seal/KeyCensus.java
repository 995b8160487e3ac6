package org.kalaja.engine.seal;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What the key records of {@code kalaja.keys} say, read without writing anything: how many data keys
 * are live or destroyed and under which KEKs ({@link #count}, for status), and whether a KMS opens
 * every live one ({@link #check}, for a node just recovered).
 */
public final class KeyCensus {
    private KeyCensus() {
    }

    /** Data keys, live and destroyed, and the KEKs their current versions need. */
    public record Census(int live, int destroyed, Map<String, Integer> liveByKek) {
        /** The KEKs live keys need that are not among {@code present}, with how many keys need each. */
        public Map<String, Integer> missing(List<String> present) {
            Map<String, Integer> missing = new LinkedHashMap<>(liveByKek);
            missing.keySet().removeAll(present);
            return missing;
        }
    }

    /**
     * What a node rebuilt from vaults can read: every live data key unwrapped under a KMS.
     *
     * @param missing KEK → how many live keys need it and the KMS lacks it
     * @param broken  KEK → how many live keys do not authenticate under the KEK of that name the KMS
     *                holds (another service's KEK with the same name, or damaged wrapped bytes)
     */
    public record Check(int live, int destroyed, Map<String, Integer> missing, Map<String, Integer> broken) {
        public boolean readable() {
            return missing.isEmpty() && broken.isEmpty();
        }
    }

    /** Counts the data keys of {@code records}, live by KEK. */
    public static Census count(Keyring.Records records) {
        int[] destroyed = {0};
        Map<String, Integer> byKek = new LinkedHashMap<>();
        eachDataKey(records, (id, c) -> {
            if (c.destroyed()) {
                destroyed[0]++;
            } else {
                byKek.merge(c.body().path("kek").asText(), 1, Integer::sum);
            }
        });
        return new Census(byKek.values().stream().mapToInt(Integer::intValue).sum(), destroyed[0], byKek);
    }

    /** Unwraps every live data key of {@code records} under {@code kms} (null: no KMS, every key's KEK is missing). */
    public static Check check(@Nullable Kms kms, Keyring.Records records) {
        int[] counts = new int[2];
        Map<String, Integer> missing = new LinkedHashMap<>();
        Map<String, Integer> broken = new LinkedHashMap<>();
        eachDataKey(records, (id, c) -> {
            if (c.destroyed()) {
                counts[1]++;
                return;
            }
            counts[0]++;
            String kek = c.body().path("kek").asText();
            if (kms == null) {
                missing.merge(kek, 1, Integer::sum);
                return;
            }
            try {
                kms.unwrap(kek, Base64.getDecoder().decode(c.body().path("wrapped").asText()), Keyring.context(id));
            } catch (KmsException e) {
                (e.kind() == KmsException.Kind.MISSING ? missing : broken).merge(kek, 1, Integer::sum);
            }
        });
        return new Check(counts[0], counts[1], missing, broken);
    }

    /** Each data key's record (KEK records left out), in id order. */
    private static void eachDataKey(Keyring.Records records, BiConsumer<String, Keyring.Current> action) {
        Keyring.forEachId(records, "", id -> {
            if (!id.startsWith(Keyring.KEK_PREFIX)) records.current(id).ifPresent(c -> action.accept(id, c));
        });
    }
}
