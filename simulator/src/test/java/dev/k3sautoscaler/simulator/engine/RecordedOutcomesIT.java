package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Refactoring guard: every bundled scenario, whole, on its own seed, must end with exactly the
 * summary recorded in {@code src/test/resources/golden/}. A change that is meant to move an outcome
 * rewrites the recording ({@code -Dgolden.write=true}) in the same commit, so the diff shows which
 * numbers moved and the commit says why.
 */
class RecordedOutcomesIT {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final java.util.List<String> SCENARIOS = ScenarioLoader.BUNDLED;

    @ParameterizedTest(name = "{0}")
    @FieldSource("SCENARIOS")
    void everyBundledScenario_endsWithItsRecordedSummary(String name) throws IOException {
        // GIVEN the scenario as bundled, seed included
        // WHEN it runs through the real workflow and handlers
        SimulationResult result;
        try (Simulation simulation = new Simulation(ScenarioLoader.bundled(name), PolicyName.DEFAULT)) {
            result = simulation.run();
        }
        String actual = StepJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result.summary()) + "\n";

        // THEN the same numbers as recorded, and the invariants held
        Path recorded = GOLDEN.resolve(name + ".summary.json");
        if (Boolean.getBoolean("golden.write")) {
            Files.writeString(recorded, actual);
        }
        JsonNode expected = StepJson.MAPPER.readTree(Files.readString(recorded));
        assertEquals(expected.toPrettyString(), StepJson.MAPPER.readTree(actual).toPrettyString(), name + " moved");
        BundledScenariosIT.assertSane(result);
    }
}
