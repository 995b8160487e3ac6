package org.kalaja.portal.seal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.Who;

/** Issuing documents the way the back office does, for the seal tests. */
final class Issuing {
    static final Who CLERK = new Who("clerk:c-101", "Elira Clerk", "clerk", "127.0.0.1", "test");
    static final Who HOLDER = new Who("citizen:arta", "Arta Hoxha", "citizen", "127.0.0.1", "test");
    static final Who OTHER = new Who("citizen:besnik", "Besnik Krasniqi", "citizen", "127.0.0.1", "test");

    private Issuing() {
    }

    static DocumentRequest birthCertificate(String holderAccount) {
        return new DocumentRequest("civil-registry", "General Directorate of Civil Status", "birth-certificate", "Birth certificate",
                holderAccount, "Arta Hoxha", "J85403021S", "BC-2025-000123",
                List.of(Map.entry("Date of birth", "3 April 1998"), Map.entry("Place of birth", "Tiranë\nQarku Tiranë")));
    }

    static SealedDocument issue(PortalFixture f) {
        return f.portal.documents().issue(CLERK, birthCertificate("arta"));
    }

    /** A verifier over the fixture's engine and log, proving against {@code checkpoints}. */
    static Verifier verifier(PortalFixture f, CheckpointSource checkpoints) {
        return new Verifier(f.records(), f.engine, f.log, checkpoints);
    }

    /** The fixture's own source: the log's newest checkpoint after integrating everything committed. */
    static CheckpointSource current(PortalFixture f, List<String> witnesses) {
        return source(f, () -> {
            f.log.integrate();
            return f.log.checkpoint();
        }, witnesses);
    }

    /** A source answering {@code checkpoint}, with the fixture's log key and {@code witnesses}' keys. */
    static CheckpointSource source(PortalFixture f, Supplier<Optional<String>> checkpoint, List<String> witnesses) {
        return new CheckpointSource() {
            @Override
            public Optional<String> cosignedCheckpoint() {
                return checkpoint.get();
            }

            @Override
            public List<String> witnessKeys() {
                return witnesses;
            }

            @Override
            public String logKey() {
                return f.log.vkey();
            }
        };
    }
}
