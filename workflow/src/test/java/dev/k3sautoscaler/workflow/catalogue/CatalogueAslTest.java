package dev.k3sautoscaler.workflow.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.contract.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checked-in ASL is what the step catalogue generates: its Retry blocks are the catalogue's,
 * its Lambda Task states are the ones the catalogue lists, and it catches no step error that cannot
 * happen. After changing the catalogue, regenerate the definitions:
 * {@code ./autoscaler mvn -o -q test -pl workflow -am -Dtest=CatalogueAslTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dworkflow.asl.write=true -Dexec.skip=true}.
 */
class CatalogueAslTest {
    private static final List<String> MACHINES = List.of("tick", "actuation");

    private static Path file(String machine) {
        return Path.of("asl", machine + ".asl.json");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tick", "actuation"})
    void checkedInDefinition_isWhatTheCatalogueGenerates(String machine) throws IOException {
        // GIVEN the checked-in definition
        String checkedIn = Files.readString(file(machine), StandardCharsets.UTF_8);

        // WHEN its Retry blocks are generated from the catalogue
        String generated = AslJson.print(CatalogueRetries.withGeneratedRetries(AslJson.parse(checkedIn)));

        // THEN nothing changed (or the file is rewritten on request)
        if (Boolean.getBoolean("workflow.asl.write") && !generated.equals(checkedIn)) {
            Files.writeString(file(machine), generated, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(checkedIn, generated, machine + ".asl.json drifted from the step catalogue; regenerate it"
                + " with -Dworkflow.asl.write=true (see this test's javadoc)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tick", "actuation"})
    void definition_catchesOnlyErrorsItsStepsDeclare_andNamesOnlyListedStates(String machine) throws IOException {
        JsonNode definition = AslJson.parse(Files.readString(file(machine), StandardCharsets.UTF_8));

        assertEquals(List.of(), CatalogueRetries.disagreements(definition));
    }

    @Test
    void everyStateTheCatalogueLists_isInADefinition_andEveryStepIsCalled() throws IOException {
        // GIVEN every Lambda Task state of both machines
        Set<String> inDefinitions = new TreeSet<>();
        Set<Step> called = new TreeSet<>();
        for (String machine : MACHINES) {
            for (Map.Entry<String, Step> state : CatalogueRetries.lambdaStates(
                    AslJson.parse(Files.readString(file(machine), StandardCharsets.UTF_8)))) {
                inDefinitions.add(state.getKey());
                called.add(state.getValue());
            }
        }

        // THEN the catalogue lists exactly those, and deploys no function that nothing calls
        Set<String> listed = Arrays.stream(Step.values()).flatMap(step -> step.states().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(listed, inDefinitions);
        assertEquals(Set.of(Step.values()), called);
    }

    @Test
    void printing_keepsTheLayoutOfTheCheckedInFiles() {
        String text = "{\n  \"a\": [\n    1,\n    \"é\\\"\"\n  ],\n  \"b\": {},\n  \"c\": 1.5,\n  \"d\": []\n}\n";

        assertEquals(text, AslJson.print(AslJson.parse(text)));
    }

    @Test
    void aStepThatDeclaresAnError_getsItRetried_andANewTaskStateUnlisted_isReported() {
        // GIVEN a definition with a cordon under an unknown state name that catches what cordon cannot throw
        JsonNode definition = AslJson.parse("""
                {"States": {"CordonSomething": {"Type": "Task", "Resource": "${CordonNodeArn}",
                  "Catch": [{"ErrorEquals": ["dev.k3sautoscaler.errors.InsufficientCapacity"], "Next": "X"}], "End": true}}}
                """);

        // WHEN / THEN
        assertEquals(List.of(
                "CordonSomething invokes cordon-node but is not among its states [CordonNode, CordonInterruptedNode]",
                "CordonSomething catches dev.k3sautoscaler.errors.InsufficientCapacity, which cordon-node never ends with"),
                CatalogueRetries.disagreements(definition));
        JsonNode retried = CatalogueRetries.withGeneratedRetries(definition).at("/States/CordonSomething/Retry/1/ErrorEquals");
        assertTrue(retried.toString().contains("ClusterCredentialsUnavailable"), retried.toString());
        assertTrue(retried.toString().contains("StateStoreUnavailable"), retried.toString());
    }
}
