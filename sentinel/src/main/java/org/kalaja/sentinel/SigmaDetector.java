package org.kalaja.sentinel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kalaja.sentinel.contain.Detector;
import org.kalaja.sentinel.contain.Finding;
import org.kalaja.sentinel.sigma.Evaluator;
import org.kalaja.sentinel.sigma.Fields;
import org.kalaja.sentinel.sigma.Match;
import org.kalaja.sentinel.sigma.Rule;
import org.kalaja.sentinel.sigma.RuleSet;

/** The Sigma evaluator as containment's {@link Detector}: each match with its rule's {@code kalaja} actions. */
final class SigmaDetector implements Detector {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    private volatile RuleSet ruleSet;
    private volatile Evaluator evaluator;
    private final int rules;
    private final SentinelConfig config;

    SigmaDetector(RuleSet rules, SentinelConfig config) {
        this.ruleSet = rules;
        this.evaluator = new Evaluator(rules);
        this.rules = rules.rules().size();
        this.config = config;
    }

    /**
     * Counts {@code ruleId} to {@code threshold} from now on. Every window starts empty again (the
     * evaluator is rebuilt): a raise is rare and two administrators asked for it.
     */
    @Override
    public synchronized void raise(String ruleId, long threshold) {
        RuleSet raised = ruleSet.withThreshold(ruleId, threshold);
        evaluator = new Evaluator(raised);
        ruleSet = raised;
    }

    @Override
    public List<Finding> detect(Fields event, Instant time) {
        List<Match> matches = evaluator.evaluate(event, time);
        if (matches.isEmpty()) return List.of();
        List<Finding> out = new ArrayList<>(matches.size());
        for (Match m : matches) out.add(finding(m));
        return out;
    }

    private Finding finding(Match m) {
        Rule r = m.rule();
        String scope = r.kalaja().get("scope") instanceof String s ? s : "actor";
        Duration blockFor = r.kalaja().get("block_for") instanceof String s ? duration(s, config.blockFor()) : config.blockFor();
        return new Finding(r.incidentRule(), r.techniques(), r.attackVersion(), r.contain(), scope, blockFor, config.incidentWindow(),
                m.group(), m.count(), m.first(), m.last());
    }

    static Duration duration(String text, Duration otherwise) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) return otherwise;
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    @Override
    public void sweep(Instant now) {
        evaluator.sweep(now);
    }

    @Override
    public int rules() {
        return rules;
    }
}
