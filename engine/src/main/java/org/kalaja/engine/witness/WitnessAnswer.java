package org.kalaja.engine.witness;

import java.util.List;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;

/**
 * A witness's answer to {@code add-checkpoint}, with the HTTP status, content type and body that
 * c2sp.org/tlog-witness prescribes for it. Only {@link Cosigned} carries a cosignature, and a
 * witness MUST NOT return it before the checkpoint is durable in its state.
 */
public sealed interface WitnessAnswer {
    /** The HTTP status code. */
    int status();

    /** The {@code Content-Type} of {@link #body()}. */
    String contentType();

    /** The response body, ending in a newline. */
    String body();

    /** 200: the checkpoint is recorded; the body is the witness's cosignature line(s). */
    record Cosigned(Checkpoint checkpoint, List<Note.Signature> cosignatures) implements WitnessAnswer {
        public Cosigned {
            cosignatures = List.copyOf(cosignatures);
            if (cosignatures.isEmpty()) {
                throw new IllegalArgumentException("a cosigned answer carries at least one cosignature");
            }
        }

        @Override
        public int status() {
            return 200;
        }

        @Override
        public String contentType() {
            return "text/plain; charset=utf-8";
        }

        @Override
        public String body() {
            StringBuilder b = new StringBuilder();
            for (Note.Signature s : cosignatures) {
                b.append(s.line());
            }
            return b.toString();
        }
    }

    /**
     * 409: the request's old size is not the size of the latest checkpoint the witness cosigned for
     * the log (0 if none); the body is that size, as the spec requires.
     */
    record Conflict(long recordedSize) implements WitnessAnswer {
        /** The content type the spec gives the body. */
        public static final String CONTENT_TYPE = "text/x.tlog.size";

        @Override
        public int status() {
            return 409;
        }

        @Override
        public String contentType() {
            return CONTENT_TYPE;
        }

        @Override
        public String body() {
            return recordedSize + "\n";
        }
    }

    /** Any other refusal: the status says which, the detail says why in words. */
    record Refused(Reason reason, String detail) implements WitnessAnswer {
        @Override
        public int status() {
            return reason.status;
        }

        @Override
        public String contentType() {
            return "text/plain; charset=utf-8";
        }

        @Override
        public String body() {
            return detail + "\n";
        }
    }

    /** Why a checkpoint was refused, and the status c2sp.org/tlog-witness gives each reason. */
    enum Reason {
        /** 400: the body does not parse (old size line, proof lines, empty line, signed checkpoint). */
        MALFORMED(400),
        /** 404: the witness does not know the checkpoint's origin. */
        UNKNOWN_ORIGIN(404),
        /** 403: no valid signature by a trusted key of the log, or an invalid one by a trusted key. */
        BAD_SIGNATURE(403),
        /**
         * 400: the old size is above the checkpoint's size; from a log that already had a larger
         * checkpoint cosigned, an attempted rollback.
         */
        OLD_SIZE_ABOVE_SIZE(400),
        /**
         * 422: the checkpoint is not consistent with the one the witness cosigned (a bad proof, the
         * same size with another root, a non-empty proof from size 0, or an empty tree with another
         * root): a fork, if the log signed it.
         */
        INCONSISTENT(422),
        /** 503: the witness could not make its state durable; nothing was cosigned, retry later. */
        UNAVAILABLE(503);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
