package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.HistoryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the execution histories an operator would open in the console: every actuation, and
 * every tick that started one (a tick that only looked is a NOOP and is counted, not kept). One
 * JSON file per execution, shaped like DescribeExecution plus GetExecutionHistory's events.
 *
 * <p>A run can hand each execution over the moment it ends ({@link #write(RunExecution)}): a day of a
 * large cluster keeps hundreds of them, and holding their data to the end cost more than writing it.
 */
public final class HistoryWriter {
    public static final String DIRECTORY = "executions";

    /** One written history: its file relative to the output directory, and what it says. */
    public record Written(String name, String relativePath, String status, String summary) {
    }

    private final Path dir;
    private final Map<String, Written> written = new HashMap<>();

    private HistoryWriter(Path dir) {
        this.dir = dir;
    }

    /** A writer into {@code outDir}'s {@value #DIRECTORY} directory, which it empties first. */
    public static HistoryWriter into(Path outDir) {
        Path dir = outDir.resolve(DIRECTORY);
        try {
            Files.createDirectories(dir);
            // A previous run's histories in the same place would read as this run's.
            try (var old = Files.newDirectoryStream(dir, "*.json")) {
                for (Path file : old) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write execution histories under " + dir, e);
        }
        return new HistoryWriter(dir);
    }

    public static boolean worthKeeping(RunExecution run) {
        return run.machine() == RunTimeline.Machine.STANDARD_ACTUATION || run.startedActuation();
    }

    /** Every execution worth keeping, in order. */
    public static List<Written> write(Path outDir, List<RunExecution> executions) {
        return into(outDir).finish(executions);
    }

    /** Writes one finished execution worth keeping now, with its Lambda invocations counted. */
    public Written write(RunExecution run) {
        Execution execution = run.execution();
        Path file = dir.resolve(execution.name() + ".json");
        try {
            StepJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), document(run));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the execution history " + file, e);
        }
        Written one = new Written(execution.name(), DIRECTORY + "/" + file.getFileName(), execution.status().name(),
                summary(execution));
        written.put(execution.name(), one);
        return one;
    }

    /** Writes those worth keeping not written yet (still running, or never handed over); every one written, in order. */
    public List<Written> finish(List<RunExecution> executions) {
        List<Written> all = new ArrayList<>();
        for (RunExecution run : executions) {
            if (worthKeeping(run)) {
                Written one = written.get(run.execution().name());
                all.add(one != null ? one : write(run));
            }
        }
        return all;
    }

    static ObjectNode document(RunExecution run) {
        Execution execution = run.execution();
        ObjectNode doc = StepJson.MAPPER.createObjectNode();
        doc.put("name", execution.name());
        doc.put("stateMachine", execution.machine().name());
        doc.put("type", run.machine() == RunTimeline.Machine.EXPRESS_TICK ? "EXPRESS" : "STANDARD");
        doc.put("status", execution.status().name());
        doc.put("startDate", execution.startTime().toString());
        execution.lastEventTime().ifPresent(last -> doc.put("lastEventDate", last.toString()));
        doc.set("input", execution.input());
        if (execution.output() != null) {
            doc.set("output", execution.output());
        }
        if (execution.error() != null) {
            doc.put("error", execution.error()).put("cause", execution.cause());
        }
        doc.put("stateTransitions", execution.stateTransitions());
        doc.put("lambdaInvocations", run.lambdaInvocations());
        ArrayNode events = doc.putArray("events");
        for (HistoryEvent event : execution.history()) {
            events.add(StepJson.MAPPER.valueToTree(event));
        }
        return doc;
    }

    /** The one line an index shows: how it ended and why. */
    static String summary(Execution execution) {
        if (execution.error() != null) {
            return execution.error() + ": " + execution.cause();
        }
        if (execution.output() == null) {
            return "still running at the end of the run";
        }
        String reason = execution.output().path("reason").asText("");
        String outcome = execution.output().path("outcome").asText("");
        return (outcome + (reason.isEmpty() || outcome.isEmpty() ? "" : ": ") + reason).trim();
    }
}
