package org.kalaja.sentinel.investigate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.sentinel.investigate.Timeline.AffectedRecord;
import org.kalaja.sentinel.investigate.Timeline.Why;

class TimelineTest {
    @TempDir
    static Path dir;
    static AttackLog attack;

    @BeforeAll
    static void attack() throws Exception {
        attack = new AttackLog(dir);
    }

    @AfterAll
    static void close() {
        attack.close();
    }

    @Test
    void timelineHoldsEveryEntryOfTheImplicatedActorAndNothingElse() {
        Timeline t = attack.timeline();
        assertThat(new TreeSet<>(t.entryIndexes())).isEqualTo(attack.expectedTimeline());
        assertThat(t.entryIndexes()).doesNotContain(attack.otherIncidentIndex).doesNotContainAnyElementsOf(attack.clerkIndexes);
        assertThat(t.items()).filteredOn(i -> i.why() == Why.IMPLICATED && i.index() != attack.accessIndex)
                .allSatisfy(i -> assertThat(i.actor()).isIn(AttackLog.ATTACKER, AttackLog.MINTED))
                .extracting(Timeline.Item::index).containsExactlyElementsOf(attack.attackerIndexes);
        // From the access batch: the attacker's list and the failed sign-in from its address, not the clerk's read.
        assertThat(t.items()).filteredOn(i -> i.index() == attack.accessIndex)
                .extracting(Timeline.Item::ordinal, Timeline.Item::actor, Timeline.Item::action, Timeline.Item::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, AttackLog.ATTACKER, "record.list", "success"),
                        org.assertj.core.groups.Tuple.tuple(2, "anonymous", "auth.failure", "failure"));
        assertThat(t.items()).filteredOn(i -> i.why() != Why.IMPLICATED)
                .extracting(Timeline.Item::action).containsExactly("finding", "incident.update", "actor.freeze", "safe_mode.enter");
        assertThat(t.indicators().addresses()).containsExactly("198.51.100.99", AttackLog.ATTACKER_ADDRESS);
        assertThat(t.indicators().tokens()).containsExactly(AttackLog.MINTED, AttackLog.ATTACKER);
        assertThat(t.node()).isEqualTo(AttackLog.ORIGIN);
    }

    @Test
    void timelineStartsAtTheFirstEntryAtOrAfterSince() {
        long deleteIndex = attack.attackerIndexes.get(1);
        Instant since = EntryCodec.decode(attack.store.entry(deleteIndex).orElseThrow().data()).time();
        Timeline t = Timeline.build(attack.store, attack.incident, since);
        long expectedFrom = 0;
        while (EntryCodec.decode(attack.store.entry(expectedFrom).orElseThrow().data()).time().isBefore(since)) expectedFrom++;
        assertThat(t.fromIndex()).isEqualTo(expectedFrom);
        assertThat(t.entryIndexes()).doesNotContain(attack.attackerIndexes.get(0)).contains(deleteIndex);
        assertThat(Timeline.build(attack.store, attack.incident, Instant.now().plusSeconds(60)).items()).isEmpty();
    }

    @Test
    void affectedRecordsShowTheVersionBeforeTheIncidentAndTheLatest() {
        Map<String, AffectedRecord> byKey = attack.timeline().affected().stream()
                .collect(Collectors.toMap(AffectedRecord::key, Function.identity()));
        assertThat(byKey).containsOnlyKeys("b2", "b3", "b4", "b5", "b7"); // b1 was changed before the incident started
        assertThat(byKey.get("b7").indexBefore()).isEqualTo(-1); // created by the minted token
        AffectedRecord b2 = byKey.get("b2");
        assertThat(b2.versionBefore()).isEqualTo(1);
        assertThat(b2.latestDeleted()).isTrue();
        assertThat(b2.changedByOthersAfter()).isFalse();
        AffectedRecord b3 = byKey.get("b3");
        assertThat(b3.latestActor()).isEqualTo(AttackLog.CLERK);
        assertThat(b3.changedByOthersAfter()).isTrue();
        assertThat(b3.latestVersion()).isEqualTo(3);
        assertThat(byKey.get("b5").versionBefore()).isEqualTo(1);
        assertThat(byKey.get("b5").latestVersion()).isEqualTo(2);
    }

    @Test
    void timelineFilesAreWrittenForToolsAndPeople() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        attack.timeline().writeTo(out);
        String md = Files.readString(out.resolve("timeline.md"));
        assertThat(md).contains("# Incident " + AttackLog.INCIDENT_ID, "T1485 Data Destruction", "births/b2",
                "| safe_mode.enter |");
        var json = TimelineFormat.JSON.readTree(out.resolve("timeline.json").toFile());
        assertThat(json.get("items")).hasSize(attack.expectedTimeline().size() + 1); // the access entry holds two items
        assertThat(json.get("incident").asText()).isEqualTo(AttackLog.INCIDENT_ID);
    }
}
