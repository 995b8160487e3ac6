package org.kalaja.sentinel.sigma;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.kalaja.sentinel.Incident;

/**
 * The MITRE ATT&CK techniques Kalaja's rules may tag, with their names and tactics in ATT&CK {@value #VERSION}.
 * A rule may tag a technique that is not here: its findings then carry the id without a name.
 * v19 split Defense Evasion into Stealth and Defense Impairment: T1562 Impair Defenses is under Defense
 * Impairment, T1078 Valid Accounts under Stealth. Names are the long-standing technique names; check them
 * against the v19 STIX data before a release (only this class and the rule tags change).
 */
public final class AttackCatalog {
    /** The ATT&CK version the ids, names and tactics refer to. */
    public static final String VERSION = "19.0";

    private record Entry(String name, List<String> tactics) {
    }

    // Tactics by their Sigma tag short name; the first one listed for a technique is its default.
    private static final Map<String, String> TACTICS = Map.ofEntries(
            Map.entry("initial-access", "Initial Access"), Map.entry("persistence", "Persistence"),
            Map.entry("privilege-escalation", "Privilege Escalation"), Map.entry("stealth", "Stealth"),
            Map.entry("defense-impairment", "Defense Impairment"), Map.entry("credential-access", "Credential Access"),
            Map.entry("collection", "Collection"), Map.entry("exfiltration", "Exfiltration"), Map.entry("impact", "Impact"));

    private static final Map<String, Entry> TECHNIQUES = Map.ofEntries(
            Map.entry("T1020", new Entry("Automated Exfiltration", List.of("exfiltration"))),
            Map.entry("T1078", new Entry("Valid Accounts", List.of("initial-access", "persistence", "privilege-escalation", "stealth"))),
            Map.entry("T1098", new Entry("Account Manipulation", List.of("persistence", "privilege-escalation"))),
            Map.entry("T1110", new Entry("Brute Force", List.of("credential-access"))),
            Map.entry("T1213", new Entry("Data from Information Repositories", List.of("collection"))),
            Map.entry("T1213.006", new Entry("Data from Information Repositories: Databases", List.of("collection"))),
            Map.entry("T1485", new Entry("Data Destruction", List.of("impact"))),
            Map.entry("T1486", new Entry("Data Encrypted for Impact", List.of("impact"))),
            Map.entry("T1490", new Entry("Inhibit System Recovery", List.of("impact"))),
            Map.entry("T1530", new Entry("Data from Cloud Storage", List.of("collection"))),
            Map.entry("T1531", new Entry("Account Access Removal", List.of("impact"))),
            Map.entry("T1562", new Entry("Impair Defenses", List.of("defense-impairment"))),
            Map.entry("T1565", new Entry("Data Manipulation", List.of("impact"))),
            Map.entry("T1565.001", new Entry("Data Manipulation: Stored Data Manipulation", List.of("impact"))),
            Map.entry("T1567", new Entry("Exfiltration Over Web Service", List.of("exfiltration"))));

    private AttackCatalog() {
    }

    /**
     * The technique {@code id} ({@code T1485}, {@code t1565.001}) with its name and one tactic: the first of
     * {@code tacticTags} (Sigma short names such as {@code persistence}) the technique belongs to, else its
     * default tactic. An unknown sub-technique takes its parent's name and tactics. Empty when the catalog
     * knows neither.
     */
    public static Optional<Incident.Technique> technique(String id, List<String> tacticTags) {
        String key = id.toUpperCase(Locale.ROOT);
        Entry e = TECHNIQUES.get(key);
        if (e == null && key.indexOf('.') > 0) e = TECHNIQUES.get(key.substring(0, key.indexOf('.')));
        if (e == null) return Optional.empty();
        List<String> tactics = e.tactics;
        String tactic = tacticTags.stream().filter(tactics::contains).findFirst().orElse(tactics.getFirst());
        return Optional.of(new Incident.Technique(key, e.name, TACTICS.get(tactic)));
    }

    /** The display name of a tactic tag short name ({@code defense-impairment} → Defense Impairment), if known. */
    public static Optional<String> tactic(String shortName) {
        return Optional.ofNullable(TACTICS.get(shortName));
    }
}
