package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.HistoryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The per-tick decision log: one JSON line per tick execution — when, which, how it ended, what it
 * decided and why, each worker's code — so the reasons of the NOOP ticks, whose histories are
 * counted, not kept ({@link HistoryWriter}), can still be read and compared between runs.
 */
public final class DecisionLog {
    public static final String FILE = "decisions.jsonl";
    private static final String DECIDE_SUCCEEDED = "LambdaFunctionSucceeded";

    private DecisionLog() {
    }

    public static Path write(Path outDir, List<RunExecution> executions) {
        StringBuilder lines = new StringBuilder();
        executions.stream().filter(run -> run.machine() == RunTimeline.Machine.EXPRESS_TICK)
                .forEach(run -> lines.append(line(run.execution())).append('\n'));
        Path file = outDir.resolve(FILE);
        try {
            Files.writeString(file, lines.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * {@code at}, {@code execution}, {@code status}; the tick's {@code outcome} and {@code reason} (or its
     * {@code error} and {@code cause}); from its Decide step, when it got there, {@code action},
     * {@code reasonCode} and {@code workers} (node → code).
     */
    static ObjectNode line(Execution tick) {
        ObjectNode line = StepJson.MAPPER.createObjectNode()
                .put("at", tick.startTime().toString())
                .put("execution", tick.name())
                .put("status", tick.status().name());
        JsonNode output = tick.output();
        if (output != null) {
            line.put("outcome", output.path("outcome").asText(""));
            line.put("reason", output.path("reason").asText(""));
        }
        if (tick.error() != null) {
            line.put("error", tick.error()).put("cause", tick.cause());
        }
        decision(tick).ifPresent(decision -> {
            line.put("action", decision.path("action").asText());
            line.put("reasonCode", decision.path("reasonCode").asText());
            ObjectNode workers = line.putObject("workers");
            JsonNode verdicts = decision.path("workers");
            JsonNode codes = decision.path("workerCodes");
            for (int i = 0; i < verdicts.size() && i < codes.size(); i++) {
                // Each verdict line is "<node>: <why>" (WorkerVerdict.line); node names carry no ": ".
                String verdict = verdicts.get(i).asText();
                int colon = verdict.indexOf(": ");
                workers.put(colon < 0 ? verdict : verdict.substring(0, colon), codes.get(i).asText());
            }
        });
        return line;
    }

    /** The result of the tick's last successful Decide, as its history recorded it. */
    private static Optional<JsonNode> decision(Execution tick) {
        return tick.history().reversed().stream()
                .filter(event -> reads(event) && event.output() != null)
                .findFirst().map(HistoryEvent::output).map(DecisionLog::json);
    }

    /** The events this log reads: a tick's successful Decide results. */
    static boolean reads(HistoryEvent event) {
        return DECIDE_SUCCEEDED.equals(event.type()) && Step.DECIDE.stateName().equals(event.stateName());
    }

    private static JsonNode json(String text) {
        try {
            return StepJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("a Decide result that is not JSON: " + text, e);
        }
    }
}
