package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.contract.FunctionModule;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.simulator.engine.Simulation.Reached;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which virtual systems are brought to now around a task: every one the task calls, no other. */
class ReachedTest {

    private static Reached of(Step step) {
        return Reached.by(AutoscalerFunctions.FUNCTION_PREFIX + step.functionName());
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"CHECK_WORKERS_JOINED", "SELECT_SCALE_DOWN_TARGET", "CORDON_NODE", "DRAIN_NODE",
        "UNCORDON_NODE", "DELETE_NODE"})
    void everyKubeStep_seesTheClusterMirrored_andNotEc2(Step step) {
        assertEquals(FunctionModule.KUBE, step.module());
        assertEquals(new Reached(false, true), of(step));
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"LAUNCH_WORKERS", "TERMINATE_WORKERS", "IDENTIFY_EVENT_INSTANCE"})
    void fleetSteps_seeEc2Only(Step step) {
        assertEquals(new Reached(true, false), of(step));
    }

    @Test
    void theReconcile_seesBoth() {
        assertEquals(new Reached(true, true), of(Step.RECONCILE_WORKERS));
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"VALIDATE_INPUT", "COLLECT_METRICS", "LOAD_STATE", "DECIDE", "ACQUIRE_LOCK",
        "RELEASE_LOCK", "RECORD_OUTCOME", "BREAK_LOCK"})
    void stateMetricsAndPureSteps_seeNeither(Step step) {
        assertEquals(new Reached(false, false), of(step));
    }

    @Test
    void serviceIntegrations_seeNeither() {
        assertEquals(new Reached(false, false), Reached.by(AutoscalerFunctions.SNS_PUBLISH));
        assertEquals(new Reached(false, false), Reached.by(AutoscalerFunctions.START_EXECUTION));
    }
}
