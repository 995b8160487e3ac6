package org.kalaja.sentinel.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kalaja.sentinel.sigma.Sigma.event;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionTest {
    @TempDir
    Path dir;

    /** Whether one single-event rule with this detection matches the event. */
    private boolean matches(String detection, Fields event) {
        RuleSet rules = Sigma.rules(dir, "title: t\nid: 11111111-1111-4111-8111-111111111111\n" + Sigma.LOGSOURCE
                + "detection:\n" + detection.indent(4));
        return !new Evaluator(rules).evaluate(event, Sigma.T0).isEmpty();
    }

    @Test
    void wildcardMatchIsCaseInsensitiveUnlessCased() {
        String plain = "s: {user.name: 'Portal*Backend'}\ncondition: s";
        assertThat(matches(plain, event("user.name", "portal main backend"))).isTrue();
        assertThat(matches(plain, event("user.name", "PORTAL-BACKEND"))).isTrue();
        assertThat(matches(plain, event("user.name", "portal backend x"))).isFalse();
        String cased = "s: {user.name|cased: 'Portal*Backend'}\ncondition: s";
        assertThat(matches(cased, event("user.name", "Portal main Backend"))).isTrue();
        assertThat(matches(cased, event("user.name", "portal main backend"))).isFalse();
        assertThat(matches("s: {user.name: 'a?c'}\ncondition: s", event("user.name", "ABC"))).isTrue();
        assertThat(matches("s: {user.name: 'a?c'}\ncondition: s", event("user.name", "ac"))).isFalse();
    }

    @Test
    void escapedWildcardsAreLiteral() {
        String star = "s: {kalaja.key: 'a\\*b'}\ncondition: s";
        assertThat(matches(star, event("kalaja.key", "a*b"))).isTrue();
        assertThat(matches(star, event("kalaja.key", "axxb"))).isFalse();
        // \\* is a backslash followed by a wildcard
        assertThat(matches("s: {kalaja.key: 'a\\\\*'}\ncondition: s", event("kalaja.key", "a\\anything"))).isTrue();
        assertThat(matches("s: {kalaja.key: 'a\\q'}\ncondition: s", event("kalaja.key", "a\\q"))).isTrue();
    }

    @Test
    void oneOfPatternSkipsUnderscoreIdentifiers() {
        String d = "sel_a: {event.action: record.get}\n_sel_b: {event.action: record.delete}\ncondition: 1 of sel*";
        assertThat(matches(d, event("event.action", "record.get"))).isTrue();
        String hidden = "sel_a: {event.action: record.get}\n_sel_b: {event.action: record.delete}\ncondition: 1 of *sel*";
        assertThat(matches(hidden, event("event.action", "record.delete"))).isFalse();
        String them = "a: {event.action: record.get}\n_b: {event.action: record.delete}\ncondition: 1 of them";
        assertThat(matches(them, event("event.action", "record.delete"))).isFalse();
        assertThat(matches(them, event("event.action", "record.get"))).isTrue();
        String all = "a: {event.action: record.get}\nb: {user.id: 'token:*'}\n_c: {user.id: nobody}\ncondition: all of them";
        assertThat(matches(all, event("event.action", "record.get", "user.id", "token:1"))).isTrue();
        assertThat(matches(all, event("event.action", "record.get", "user.id", "anonymous"))).isFalse();
    }

    @Test
    void notBindsTighterThanAndWhichBindsTighterThanOr() {
        String d = "a: {x: 1}\nb: {y: 1}\nc: {z: 1}\ncondition: a or b and not c";
        assertThat(matches(d, event("x", 1L, "z", 1L))).isTrue(); // a or (b and not c)
        assertThat(matches(d, event("y", 1L, "z", 1L))).isFalse();
        assertThat(matches(d, event("y", 1L))).isTrue();
        assertThat(matches("a: {x: 1}\nb: {y: 1}\nc: {z: 1}\ncondition: (a or b) and not c", event("x", 1L, "z", 1L))).isFalse();
        assertThat(matches("a: {x: 1}\nb: {y: 1}\ncondition: [a, b]", event("y", 1L))).isTrue();
    }

    @Test
    void mapsAreAndListsOfMapsAndValueListsAreOr() {
        String d = "s:\n  - {event.action: record.get, kalaja.collection: [births, deaths]}\n  - {event.action: record.delete}\ncondition: s";
        assertThat(matches(d, event("event.action", "record.get", "kalaja.collection", "deaths"))).isTrue();
        assertThat(matches(d, event("event.action", "record.get", "kalaja.collection", "land"))).isFalse();
        assertThat(matches(d, event("event.action", "record.delete"))).isTrue();
    }

    @Test
    void stringModifiersAllAndListValuedFields() {
        assertThat(matches("s: {user_agent.original|contains: CURL}\ncondition: s", event("user_agent.original", "x curl/8"))).isTrue();
        assertThat(matches("s: {user_agent.original|startswith: curl}\ncondition: s", event("user_agent.original", "x curl"))).isFalse();
        assertThat(matches("s: {user_agent.original|endswith: '/8'}\ncondition: s", event("user_agent.original", "curl/8"))).isTrue();
        String all = "s: {user_agent.original|contains|all: [curl, linux]}\ncondition: s";
        assertThat(matches(all, event("user_agent.original", "curl (Linux)"))).isTrue();
        assertThat(matches(all, event("user_agent.original", "curl (Windows)"))).isFalse();
        assertThat(matches("s: {user.roles: clerk}\ncondition: s", event("user.roles", List.of("reader", "clerk")))).isTrue();
        assertThat(matches("s: {user.roles: clerk}\ncondition: s", event("user.roles", List.of("reader")))).isFalse();
    }

    @Test
    void regexNetworkAndNumbersCompareWhatTheyClaim() {
        assertThat(matches("s: {kalaja.key|re: '^birth-20[0-9]{2}-'}\ncondition: s", event("kalaja.key", "birth-2022-0001"))).isTrue();
        assertThat(matches("s: {kalaja.key|re: '^BIRTH'}\ncondition: s", event("kalaja.key", "birth-2022"))).isFalse();
        assertThat(matches("s: {kalaja.key|re|i: '^BIRTH'}\ncondition: s", event("kalaja.key", "birth-2022"))).isTrue();
        assertThat(matches("s: {source.ip|cidr: 203.0.113.0/24}\ncondition: s", event("source.ip", "203.0.113.7"))).isTrue();
        assertThat(matches("s: {source.ip|cidr: 203.0.113.0/24}\ncondition: s", event("source.ip", "203.0.114.7"))).isFalse();
        assertThat(matches("s: {source.ip|cidr: '2001:db8::/32'}\ncondition: s", event("source.ip", "2001:db8::1"))).isTrue();
        assertThat(matches("s: {source.ip|cidr: '2001:db8::/32'}\ncondition: s", event("source.ip", "2001:db9::1"))).isFalse();
        assertThat(matches("s: {kalaja.count|gte: 90}\ncondition: s", event("kalaja.count", 90L))).isTrue();
        assertThat(matches("s: {kalaja.count|gt: 90}\ncondition: s", event("kalaja.count", 90L))).isFalse();
        assertThat(matches("s: {kalaja.count|lt: 90}\ncondition: s", event("kalaja.count", "12"))).isTrue();
        assertThat(matches("s: {kalaja.count|lte: 90}\ncondition: s", event("kalaja.count", "many"))).isFalse();
        assertThat(matches("s: {kalaja.count: 1.0}\ncondition: s", event("kalaja.count", 1L))).isTrue();
        assertThat(matches("s: {kalaja.count: 1}\ncondition: s", event("kalaja.count", "1"))).isTrue();
    }

    @Test
    void regexSubsetAllowsEscapedPunctuationAndRefusesClassEscapes() {
        assertThat(FieldMatcher.inSubset("^birth\\.[0-9]+$")).isTrue();
        assertThat(FieldMatcher.inSubset("a\\\\d")).as("an escaped backslash, then d").isTrue();
        assertThat(FieldMatcher.inSubset("a\\d")).isFalse();
        assertThat(FieldMatcher.inSubset("(?i)a")).isFalse();
        assertThat(FieldMatcher.inSubset("a(?=b)")).isFalse();
        assertThat(matches("s: {kalaja.key|re: 'a\\.b'}\ncondition: s", event("kalaja.key", "xa.b"))).isTrue();
        assertThat(matches("s: {kalaja.key|re: 'a\\.b'}\ncondition: s", event("kalaja.key", "axb"))).isFalse();
    }

    @Test
    void existsNullEmptyAndNeqTellAbsentFromPresent() {
        assertThat(matches("s: {kalaja.maintenance|exists: true}\ncondition: s", event("kalaja.maintenance", "w1"))).isTrue();
        assertThat(matches("s: {kalaja.maintenance|exists: true}\ncondition: s", event())).isFalse();
        assertThat(matches("s: {kalaja.maintenance|exists: false}\ncondition: s", event())).isTrue();
        assertThat(matches("s: {source.ip: null}\ncondition: s", event())).isTrue();
        assertThat(matches("s: {source.ip: null}\ncondition: s", event("source.ip", "1.2.3.4"))).isFalse();
        assertThat(matches("s: {kalaja.reason: ''}\ncondition: s", event("kalaja.reason", ""))).isTrue();
        assertThat(matches("s: {kalaja.reason: ''}\ncondition: s", event())).isFalse();
        assertThat(matches("s: {event.outcome|neq: success}\ncondition: s", event("event.outcome", "failure"))).isTrue();
        assertThat(matches("s: {event.outcome|neq: success}\ncondition: s", event("event.outcome", "SUCCESS"))).isFalse();
        assertThat(matches("s: {kalaja.session.risky: true}\ncondition: s", event("kalaja.session.risky", true))).isTrue();
        assertThat(matches("s: {kalaja.session.risky: true}\ncondition: s", event("kalaja.session.risky", false))).isFalse();
    }
}
