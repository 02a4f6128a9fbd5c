package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.Invariants.Violation;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.workflow.LocalExecutor;
import dev.k3sautoscaler.workflow.StateMachine;
import dev.k3sautoscaler.workflow.TaskFailure;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EVERY_REMOVAL_RECORDED on hand-made scale-downs: terminate, then record (or fail to). */
class RemovalsRecordedInvariantTest {
    private static final String TERMINATE_THEN_RECORD = """
            {"StartAt": "Terminate", "States": {
              "Terminate": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:terminate-workers",
                "ResultPath": "$.terminated", "Next": "Record"},
              "Record": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:record-outcome",
                "Parameters": {"outcome": {"action": "SCALE_DOWN", "removals": [
                  {"node": "w-1", "instanceId": "i-1", "result": "REMOVED", "reason": "empty"}]}},
                "End": true}}}""";

    /** A scale-down that terminates i-1 and i-2, then records i-1 (or fails the record with {@code error}). */
    private static RunExecution scaleDown(String recordError) {
        StateMachine machine = StateMachine.load("actuation", TERMINATE_THEN_RECORD, Map.of());
        LocalExecutor executor = new LocalExecutor((resource, input, context) -> {
            if (resource.endsWith("terminate-workers")) {
                JsonNode answer = StepJson.MAPPER.createObjectNode().set("terminated",
                        StepJson.MAPPER.createArrayNode().add("i-1").add("i-2"));
                return answer;
            }
            if (recordError != null) {
                throw new TaskFailure(recordError, "refused");
            }
            return StepJson.MAPPER.createObjectNode().put("applied", true);
        }, new VirtualClock(Simulation.START));
        return new RunExecution(RunTimeline.Machine.STANDARD_ACTUATION,
                executor.run(machine, "scale-down-1", StepJson.MAPPER.createObjectNode()), Duration.ZERO, 2, false);
    }

    private static List<String> check(RunExecution run) {
        return Invariants.removalsRecorded(List.of(run)).stream().map(Violation::toString).toList();
    }

    @Test
    void breaks_whenAWorkerWasTerminatedButNeverRecorded() {
        assertEquals(List.of("EVERY_REMOVAL_RECORDED: scale-down-1 terminated [i-2] but recorded no SCALE_DOWN with them"
                + " (ended SUCCEEDED)"), check(scaleDown(null)));
    }

    @Test
    void breaks_whenTheRecordIsRefusedAsInvalid_aBugNotAnOutage() {
        assertEquals(List.of("EVERY_REMOVAL_RECORDED: scale-down-1 terminated [i-1, i-2] but recorded no SCALE_DOWN"
                + " with them (ended FAILED with dev.k3sautoscaler.errors.InvalidStepInput)"),
                check(scaleDown("dev.k3sautoscaler.errors.InvalidStepInput")));
    }

    @Test
    void breaks_whenTheScaleDownIsRetiredAsItEnds_itsHistoryWrittenThenDropped(@TempDir Path dir) {
        // A run that writes histories as they end checks the removals then: its end has no data left to read.
        RunExecution run = scaleDown(null);

        List<String> found = Simulation.retire(run, ClusterSecrets.forSeed(1), HistoryWriter.into(dir)).stream()
                .map(Violation::toString).toList();

        assertEquals(List.of("EVERY_REMOVAL_RECORDED: scale-down-1 terminated [i-2] but recorded no SCALE_DOWN with them"
                + " (ended SUCCEEDED)"), found);
        assertEquals(List.of(), check(run), "the data it was read from is dropped");
    }

    @Test
    void holds_whenTheStoreWasUnreachable_orTheLeaseLost() {
        assertEquals(List.of(), check(scaleDown("dev.k3sautoscaler.errors.StateStoreUnavailable")));
        assertEquals(List.of(), check(scaleDown("dev.k3sautoscaler.errors.LockLost")));
    }
}
