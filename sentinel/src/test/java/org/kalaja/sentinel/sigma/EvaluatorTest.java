package org.kalaja.sentinel.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kalaja.sentinel.sigma.Sigma.at;
import static org.kalaja.sentinel.sigma.Sigma.event;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    private static final RuleSet DEFAULTS = RuleSet.defaults();

    @TempDir
    Path dir;

    private static Fields delete(String actor, String record) {
        return event("event.action", "record.delete", "event.outcome", "unknown", "user.id", actor, "kalaja.record", record,
                "source.ip", "203.0.113.7");
    }

    private static List<String> names(List<Match> matches) {
        return matches.stream().map(m -> m.rule().name()).toList();
    }

    @Test
    void valueCountFiresOnEleventhDistinctRecordNotOnRepeats() {
        Evaluator ev = new Evaluator(DEFAULTS);
        for (int i = 1; i <= 10; i++) {
            assertThat(ev.evaluate(delete("token:a", "births/" + i), at(i))).as("delete %d", i).isEmpty();
            // Deleting the same records again (retries) adds no distinct value.
            assertThat(ev.evaluate(delete("token:a", "births/" + i), at(i))).isEmpty();
        }
        assertThat(ev.evaluate(delete("token:b", "births/11"), at(11))).as("another actor").isEmpty();
        List<Match> eleventh = ev.evaluate(delete("token:a", "births/11"), at(12));
        assertThat(names(eleventh)).containsExactly("mass_deletion");
        Match m = eleventh.getFirst();
        assertThat(m.group()).isEqualTo(Map.of("user.id", "token:a"));
        assertThat(m.count()).isEqualTo(11);
        assertThat(m.first()).isEqualTo(at(1));
        assertThat(m.last()).isEqualTo(at(12));
        // While it holds, every further delete by the actor is a match the caller can refuse.
        assertThat(names(ev.evaluate(delete("token:a", "births/3"), at(13)))).containsExactly("mass_deletion");
    }

    @Test
    void valueCountForgetsValuesOlderThanTheSpan() {
        Evaluator ev = new Evaluator(DEFAULTS);
        for (int i = 1; i <= 10; i++) ev.evaluate(delete("token:a", "births/" + i), at(i));
        // An hour and more later the first ten are out of the window: ten new ones do not reach 11.
        for (int i = 11; i <= 20; i++) assertThat(ev.evaluate(delete("token:a", "births/" + i), at(3_700 + i))).isEmpty();
        assertThat(names(ev.evaluate(delete("token:a", "births/21"), at(3_721)))).containsExactly("mass_deletion");
    }

    @Test
    void maintenanceWindowExcludesTaggedDeletes() {
        Evaluator ev = new Evaluator(DEFAULTS);
        for (int i = 1; i <= 30; i++) {
            Fields e = event("event.action", "record.delete", "user.id", "token:a", "kalaja.record", "b/" + i, "kalaja.maintenance", "w1");
            assertThat(ev.evaluate(e, at(i))).isEmpty();
        }
    }

    @Test
    void chainedCorrelationSeesFindings() {
        Evaluator ev = new Evaluator(DEFAULTS);
        List<String> seen = new ArrayList<>();
        for (int i = 1; i <= 11; i++) seen.addAll(names(ev.evaluate(delete("token:a", "births/" + i), at(i))));
        assertThat(seen).containsExactly("mass_deletion");
        // A second actor: its own mass deletion, and now two actors on the node within 10 minutes.
        List<Match> second = new ArrayList<>();
        for (int i = 1; i <= 11; i++) second.addAll(ev.evaluate(delete("token:b", "deaths/" + i), at(20 + i)));
        assertThat(names(second)).containsExactly("mass_deletion", "multi_actor_destruction");
        Match chain = second.get(1);
        assertThat(chain.count()).as("distinct actors").isEqualTo(2);
        assertThat(chain.first()).isEqualTo(at(11));
        assertThat(chain.rule().contain()).containsExactly("safe_mode");
        // The chain counts a finding once per episode, not every refused delete after it.
        assertThat(names(ev.evaluate(delete("token:b", "deaths/12"), at(40)))).containsExactly("mass_deletion");
    }

    @Test
    void singleEventRuleMatchesEveryEventAndReferencedRulesStaySilent() {
        Evaluator ev = new Evaluator(DEFAULTS);
        Fields mismatch = event("event.action", "state_audit.mismatch", "user.id", "sentinel");
        assertThat(names(ev.evaluate(mismatch, at(1)))).hasSize(1);
        assertThat(ev.evaluate(mismatch, at(2)).getFirst().group()).isEqualTo(Map.of("user.id", "sentinel"));
        assertThat(ev.evaluate(event("event.action", "auth.failure", "source.ip", "198.51.100.1"), at(3))).isEmpty();
        assertThat(ev.evaluate(event("event.action", "record.put", "kalaja.change.opaque_score", 12L), at(4))).isEmpty();
    }

    @Test
    void generateMakesReferencedRulesFindingsOfTheirOwn() {
        RuleSet rules = Sigma.rules(dir, """
                title: Base
                id: 0c6e62a0-8d0f-4d2e-9d61-2b0b4a1d6a10
                name: base
                %s
                detection: {s: {event.action: auth.failure}, condition: s}
                ---
                title: Count
                id: 0c6e62a0-8d0f-4d2e-9d61-2b0b4a1d6a11
                correlation: {type: event_count, rules: [base], group-by: [source.ip], timespan: 1m, condition: {gte: 2}}
                generate: true
                """.formatted(Sigma.LOGSOURCE.strip()));
        Evaluator ev = new Evaluator(rules);
        assertThat(ev.evaluate(event("event.action", "auth.failure"), at(1))).extracting(m -> m.rule().title()).containsExactly("Base");
        assertThat(ev.evaluate(event("event.action", "auth.failure"), at(2))).extracting(m -> m.rule().title())
                .containsExactly("Base", "Count");
    }

    @Test
    void valueSumAddsPageSizesWithinTheSpan() {
        Evaluator ev = new Evaluator(DEFAULTS);
        Fields list = event("event.action", "record.list", "user.id", "token:r", "kalaja.count", 1000L);
        for (int i = 0; i < 4; i++) assertThat(ev.evaluate(list, at(i * 30))).isEmpty();
        List<Match> fifth = ev.evaluate(list, at(120));
        assertThat(names(fifth)).containsExactly("bulk_enumeration");
        assertThat(fifth.getFirst().count()).isEqualTo(5000);
        Evaluator slow = new Evaluator(DEFAULTS);
        for (int i = 0; i < 10; i++) assertThat(slow.evaluate(list, at(i * 60))).as("one page a minute").isEmpty();
    }

    @Test
    void temporalOrderedNeedsTheOrderWithinTheSpan() {
        RuleSet rules = Sigma.rules(dir, Sigma.baseRules("a", "token.create", "b", "record.delete") + """
                title: Then
                name: then
                correlation: {type: temporal_ordered, rules: [a, b], group-by: [user.id], timespan: 5m}
                ---
                title: Both
                name: both
                correlation: {type: temporal, rules: [a, b], group-by: [user.id], timespan: 5m}
                """);
        Evaluator ev = new Evaluator(rules);
        Fields create = event("event.action", "token.create", "user.id", "token:x");
        Fields del = event("event.action", "record.delete", "user.id", "token:x");
        assertThat(ev.evaluate(del, at(0))).isEmpty();
        assertThat(ev.evaluate(create, at(10))).extracting(m -> m.rule().name()).containsExactly("both");
        assertThat(ev.evaluate(del, at(20))).extracting(m -> m.rule().name()).containsExactlyInAnyOrder("then", "both");
        Evaluator late = new Evaluator(rules);
        late.evaluate(create, at(0));
        assertThat(late.evaluate(del, at(301))).isEmpty();
    }

    @Test
    void aliasesGroupDifferentFieldsOfDifferentRules() {
        RuleSet rules = Sigma.rules(dir, Sigma.baseRules("minted", "token.create", "used", "auth.signin") + """
                title: New token used at once
                name: minted_then_used
                correlation: {type: temporal_ordered, rules: [minted, used], group-by: [token], timespan: 1m,
                              aliases: {token: {minted: kalaja.key, used: user.id}}}
                """);
        Evaluator ev = new Evaluator(rules);
        ev.evaluate(event("event.action", "token.create", "user.id", "token:admin", "kalaja.key", "token:new"), at(0));
        assertThat(ev.evaluate(event("event.action", "auth.signin", "user.id", "token:other"), at(5))).isEmpty();
        List<Match> used = ev.evaluate(event("event.action", "auth.signin", "user.id", "token:new"), at(10));
        assertThat(used).extracting(m -> m.rule().name()).containsExactly("minted_then_used");
        assertThat(used.getFirst().group()).isEqualTo(Map.of("token", "token:new"));
    }

    @Test
    void windowsForgetIdleGroupsOnSweep() {
        Evaluator ev = new Evaluator(DEFAULTS);
        for (int i = 1; i <= 10; i++) ev.evaluate(delete("token:a", "births/" + i), at(i));
        ev.evaluate(event("event.action", "auth.failure", "source.ip", "198.51.100.1"), at(10));
        assertThat(ev.windows()).isEqualTo(2);
        ev.sweep(at(10 + 61)); // the brute-force window (1 min) is idle, the mass-deletion one (1 h) is not
        assertThat(ev.windows()).isEqualTo(1);
        ev.sweep(at(10 + 3_601));
        assertThat(ev.windows()).isZero();
        // Forgotten: the eleventh delete starts a new count.
        assertThat(ev.evaluate(delete("token:a", "births/11"), at(3_612))).isEmpty();
    }

    @Test
    void keyFloodEvictsTheLeastRecentlyUpdatedGroup() {
        Evaluator ev = new Evaluator(DEFAULTS, 3);
        for (int i = 1; i <= 10; i++) ev.evaluate(delete("token:a", "births/" + i), at(i));
        for (String actor : List.of("token:b", "token:c")) ev.evaluate(delete(actor, "x/1"), at(20));
        assertThat(ev.evicted()).isZero();
        ev.evaluate(delete("token:a", "births/1"), at(21)); // token:a is now the most recently updated
        ev.evaluate(delete("token:d", "x/1"), at(22));
        assertThat(ev.evicted()).isEqualTo(1);
        assertThat(names(ev.evaluate(delete("token:a", "births/11"), at(23)))).as("token:a kept its window").containsExactly("mass_deletion");
    }

    @Test
    void rulesAreIndexedByActionSoOtherEventsReadOneField() {
        Evaluator ev = new Evaluator(DEFAULTS);
        List<String> read = new ArrayList<>();
        Fields grant = name -> {
            read.add(name);
            return name.equals("event.action") ? "approval.grant" : null;
        };
        assertThat(ev.evaluate(grant, at(1))).isEmpty();
        assertThat(read).containsExactly("event.action");
        read.clear();
        Fields failure = name -> {
            read.add(name);
            return name.equals("event.action") ? "auth.failure" : null;
        };
        ev.evaluate(failure, at(2));
        assertThat(read).as("only the brute-force base rule (which skips revoked tokens) and its group")
                .containsExactly("event.action", "event.action", "kalaja.token_state", "source.ip");
    }
}
