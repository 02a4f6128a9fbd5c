package dev.k3sautoscaler.e2e.docs;

import static dev.k3sautoscaler.e2e.docs.ConfigurationReferenceCheck.CDK_CONTEXT;
import static dev.k3sautoscaler.e2e.docs.ConfigurationReferenceCheck.CDK_PROPS;
import static dev.k3sautoscaler.e2e.docs.ConfigurationReferenceCheck.ENVIRONMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.ConfigVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md lists every configuration input the code has, and nothing else.
 *
 * <ul>
 *   <li><b>Environment table</b> = the {@link ConfigVariable#ALL} catalogue (the policy's settings,
 *       whose default and range cells must match it too) ∪ every variable a function reads,
 *       found by scanning {@code functions/*}{@code /src/main} for environment reads and resolving
 *       their string constants ({@link ConfigurationSources} describes the exact patterns) ∪ every
 *       variable the CDK construct sets on a Lambda ({@code env.put} in {@code K3sAutoscaler.java}),
 *       which adds the ones only libraries read (Powertools).</li>
 *   <li><b>CDK props table</b> = the public setters of {@code K3sAutoscalerProps.Builder}, parsed
 *       from its source (the e2e module does not depend on cdk).</li>
 *   <li><b>CDK context table</b> = the context keys {@code K3sAutoscalerApp} reads by literal (the
 *       scaling variables are context keys too, by their catalogue names).</li>
 * </ul>
 * A failure names each missing or extra entry and, for a missing one, the file that has it.
 */
class ConfigurationReferenceTest {
    private static final Path ROOT = repositoryRoot();
    private static final String DOC = ConfigurationSources.read(ROOT.resolve("docs/configuration.md"));

    @Test
    void environmentTable_listsExactlyTheVariablesTheCodeReadsOrTheDeploymentSets() {
        // GIVEN the variables the code has, found in the code
        Map<String, String> inCode = environmentInCode();

        // WHEN the page is compared with them
        List<String> problems = ConfigurationReferenceCheck.differences(ENVIRONMENT,
                ConfigurationReferenceCheck.documented(DOC, ENVIRONMENT), inCode);

        // THEN nothing is missing and nothing is extra
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void cdkPropsTable_listsExactlyTheBuilderSetters() {
        // GIVEN the construct's props builder
        String props = ConfigurationSources.read(ROOT.resolve("cdk/src/main/java/dev/k3sautoscaler/cdk/K3sAutoscalerProps.java"));
        Map<String, String> setters = located(ConfigurationSources.builderMethods(props), "K3sAutoscalerProps.Builder");

        // WHEN / THEN
        assertTrue(setters.containsKey("clusterId"), "the builder scan found no setters: " + setters);
        assertDocumentedExactly(CDK_PROPS, setters);
    }

    @Test
    void cdkContextTable_listsExactlyTheKeysTheAppReads() {
        // GIVEN the app's context keys
        String app = ConfigurationSources.read(ROOT.resolve("cdk/src/main/java/dev/k3sautoscaler/cdk/K3sAutoscalerApp.java"));
        Map<String, String> keys = located(ConfigurationSources.contextKeys(app), "K3sAutoscalerApp");

        // WHEN / THEN
        assertTrue(keys.containsKey("networkingMode"), "the context scan found no keys: " + keys);
        assertDocumentedExactly(CDK_CONTEXT, keys);
    }

    @Test
    void policyRows_carryTheCatalogueDefaultAndRange() {
        // GIVEN the policy catalogue
        List<ConfigVariable> catalogue = ConfigVariable.ALL;

        // WHEN each variable's row is read from the page
        List<String> wrong = catalogue.stream()
                .filter(v -> !rowMatches(v))
                .map(v -> v.name() + " (expected default " + v.defaultValue() + ", range " + v.range() + ")")
                .toList();

        // THEN its Default and Valid range cells say what the catalogue says
        assertEquals(List.of(), wrong, "docs/configuration.md rows that differ from ConfigVariable.ALL: " + wrong);
    }

    @Test
    void check_namesTheVariableAndWhereItIsRead_whenThePageOmitsIt() {
        // GIVEN the page without its WORKER_SUBNET_IDS row
        String withoutRow = DOC.lines().filter(line -> !line.startsWith("| `WORKER_SUBNET_IDS`"))
                .collect(Collectors.joining("\n"));

        // WHEN it is checked against the code
        List<String> problems = ConfigurationReferenceCheck.differences(ENVIRONMENT,
                ConfigurationReferenceCheck.documented(withoutRow, ENVIRONMENT), environmentInCode());

        // THEN exactly that variable is reported, with the file that reads it
        assertEquals(List.of("missing from the 'environment' table of docs/configuration.md: "
                + "WORKER_SUBNET_IDS (functions/fleet/src/main/java/dev/k3sautoscaler/fleet/FleetSettings.java)"), problems);
    }

    @Test
    void check_namesTheVariable_whenThePageListsOneNoCodeReads() {
        // GIVEN the page with an extra row inside the environment table
        String marker = "<!-- check:" + ENVIRONMENT + ":end -->";
        String withExtra = DOC.replace(marker, "| `RETIRED_SETTING` | 1 | | gone |\n" + marker);

        // WHEN
        List<String> problems = ConfigurationReferenceCheck.differences(ENVIRONMENT,
                ConfigurationReferenceCheck.documented(withExtra, ENVIRONMENT), environmentInCode());

        // THEN
        assertEquals(List.of("listed in the 'environment' table of docs/configuration.md but not in the code: RETIRED_SETTING"),
                problems);
    }

    @Test
    void check_fails_whenATableLostItsMarkers() {
        // GIVEN a page whose props table is no longer marked
        String unmarked = DOC.replace("<!-- check:" + CDK_PROPS + ":start -->", "");

        // WHEN / THEN the check refuses instead of comparing an empty table
        AssertionError error = assertThrows(AssertionError.class, () -> ConfigurationReferenceCheck.documented(unmarked, CDK_PROPS));
        assertTrue(error.getMessage().contains("cdk-props"), error.getMessage());
    }

    @Test
    void scan_findsLiteralsConstantsPassThroughHelpersAndLog4jLookups() {
        // GIVEN sources that read the environment in each supported way
        Map<String, String> sources = Map.of(
                "a/Schema.java", "class Schema { static final class Env { public static final String TABLE = \"SOME_TABLE\"; } }",
                "a/Settings.java", """
                        class Settings {
                            public static final String URL_VARIABLE = "SOME_URL";
                            static Settings from(Map<String, String> environment) {
                                EnvironmentReader reader = new EnvironmentReader(environment);
                                String id = reader.requiredString("SOME_ID", "an id");
                                String url = reader.raw(URL_VARIABLE);
                                String table = tableName(reader, Schema.Env.TABLE);
                                String region = environment.getOrDefault("SOME_REGION", environment.get("OTHER_REGION"));
                                int n = reader.integer(variable.name(), 1, 0, 2);
                                return null;
                            }
                        }""",
                "a/log4j2.xml", "<Root level=\"${env:SOME_LOG_LEVEL:-INFO}\">");

        // WHEN
        Map<String, String> reads = ConfigurationSources.environmentReads(sources);

        // THEN every name is found, the pass-through argument adds nothing
        assertEquals(List.of("OTHER_REGION", "SOME_ID", "SOME_LOG_LEVEL", "SOME_REGION", "SOME_TABLE", "SOME_URL"),
                List.copyOf(reads.keySet()));
        assertEquals("a/Settings.java", reads.get("SOME_TABLE"));
    }

    @Test
    void scan_ignoresUpperCaseStrings_thatNoEnvironmentReadUses() {
        // GIVEN a constant and a literal that are not environment reads
        Map<String, String> sources = Map.of("a/Json.java", """
                class Json {
                    static final String FIELD = "LOCK_OWNER";
                    String f(Map<String, String> item) { return item.get(FIELD) + "MAX_VALUE"; }
                }""");

        // WHEN / THEN
        assertEquals(Map.of(), ConfigurationSources.environmentReads(sources));
    }

    private static Map<String, String> environmentInCode() {
        Map<String, String> functions = ConfigurationSources.load(ROOT, ROOT.resolve("functions"));
        Map<String, String> inCode = new TreeMap<>(ConfigurationSources.environmentReads(functions));
        ConfigVariable.ALL.forEach(v -> inCode.putIfAbsent(v.name(), "ConfigVariable.ALL"));
        String construct = "cdk/src/main/java/dev/k3sautoscaler/cdk/K3sAutoscaler.java";
        ConfigurationSources.environmentSetByDeployment(Map.of(construct, ConfigurationSources.read(ROOT.resolve(construct))),
                functions).forEach(inCode::putIfAbsent);
        return inCode;
    }

    private static boolean rowMatches(ConfigVariable variable) {
        String[] cells = DOC.lines().filter(line -> line.startsWith("| `" + variable.name() + "` |"))
                .findFirst().orElse("").split("\\|");
        return cells.length >= 4 && cells[2].strip().equals(variable.defaultValue()) && cells[3].strip().equals(variable.range());
    }

    /** The page's table lists exactly these names; each problem names the entry and where it is read. */
    private static void assertDocumentedExactly(String table, Map<String, String> inCode) {
        List<String> problems = ConfigurationReferenceCheck.differences(table,
                ConfigurationReferenceCheck.documented(DOC, table), inCode);
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    private static Map<String, String> located(Set<String> names, String where) {
        return names.stream().collect(Collectors.toMap(Function.identity(), n -> where, (a, b) -> a, TreeMap::new));
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("autoscaler"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("repository root (the folder holding ./autoscaler) not found");
        }
        return dir;
    }
}
