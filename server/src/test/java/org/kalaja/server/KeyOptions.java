package org.kalaja.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code --kms} and {@code --sealed} as a test gives them, with the environment the node reads its passphrase or PIN from. */
final class KeyOptions {
    private KeyOptions() {
    }

    static KmsOptions of(String kms, Map<String, String> environment, String... sealed) {
        KmsOptions o = new KmsOptions();
        o.kms = kms;
        o.sealed = new ArrayList<>(List.of(sealed));
        o.environment = environment::get;
        return o;
    }

    /** The default keystore ({@code DATA/keys/kalaja.p12}) under {@code passphrase}, given as the environment variable. */
    static KmsOptions keystore(String passphrase, String... sealed) {
        return of("keystore", Map.of(KmsOptions.PASSPHRASE_ENV, passphrase), sealed);
    }

    /** No key-management service: {@code --kms none}. */
    static KmsOptions none() {
        return of("none", Map.of());
    }
}
