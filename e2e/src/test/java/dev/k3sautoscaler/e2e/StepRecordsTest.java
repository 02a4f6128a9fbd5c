package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.contract.Step;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One convention for what flows between the states: every step's input and output is a top-level
 * record named after the step ({@code DrainNodeInput}, {@code DrainNodeOutput}); steps that take
 * the same input share one record named for what it carries, and BreakLock answers as RecordOutcome.
 */
class StepRecordsTest {
    /** Inputs shared by several steps, and by which. */
    private static final Map<String, Set<Step>> SHARED_INPUTS = Map.of(
            "NodeStepInput", Set.of(Step.CORDON_NODE, Step.UNCORDON_NODE, Step.DELETE_NODE),
            "ExecutionInput", Set.of(Step.LOAD_STATE, Step.ACQUIRE_LOCK),
            "LeaseInput", Set.of(Step.RELEASE_LOCK));
    /** Outputs shared: breaking the lock is recorded as an outcome, and answers as RecordOutcome does. */
    private static final Map<String, Set<Step>> SHARED_OUTPUTS = Map.of("RecordOutcomeOutput", Set.of(Step.BREAK_LOCK));

    @Test
    void everyStep_takesAndReturnsRecordsNamedAfterIt() throws ClassNotFoundException {
        List<String> off = new ArrayList<>();
        for (Step step : Step.values()) {
            // GIVEN the handler the catalogue names, and the types it binds
            Class<?> handler = Class.forName(step.handler());
            var types = ((ParameterizedType) handler.getGenericSuperclass()).getActualTypeArguments();
            Class<?> input = (Class<?>) types[0];
            Class<?> output = (Class<?>) types[1];

            // THEN both are top-level records with the step's names (or a shared input)
            String expectedInput = SHARED_INPUTS.entrySet().stream().filter(shared -> shared.getValue().contains(step))
                    .map(Map.Entry::getKey).findFirst().orElse(step.stateName() + "Input");
            check(step, "input", input, expectedInput, off);
            String expectedOutput = SHARED_OUTPUTS.entrySet().stream().filter(shared -> shared.getValue().contains(step))
                    .map(Map.Entry::getKey).findFirst().orElse(step.stateName() + "Output");
            check(step, "output", output, expectedOutput, off);
        }
        assertEquals(List.of(), off);
    }

    private static void check(Step step, String role, Class<?> type, String expected, List<String> off) {
        if (!type.isRecord() || type.getEnclosingClass() != null || !type.getSimpleName().equals(expected)) {
            off.add(step.stateName() + " " + role + " is " + type.getName() + (type.isRecord() ? "" : " (not a record)")
                    + "; expected a top-level record " + expected);
        }
    }
}
