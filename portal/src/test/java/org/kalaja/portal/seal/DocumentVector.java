package org.kalaja.portal.seal;

/**
 * The signed test vector of docs/portal/DOCUMENTS.md. Produced by Go's {@code golang.org/x/mod/sumdb/note}
 * ({@code note.Sign}, then {@code note.Open} with the vkey) from the same seed and text, not by Kalaja:
 * so {@link DocumentNoteTest} checks that Kalaja's seal is the one outside tools make and accept.
 */
final class DocumentVector {
    static final String VKEY = "civil-registry.seal.e-services.example+7c08152a+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs";
    static final String SIGNED = DocumentNoteTest.VECTOR_TEXT + "\n"
            + "\u2014 civil-registry.seal.e-services.example fAgVKnVFw+hYgZJv92/rBJ8G5Db9i8sMBEfj8Eg+DOgjG3NL0zoBmL/+ruikoxtZKNfdxrENXedS2DA8tAhBWMBO/QA=\n";

    private DocumentVector() {
    }
}
