package org.kalaja.engine.seal;

/** A body sealed under a data key that was destroyed: erased on request, for good. */
public final class ErasedException extends RuntimeException {
    private final String keyId;

    public ErasedException(String keyId, String reason) {
        super("erased: the data key " + keyId + " that sealed this data was destroyed"
                + (reason.isEmpty() ? "" : " (" + reason + ")"));
        this.keyId = keyId;
    }

    public String keyId() {
        return keyId;
    }
}
