package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A scenario of {@code src/test/resources/crosscheck/} run on the local executor: its definition and
 * input, the task answers it scripts by state name ({@code stubs}), and what came out.
 */
final class ScriptedScenario {
    static final Path DIRECTORY = Path.of("src/test/resources/crosscheck");
    static final Path SUBSTITUTIONS = DIRECTORY.resolve("substitutions.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

    /** The report compared with the reference interpreter, the execution, and the last input of each Task state. */
    record LocalRun(JsonNode report, Execution execution, Map<String, JsonNode> taskInputs) {
    }

    private ScriptedScenario() {
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> substitutions() {
        return JSON.convertValue(read(SUBSTITUTIONS),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    /** Runs {@code scenario} as written. */
    static LocalRun runLocally(JsonNode scenario) {
        return runLocally(scenario, scenario.get("input"));
    }

    /** Runs {@code scenario}'s definition and stubs with another input. */
    static LocalRun runLocally(JsonNode scenario, JsonNode input) {
        StateMachine machine = StateMachine.load(Path.of(scenario.get("machine").asText()), substitutions());
        Map<String, Integer> calls = new HashMap<>();
        Map<String, JsonNode> taskInputs = new HashMap<>();
        TaskInvoker stubs = (resource, taskInput, context) -> {
            taskInputs.put(context.stateName(), taskInput);
            JsonNode script = scenario.path("stubs").path(context.stateName());
            if (script.isMissingNode()) {
                throw new TaskFailure("CrossCheck.NoStub", "no stub for " + context.stateName());
            }
            int call = calls.merge(context.stateName(), 1, Integer::sum) - 1;
            JsonNode step = script.get(Math.min(call, script.size() - 1));
            if (step.has("error")) {
                throw new TaskFailure(step.get("error").asText(), step.path("cause").asText(""));
            }
            return step.path("echoInput").asBoolean(false) ? taskInput : step.get("result");
        };
        Execution execution = new LocalExecutor(stubs, new VirtualClock(START))
                .run(machine, scenario.get("executionName").asText(), input);
        ObjectNode report = JSON.createObjectNode();
        report.set("statePath", JSON.valueToTree(execution.statePath()));
        report.put("status", execution.status().name());
        if (execution.status() == Execution.Status.SUCCEEDED) {
            report.set("output", execution.output());
        } else {
            report.put("error", execution.error());
        }
        return new LocalRun(report, execution, taskInputs);
    }
}
