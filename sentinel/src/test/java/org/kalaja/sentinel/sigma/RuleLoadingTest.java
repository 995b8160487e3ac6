package org.kalaja.sentinel.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.sentinel.Incident;

class RuleLoadingTest {
    @TempDir
    Path dir;

    private static final String HEAD = "title: Odd rule\nid: 22222222-2222-4222-8222-222222222222\n" + Sigma.LOGSOURCE;

    private RuleException refused(String yaml) {
        Path f = Sigma.write(dir, "odd.yml", yaml);
        try {
            RuleSet.load(List.of(dir));
        } catch (RuleException e) {
            assertThat(e.file()).isEqualTo(f.toString());
            return e;
        }
        throw new AssertionError("loaded: " + yaml);
    }

    @Test
    void unsupportedModifierFailsLoadNamingFileAndRule() {
        RuleException e = refused(HEAD + "detection:\n  s: {kalaja.key|base64: abc}\n  condition: s\n");
        assertThat(e.rule()).contains("Odd rule").contains("22222222-2222-4222-8222-222222222222");
        assertThat(e.feature()).contains("base64");
        assertThat(e.getMessage()).contains("odd.yml").contains("Odd rule").contains("base64");
    }

    @Test
    void everyFeatureOutsideTheSubsetIsRefusedByName() {
        Map<String, String> refusedFeature = Map.of(
                "detection:\n  s: {kalaja.key|windash: abc}\n  condition: s\n", "windash",
                "detection:\n  s: {kalaja.key|expand: '%x%'}\n  condition: s\n", "expand",
                "detection:\n  s: {kalaja.key|fieldref: user.id}\n  condition: s\n", "fieldref",
                "detection:\n  s: {kalaja.key|hour: 3}\n  condition: s\n", "hour",
                "detection:\n  k: [evil, bad]\n  condition: k\n", "keyword list",
                "detection:\n  s: {event.action: x}\n  condition: s | count() > 5\n", "aggregation",
                "detection:\n  s: {event.action: x}\n  condition: 2 of s*\n", "'2 of'",
                "detection:\n  s: {event.action: x}\n  condition: s and t\n", "unknown search identifier 't'",
                "detection:\n  s: {kalaja.key|re: '\\d+'}\n  condition: s\n", "subset");
        refusedFeature.forEach((detection, feature) -> assertThat(refused(HEAD + detection).feature()).contains(feature));
        String corr = "title: Avg\nid: 33333333-3333-4333-8333-333333333333\ncorrelation: {type: value_avg, rules: [x], group-by: [user.id],"
                + " timespan: 1h, condition: {field: kalaja.count, gt: 5}}\n";
        assertThat(refused(corr).feature()).contains("value_avg");
        String windows = "title: Win\nid: 44444444-4444-4444-8444-444444444444\nlogsource: {product: windows}\n"
                + "detection: {s: {x: 1}, condition: s}\n";
        assertThat(refused(windows).feature()).contains("logsource");
        assertThat(refused(HEAD + "taxonomy: sigma\ndetection: {s: {x: 1}, condition: s}\n").feature()).contains("taxonomy");
        assertThat(refused(HEAD + "kalaja: {contain: [shutdown]}\ndetection: {s: {x: 1}, condition: s}\n").feature()).contains("shutdown");
    }

    @Test
    void correlationsMustNameKnownRulesWithoutLoopsAndWithinBounds() {
        String unknown = "title: C\nid: 55555555-5555-4555-8555-555555555555\ncorrelation: {type: event_count, rules: [nothing_here],"
                + " group-by: [user.id], timespan: 1m, condition: {gte: 3}}\n";
        assertThat(refused(unknown).feature()).contains("unknown rule 'nothing_here'");
        String loop = "title: A\nid: 66666666-6666-4666-8666-666666666666\nname: a\ncorrelation: {type: event_count, rules: [b],"
                + " group-by: [user.id], timespan: 1m, condition: {gte: 3}}\n---\ntitle: B\nid: 77777777-7777-4777-8777-777777777777\n"
                + "name: b\ncorrelation: {type: event_count, rules: [a], group-by: [user.id], timespan: 1m, condition: {gte: 3}}\n";
        assertThat(refused(loop).feature()).contains("loops");
        String huge = "title: H\nid: 88888888-8888-4888-8888-888888888888\ncorrelation: {type: event_count, rules: [auth_failure],"
                + " group-by: [user.id], timespan: 1m, condition: {gt: 10000}}\n";
        assertThat(refused(huge).feature()).contains("10000");
        String badSpan = "title: S\nid: 99999999-9999-4999-8999-999999999999\ncorrelation: {type: event_count, rules: [auth_failure],"
                + " group-by: [user.id], timespan: 1w, condition: {gte: 3}}\n";
        assertThat(refused(badSpan).feature()).contains("timespan");
    }

