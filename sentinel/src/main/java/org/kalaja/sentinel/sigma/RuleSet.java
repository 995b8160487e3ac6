package org.kalaja.sentinel.sigma;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A validated, immutable set of Sigma rules: Kalaja's defaults from the classpath, then the operator's
 * files. Every correlation's references are resolved and the chains are acyclic. Build it once and share
 * it; an {@link Evaluator} adds the windows.
 */
public final class RuleSet {
    /** The default rule files, in {@code org/kalaja/sentinel/rules/} on the classpath. */
    static final List<String> DEFAULT_FILES = List.of("mr_kalaja_mass_deletion.yml", "mr_kalaja_ransomware.yml",
            "mr_kalaja_bulk_read.yml", "kalaja_first_seen.yml", "mr_kalaja_brute_force.yml", "kalaja_defences_and_state.yml",
            "mr_kalaja_multi_actor.yml");
    static final String DEFAULT_DIR = "org/kalaja/sentinel/rules/";

    /** A correlation that counts the matches of a rule, with the rule's position in its {@code rules}. */
    record Dependent(Correlation correlation, int source) {
    }

    private final List<Rule> rules;
    final List<RuleLoader.Loaded> detections;
    final List<Correlation> correlations;
    /** By rule id: the correlations that count it. */
    final Map<String, List<Dependent>> dependents;
    /** Ids of detection rules whose every match is a finding (not referenced, or referenced with generate). */
    final Set<String> standalone;

    private final List<RuleLoader.Loaded> loaded;

    private RuleSet(List<RuleLoader.Loaded> loaded) {
        this.loaded = List.copyOf(loaded);
        Map<String, Rule> byRef = new HashMap<>();
        for (RuleLoader.Loaded l : loaded) {
            Rule r = l.rule();
            byRef.put(r.id(), r);
            if (!r.name().isEmpty()) {
                Rule other = byRef.put(r.name(), r);
                if (other != null && other != r) {
                    throw new RuleException(r.file(), label(r), "name '" + r.name() + "' is also used by " + label(other) + " in " + other.file());
                }
            }
        }
        List<Correlation> correlations = new ArrayList<>();
        Map<String, List<Dependent>> dependents = new HashMap<>();
        Set<String> referenced = new HashSet<>();
        Set<String> generated = new HashSet<>();
        for (RuleLoader.Loaded l : loaded) {
            if (l.correlation() == null) continue;
            Correlation c = l.correlation();
            List<Rule> sources = new ArrayList<>();
            for (String ref : c.refs()) {
                Rule s = byRef.get(ref);
                if (s == null) throw new RuleException(c.rule().file(), label(c.rule()), "correlation refers to unknown rule '" + ref + "'");
                if (s == c.rule()) throw new RuleException(c.rule().file(), label(c.rule()), "correlation refers to itself");
                if (sources.contains(s)) throw new RuleException(c.rule().file(), label(c.rule()), "rule '" + ref + "' listed twice");
                sources.add(s);
            }
            Correlation resolved = c.withSources(sources);
            correlations.add(resolved);
            for (int i = 0; i < sources.size(); i++) {
                dependents.computeIfAbsent(sources.get(i).id(), k -> new ArrayList<>()).add(new Dependent(resolved, i));
                referenced.add(sources.get(i).id());
                if (resolved.generate()) generated.add(sources.get(i).id());
            }
        }
        this.rules = loaded.stream().map(RuleLoader.Loaded::rule).toList();
        this.detections = loaded.stream().filter(l -> l.detection() != null).toList();
        this.correlations = List.copyOf(correlations);
        Map<String, List<Dependent>> frozen = new HashMap<>();
        dependents.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        this.dependents = Map.copyOf(frozen);
        Set<String> standalone = new HashSet<>();
        for (RuleLoader.Loaded d : detections) {
            if (!referenced.contains(d.rule().id()) || generated.contains(d.rule().id())) standalone.add(d.rule().id());
        }
        this.standalone = Set.copyOf(standalone);
        for (Correlation c : this.correlations) checkAcyclic(c, new ArrayList<>());
    }

