package org.kalaja.portal.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The public e-services a portal offers and the institutions that decide them, read from files: one
 * {@code <service-id>.yaml} per service and {@code institutions.yaml} (format: docs/portal/SERVICES.md).
 * A catalogue is immutable and fully checked: {@link #load} and {@link #builtIn} either return one whose
 * every service names a known institution, has unique ids and fields {@link Answers} can validate, or
 * throw {@link CatalogueException} listing every problem. Adding a service MUST need only a new file.
 * Services are listed by id, institutions in file order.
 */
public final class Catalogue {
    static final String INSTITUTIONS = "institutions.yaml";
    private static final String BUILT_IN = "/org/kalaja/portal/services/";
    private static final Map<String, String> FILE_KEYS = YamlMap.keys(
            "institutions", "the list of institutions, each with id, name, localName and counter");
    static final Map<String, String> INSTITUTION_KEYS = YamlMap.keys(
            "id", "the institution's id, used by services and clerk roles, like 'civil-registry'",
            "name", "the official name in English",
            "localName", "the official name in Albanian",
            "counter", "where citizens can get the institution's services in person when the portal cannot serve");
    // Strict: a key written twice is a mistake the author must see, not a silent override.
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final List<Service> services;
    private final Map<String, Service> byId = new HashMap<>();
    private final List<Institution> institutions;

    private Catalogue(List<Service> services, List<Institution> institutions) {
        this.services = services.stream().sorted(Comparator.comparing(Service::id)).toList();
        this.institutions = List.copyOf(institutions);
        for (Service s : services) byId.put(s.id(), s);
    }

    /** The catalogue shipped with Kalaja (resources under {@code org/kalaja/portal/services/}, listed in its {@code index}). */
    public static Catalogue builtIn() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : resource("index").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            files.put(name, resource(name));
        }
        return read("the built-in catalogue", files);
    }

    /** The catalogue in {@code dir}: {@code institutions.yaml} and every other {@code *.yaml} file as a service. */
    public static Catalogue load(Path dir) {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList()) {
                files.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CatalogueException(dir.toString(), List.of(dir + ": cannot be read (" + e + "); check the path and its permissions"));
        }
        return read(dir.toString(), files);
    }

    private static String resource(String name) {
        try (InputStream in = Catalogue.class.getResourceAsStream(BUILT_IN + name)) {
            if (in == null) throw new CatalogueException("the built-in catalogue", List.of(name + ": missing from the portal's resources"));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code files} (name → YAML text); {@code source} says where they came from in errors. */
    static Catalogue read(String source, Map<String, String> files) {
        List<String> problems = new ArrayList<>();
        List<Institution> institutions = new ArrayList<>();
        if (!files.containsKey(INSTITUTIONS)) {
            problems.add(INSTITUTIONS + ": missing; add it, listing the institutions that decide the services");
        } else {
            parse(INSTITUTIONS, files.get(INSTITUTIONS), problems).ifPresent(root -> institutions.addAll(institutions(root, problems)));
        }
        List<Service> services = new ArrayList<>();
        Map<String, String> fileOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (file.getKey().equals(INSTITUTIONS)) continue;
            if (!file.getKey().endsWith(".yaml")) {
                // Ignoring it would leave an operator wondering where the service went.
                problems.add(file.getKey() + ": catalogue files end in .yaml; rename it");
                continue;
            }
            Optional<Service> s = parse(file.getKey(), file.getValue(), problems).flatMap(root -> ServiceReader.read(file.getKey(), root, problems));
            if (s.isEmpty()) continue;
            if (!file.getKey().equals(s.get().id() + ".yaml")) {
                // One name per service lets an operator find the file an error or an application names.
                problems.add(file.getKey() + ": service '" + s.get().id() + "': the file MUST be named " + s.get().id()
                        + ".yaml; rename the file or change 'id'");
            }
            String other = fileOf.putIfAbsent(s.get().id(), file.getKey());
            if (other != null) {
                problems.add(file.getKey() + ": service '" + s.get().id() + "': duplicate service id, also declared in " + other + "; give each service its own id");
                continue;
            }
            services.add(s.get());
        }
        Set<String> known = new HashSet<>(institutions.stream().map(Institution::id).toList());
        for (Service s : services) {
            if (!institutions.isEmpty() && !known.contains(s.institution())) {
                problems.add(fileOf.get(s.id()) + ": service '" + s.id() + "': 'institution' is '" + s.institution() + "', which is not in "
                        + INSTITUTIONS + "; use one of " + String.join(", ", known.stream().sorted().toList()) + ", or add it there");
            }
        }
        if (files.size() == (files.containsKey(INSTITUTIONS) ? 1 : 0)) {
            problems.add(source + ": no service files; add one <service-id>.yaml per service");
        }
        if (!problems.isEmpty()) throw new CatalogueException(source, problems);
        return new Catalogue(services, institutions);
    }

    private static Optional<JsonNode> parse(String file, String text, List<String> problems) {
        try {
            JsonNode root = YAML.readTree(text);
            if (root == null || root.isMissingNode()) {
                problems.add(file + ": the file is empty; remove it or declare the " + (file.equals(INSTITUTIONS) ? "institutions" : "service"));
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            problems.add(file + ": not valid YAML" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse("") + "; check the indentation and quoting there");
            return Optional.empty();
        }
    }

    private static List<Institution> institutions(JsonNode root, List<String> problems) {
        Optional<YamlMap> file = YamlMap.of(root, INSTITUTIONS, "the file", problems, FILE_KEYS);
        if (file.isEmpty()) return List.of();
        List<JsonNode> nodes = file.get().list("institutions");
        if (nodes.isEmpty()) file.get().problem("'institutions' is missing or empty; add " + FILE_KEYS.get("institutions"));
        List<Institution> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            String where = INSTITUTIONS + ": institution " + (n.path("id").isTextual() ? "'" + n.path("id").textValue() + "'" : "" + (i + 1));
            Optional<YamlMap> m = YamlMap.of(n, where, "an institution", problems, INSTITUTION_KEYS);
            if (m.isEmpty()) continue;
            Institution inst = new Institution(m.get().id("id"), m.get().text("name"), m.get().text("localName", ""), m.get().text("counter", ""));
            if (!inst.id().isEmpty() && !ids.add(inst.id())) m.get().problem("duplicate institution id '" + inst.id() + "'; give each institution its own id");
            out.add(inst);
        }
        return out;
    }

    /** Every service, by id. */
    public List<Service> services() {
        return services;
    }

    public Optional<Service> service(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every institution, in the order of {@code institutions.yaml}. */
    public List<Institution> institutions() {
        return institutions;
    }

    public Optional<Institution> institution(String id) {
        return institutions.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** The services {@code institutionId} decides, by id; empty for an unknown institution. */
    public List<Service> servicesOf(String institutionId) {
        return services.stream().filter(s -> s.institution().equals(institutionId)).toList();
    }
}
