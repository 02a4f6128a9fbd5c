package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.cli.FaultMatrixCommand;
import dev.k3sautoscaler.simulator.engine.Simulation.Policy;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.HistoryEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The faults that take virtual time or lose results, on the fault probe cut to its surge: what Step
 * Functions sees, and that the side effect really happened (the ledger records it at its own instant).
 */
class LifecycleFaultsIT {
    private static final Duration SURGE = Duration.ofMinutes(15);

    private static SimulationResult run(String fault) {
        Scenario probe = FaultMatrixCommand.probe().withDuration(SURGE);
        try (Simulation simulation = new Simulation(probe, Policy.DEFAULT, List.of(Fault.parse(fault)))) {
            return simulation.run();
        }
    }

    private static Execution executionThatRan(SimulationResult result, String state) {
        return result.executions().stream().map(Simulation.RunExecution::execution)
                .filter(execution -> execution.history().stream().anyMatch(e -> state.equals(e.stateName())))
                .findFirst().orElseThrow(() -> new AssertionError("no execution entered " + state));
    }

    @Test
    void slowLaunch_landsOneTickPastTheLease_thenStepFunctionsSeesTheTimeout() {
        // GIVEN / WHEN the first LaunchWorkers hangs
        SimulationResult result = run("slow:launch-workers@1");

        // THEN the invocation fails Sandbox.Timedout LOCK_TTL_SEC + one tick after it was scheduled
        Execution execution = executionThatRan(result, "LaunchWorkers");
        HistoryEvent scheduled = execution.history().stream()
                .filter(e -> e.type().equals("LambdaFunctionScheduled") && "LaunchWorkers".equals(e.stateName())).findFirst().orElseThrow();
        HistoryEvent failed = execution.history().stream()
                .filter(e -> e.type().equals("LambdaFunctionFailed") && "LaunchWorkers".equals(e.stateName())).findFirst().orElseThrow();
        Duration hang = result.scenario().config().lockTtl().plus(result.scenario().tick());
        assertEquals(Fault.TIMED_OUT_ERROR, failed.error());
        assertEquals(scheduled.timestamp().plus(hang), failed.timestamp());
        // AND the launch itself happened then, as the ledger and EC2 both say
        Duration landed = Duration.between(Simulation.START, failed.timestamp());
        assertTrue(result.leaseLedger().contains(new LeaseLedger.Entry(landed, execution.name(), "launch-workers",
                LeaseLedger.Kind.SIDE_EFFECT)), result.leaseLedger().toString());
        assertTrue(result.ec2Instances().stream().anyMatch(i -> i.launchTime().equals(failed.timestamp())),
                "an instance launched at " + failed.timestamp());
        assertTrue(Invariants.check(result).stream().anyMatch(v -> v.invariant() == Invariants.Name.NO_SIDE_EFFECT_UNDER_LOST_LEASE),
                "a launch one tick past the lease's TTL is under a lost lease");
    }

    @Test
    void lostResult_failsEveryAttemptOfTheState_afterItsSideEffect_untilTheCatch() {
        // GIVEN / WHEN every LaunchWorkers attempt of the first scale-up loses its result
        SimulationResult result = run("lost-result:launch-workers@1");

        // THEN the four attempts (one + three Lambda.Unknown retries) all failed, then the Catch ran
        Execution execution = executionThatRan(result, "LaunchWorkers");
        List<HistoryEvent> failures = execution.history().stream()
                .filter(e -> e.type().equals("LambdaFunctionFailed") && "LaunchWorkers".equals(e.stateName())).toList();
        assertEquals(4, failures.size(), failures.toString());
        assertTrue(failures.stream().allMatch(e -> e.error().equals("Lambda.Unknown")), failures.toString());
        assertTrue(execution.statePath().contains("RecordFailure"), execution.statePath().toString());
        // AND each attempt's handler ran: four side effects in the ledger for that execution
        long launches = result.leaseLedger().stream()
                .filter(e -> e.execution().equals(execution.name()) && e.function().equals("launch-workers")).count();
        assertEquals(4, launches);
        // AND no other execution lost a result
        List<String> othersLost = result.executions().stream().map(Simulation.RunExecution::execution)
                .filter(other -> !other.name().equals(execution.name()))
                .filter(other -> other.history().stream().anyMatch(e -> "Lambda.Unknown".equals(e.error())))
                .map(Execution::name).toList();
        assertEquals(List.of(), othersLost);
    }
}