    private void checkAcyclic(Correlation c, List<String> path) {
        if (path.contains(c.rule().id())) {
            throw new RuleException(c.rule().file(), label(c.rule()), "correlation chain loops back to itself: " + path);
        }
        path.add(c.rule().id());
        for (Dependent d : dependents.getOrDefault(c.rule().id(), List.of())) checkAcyclic(d.correlation(), path);
        path.removeLast();
    }

    static String label(Rule r) {
        return "'" + r.title() + "' (" + r.id() + ")";
    }

    /**
     * These rules with the correlation {@code ruleId} (an id or a name) counting to {@code threshold}: its
     * {@code gt}/{@code gte} bounds moved there, as a {@code rule.raise} two administrators approved.
     *
     * @throws IllegalArgumentException when no correlation has that id or name, or it has no lower bound
     */
    public RuleSet withThreshold(String ruleId, long threshold) {
        boolean found = false;
        List<RuleLoader.Loaded> changed = new ArrayList<>();
        for (RuleLoader.Loaded l : loaded) {
            if (l.correlation() != null && (l.rule().id().equals(ruleId) || l.rule().name().equals(ruleId))) {
                changed.add(new RuleLoader.Loaded(l.rule(), l.detection(), l.correlation().withLowerBound(threshold)));
                found = true;
            } else {
                changed.add(l);
            }
        }
        if (!found) throw new IllegalArgumentException("no correlation rule " + ruleId + " to raise; the rules' ids are in docs/RULES.md");
        return new RuleSet(changed);
    }

    /** Every rule, detection and correlation, defaults first (each replaced in place by an override). */
    public List<Rule> rules() {
        return rules;
    }

    /** Kalaja's default rules alone. */
    public static RuleSet defaults() {
        return load(List.of());
    }

    /**
     * The defaults, then every {@code *.yml} / {@code *.yaml} file directly in each of {@code dirs}, in name
     * order (a path that is a file is read as one; one that does not exist adds nothing). A rule with the
     * id of a default replaces it.
     *
     * @throws RuleException naming the file, the rule and the feature when any document is refused, two
     *                       files define the same id or name, or a correlation refers to an unknown rule
     */
    public static RuleSet load(List<Path> dirs) {
        List<Path> files = new ArrayList<>();
        for (Path dir : dirs) {
            if (Files.isRegularFile(dir)) {
                files.add(dir);
            } else if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")))
                            .sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list rules directory " + dir, e);
                }
            }
        }
        return of(files, true, true);
    }

    /** The given files on top of the defaults (when asked); {@code kalajaLogsourceOnly} false admits any logsource. */
    static RuleSet of(List<Path> files, boolean withDefaults, boolean kalajaLogsourceOnly) {
        RuleLoader loader = new RuleLoader(kalajaLogsourceOnly);
        Map<String, RuleLoader.Loaded> byId = new LinkedHashMap<>();
        if (withDefaults) {
            for (String f : DEFAULT_FILES) {
                String resource = DEFAULT_DIR + f;
                try (InputStream in = RuleSet.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) throw new RuleException("classpath:" + resource, "", "default rules file missing");
                    for (RuleLoader.Loaded l : loader.read("classpath:" + resource, in)) put(byId, l, null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        Set<String> defaults = Set.copyOf(byId.keySet());
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (RuleLoader.Loaded l : loader.read(f.toString(), in)) put(byId, l, defaults);
            } catch (IOException e) {
                throw new RuleException(f.toString(), "", "cannot read: " + e.getMessage());
            }
        }
        return new RuleSet(List.copyOf(byId.values()));
    }

    /** Adds {@code l}; a non-null {@code replaceable} lists the ids it may replace (the defaults, once each). */
    private static void put(Map<String, RuleLoader.Loaded> byId, RuleLoader.Loaded l, @Nullable Set<String> replaceable) {
        Rule r = l.rule();
        RuleLoader.Loaded before = byId.get(r.id());
        if (before != null && (replaceable == null || !replaceable.contains(r.id()) || !before.rule().file().startsWith("classpath:"))) {
            throw new RuleException(r.file(), label(r), "id " + r.id() + " is also used by " + label(before.rule()) + " in " + before.rule().file());
        }
        byId.put(r.id(), l); // replacing keeps the default's position in the map
    }
}
