package org.kalaja.portal.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;

class InboxTest {
    static final Who CLERK = new Who("clerk:c1", "Clerk One", "clerk", "127.0.0.1", "test");
    static final Who ANA = new Who("citizen:ana", "Ana", "citizen", "127.0.0.1", "test");
    static final Who BEN = new Who("citizen:ben", "Ben", "citizen", "127.0.0.1", "test");

    @TempDir
    Path dir;
    PortalFixture fx;
    Inbox inbox;

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        inbox = fx.portal.inbox();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private Message letter(String subject) {
        return inbox.send(CLERK, "ana", "civil-registry", "Civil Registry Office", subject, "Dear Ana,\n\nYour certificate is ready.", "KAL-0000-0000");
    }

    @Test
    void recipientListsLettersNewestFirstAndUnreadUntilOpened() throws Exception {
        Message first = letter("First");
        Thread.sleep(2);
        Message second = letter("Second");

        List<Message> listed = inbox.list(ANA, "ana");
        assertThat(listed).extracting(Message::subject).containsExactly("Second", "First");
        assertThat(listed.get(0).institutionName()).isEqualTo("Civil Registry Office");
        assertThat(listed.get(0).ref()).isEqualTo("KAL-0000-0000");
        assertThat(inbox.unread(ANA, "ana")).isEqualTo(2);

        Message opened = inbox.open(ANA, "ana", first.id());
        assertThat(opened.read()).isTrue();
        assertThat(opened.paragraphs()).containsExactly("Dear Ana,", "Your certificate is ready.");
        assertThat(inbox.unread(ANA, "ana")).isEqualTo(1);
        assertThat(inbox.open(ANA, "ana", second.id()).read()).isTrue();
        assertThat(inbox.unread(ANA, "ana")).isZero();
    }

    @Test
    void anotherCitizenSeesNothingAndCannotOpenTheLetter() {
        Message m = letter("Private");

        assertThat(inbox.list(BEN, "ana")).isEmpty();
        assertThat(inbox.unread(BEN, "ana")).isZero();
        assertThatThrownBy(() -> inbox.open(BEN, "ana", m.id()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> inbox.open(CLERK, "ana", m.id()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThat(inbox.open(ANA, "ana", m.id()).read()).isTrue();
    }

    @Test
    void openingAMissingOrMalformedLetterIsNotFound() {
        assertThatThrownBy(() -> inbox.open(ANA, "ana", "1700000000000-abcdefgh"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> inbox.open(ANA, "ana", "../ben"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
    }

    @Test
    void citizensCannotSendLettersAndEmptyLettersAreRefused() {
        assertThatThrownBy(() -> inbox.send(BEN, "ana", "civil-registry", "Civil Registry Office", "Hi", "Body", null))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> inbox.send(CLERK, "ana", "civil-registry", "Civil Registry Office", " ", "Body", null))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.INVALID));
        assertThat(inbox.list(ANA, "ana")).isEmpty();
    }

    @Test
    void inSafeModeLettersStillOpenButStayUnreadAndSendingIsRefused() {
        Message m = letter("During the incident");
        fx.engine.barrier().close("test");

        Message opened = inbox.open(ANA, "ana", m.id());
        assertThat(opened.subject()).isEqualTo("During the incident");
        assertThat(opened.read()).isFalse();
        assertThat(inbox.list(ANA, "ana")).hasSize(1);
        assertThatThrownBy(() -> letter("Another"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.SAFE_MODE));

        fx.engine.barrier().open();
        assertThat(inbox.open(ANA, "ana", m.id()).read()).isTrue();
    }
}