    @Test
    void ruleInDirectoryReplacesDefaultWithSameId() {
        RuleSet defaults = RuleSet.defaults();
        Rule before = defaults.rules().stream().filter(r -> r.name().equals("brute_force")).findFirst().orElseThrow();
        Sigma.write(dir, "local.yaml", """
                title: Repeated failed sign-ins from one address (stricter)
                id: %s
                name: brute_force
                correlation: {type: event_count, rules: [auth_failure], group-by: [source.ip], timespan: 1m, condition: {gte: 3}}
                level: critical
                tags: [attack.credential-access, attack.t1110]
                """.formatted(before.id()));
        RuleSet loaded = RuleSet.load(List.of(dir, dir.resolve("absent")));
        assertThat(loaded.rules()).hasSameSizeAs(defaults.rules());
        Rule after = loaded.rules().stream().filter(r -> r.id().equals(before.id())).findFirst().orElseThrow();
        assertThat(after.title()).endsWith("(stricter)");
        assertThat(after.file()).endsWith("local.yaml");
        Evaluator ev = new Evaluator(loaded);
        List<Match> third = List.of();
        for (int i = 0; i < 3; i++) third = ev.evaluate(Sigma.event("event.action", "auth.failure", "source.ip", "198.51.100.9"), Sigma.at(i));
        assertThat(third).extracting(m -> m.rule().id()).containsExactly(before.id());
    }

    @Test
    void secondRuleWithTheSameIdInTheDirectoriesIsRefused() {
        String rule = HEAD + "detection: {s: {x: 1}, condition: s}\n";
        Sigma.write(dir, "a.yml", rule);
        Sigma.write(dir, "b.yml", rule);
        assertThatThrownBy(() -> RuleSet.load(List.of(dir))).isInstanceOf(RuleException.class).hasMessageContaining("also used by");
    }

    @Test
    void defaultsCarryTechniquesVersionAndContainment() {
        RuleSet defaults = RuleSet.defaults();
        Rule mass = defaults.rules().stream().filter(r -> r.name().equals("mass_deletion")).findFirst().orElseThrow();
        assertThat(mass.techniques()).containsExactly(new Incident.Technique("T1485", "Data Destruction", "Impact"));
        assertThat(mass.attackVersion()).isEqualTo("19.0");
        assertThat(mass.contain()).containsExactly("revoke", "freeze");
        assertThat(mass.level()).isEqualTo("critical");
        Rule defences = defaults.rules().stream().filter(r -> r.tags().contains("attack.t1562")).findFirst().orElseThrow();
        assertThat(defences.techniques()).contains(new Incident.Technique("T1562", "Impair Defenses", "Defense Impairment"));
        Rule base = defaults.rules().stream().filter(r -> r.name().equals("record_destroyed")).findFirst().orElseThrow();
        assertThat(base.contain()).containsExactly("alert");
        for (Rule r : defaults.rules()) {
            assertThat(r.id()).as(r.title()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            if (!r.tags().isEmpty()) assertThat(r.kalaja()).as(r.title()).containsEntry("attack_version", "19.0");
        }
        assertThat(defaults.rules()).extracting(Rule::id).doesNotHaveDuplicates();
        Rule foreign = new Rule("x", "", "x", "low", List.of("attack.execution", "attack.t1059", "attack.t1485.999"), "f", Map.of());
        assertThat(foreign.techniques()).containsExactly(new Incident.Technique("T1059", "", "execution"),
                new Incident.Technique("T1485.999", "Data Destruction", "Impact"));
    }
}
