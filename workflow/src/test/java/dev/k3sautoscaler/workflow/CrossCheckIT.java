package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.workflow.ScriptedScenario.LocalRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every scenario under {@code src/test/resources/crosscheck/} on the local executor and on
 * aws-local-stepfunctions (an independent ASL interpreter, run with the system node), with the same
 * scripted task answers, and requires the same states entered, the same status and the same output
 * or error. A scenario may also say how it must end ({@code expect}: {@code status}, {@code error},
 * {@code cause} (a part of it), {@code end} (the last state), {@code inputs} (fields of the last
 * input a Task state was given), {@code notEntered} (states the path must not take)), so a path both interpreters agree on is also the intended one.
 * The closing report is printed by the build.
 */
class CrossCheckIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCENARIOS = ScriptedScenario.DIRECTORY;
    private static int compared;
    private static int equal;
    private static final java.util.Map<String, Long> TRANSITIONS = new java.util.TreeMap<>();

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            return files.filter(f -> !f.getFileName().toString().equals("substitutions.json"))
                    .filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void localExecutor_agreesWithAwsLocalStepFunctions(Path scenarioFile) throws Exception {
        // GIVEN one scenario: a definition, an input and scripted task answers by state name
        JsonNode scenario = ScriptedScenario.read(scenarioFile);
        Path definition = Path.of(scenario.get("machine").asText());

        // WHEN both interpreters run it
        LocalRun local = ScriptedScenario.runLocally(scenario);
        TRANSITIONS.put(scenarioFile.getFileName().toString().replace(".json", ""), local.execution().stateTransitions());
        JsonNode reference = runOnReference(definition, scenarioFile);

        // THEN they took the same path to the same end
        compared++;
        assertEquals(reference, local.report(), "local executor vs aws-local-stepfunctions for " + scenarioFile.getFileName());
        equal++;
        // AND it is the end the scenario expects
        assertExpected(scenario.path("expect"), local, scenarioFile.getFileName().toString());
    }

    private static void assertExpected(JsonNode expect, LocalRun run, String name) {
        Execution execution = run.execution();
        if (expect.has("status")) {
            assertEquals(expect.get("status").asText(), execution.status().name(), name);
        }
        if (expect.has("error")) {
            assertEquals(expect.get("error").asText(), execution.error(), name);
        }
        if (expect.has("cause")) {
            String cause = String.valueOf(execution.cause());
            assertTrue(cause.contains(expect.get("cause").asText()), name + ": " + cause);
        }
        if (expect.has("end")) {
            assertEquals(expect.get("end").asText(), execution.statePath().getLast(), name + ": " + execution.statePath());
        }
        expect.path("notEntered").forEach(state -> assertFalse(execution.statePath().contains(state.asText()),
                name + ": entered " + state.asText() + " in " + execution.statePath()));
        expect.path("inputs").properties().forEach(state -> {
            JsonNode given = run.taskInputs().get(state.getKey());
            assertNotNull(given, name + ": " + state.getKey() + " never ran");
            state.getValue().properties().forEach(field ->
                    assertEquals(field.getValue(), given.get(field.getKey()), name + ": " + state.getKey() + "." + field.getKey()));
        });
    }

    @AfterAll
    static void report() {
        System.out.println("cross-check: " + compared + " paths compared with aws-local-stepfunctions, " + equal + " equal");
        TRANSITIONS.forEach((scenario, count) -> System.out.println("  state transitions  " + count + "  " + scenario));
    }

    private static JsonNode runOnReference(Path definition, Path scenarioFile) throws Exception {
        Path substitutions = ScriptedScenario.SUBSTITUTIONS;
        Process process = new ProcessBuilder("bash", "tools/run.sh", "crosscheck",
                definition.toAbsolutePath().toString(), scenarioFile.toAbsolutePath().toString(),
                substitutions.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("aws-local-stepfunctions did not run (is Node.js 20+ installed? see ./autoscaler setup): " + out);
        }
        return JSON.readTree(out);
    }

}
