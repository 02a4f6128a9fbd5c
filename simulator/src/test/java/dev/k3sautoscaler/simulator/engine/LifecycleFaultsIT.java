package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.cli.FaultMatrixCommand;
import dev.k3sautoscaler.contract.PolicyName;
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
        return run(List.of(Fault.parse(fault)));
    }

    private static SimulationResult run(List<Fault> faults) {
        Scenario probe = FaultMatrixCommand.probe().withDuration(SURGE);
        try (Simulation simulation = new Simulation(probe, PolicyName.DEFAULT, faults)) {
            return simulation.run();
        }
    }

    private static Execution executionThatRan(SimulationResult result, String state) {
        return result.executions().stream().map(Simulation.RunExecution::execution)
                .filter(execution -> execution.history().stream().anyMatch(e -> state.equals(e.stateName())))
                .findFirst().orElseThrow(() -> new AssertionError("no execution entered " + state));
    }

    @Test
    void slowLaunch_reachingItsFenceAfterAnotherTookTheLock_endsLockLost_andLaunchesNothing() {
        // GIVEN / WHEN the first LaunchWorkers hangs LOCK_TTL_SEC + one tick, while the next tick's actuation takes the lock
        SimulationResult result = run("slow:launch-workers@1");

        // THEN when its handler finally runs, the fence finds the lease taken: LockLost, at the end of the hang
        Execution execution = executionThatRan(result, "LaunchWorkers");
        HistoryEvent scheduled = execution.history().stream()
                .filter(e -> e.type().equals("LambdaFunctionScheduled") && "LaunchWorkers".equals(e.stateName())).findFirst().orElseThrow();
        HistoryEvent failed = execution.history().stream()
                .filter(e -> e.type().equals("LambdaFunctionFailed") && "LaunchWorkers".equals(e.stateName())).findFirst().orElseThrow();
        Duration hang = result.scenario().config().lockTtl().plus(result.scenario().tick());
        assertEquals("dev.k3sautoscaler.errors.LockLost", failed.error());
        assertEquals(scheduled.timestamp().plus(hang), failed.timestamp());
        assertTrue(execution.statePath().contains("RecordLeaseLost"), execution.statePath().toString());
        // AND nothing was launched then: no side effect in the ledger, no instance in EC2 from that execution
        assertTrue(result.leaseLedger().stream().noneMatch(e -> e.execution().equals(execution.name())
                && e.function().equals("launch-workers")), result.leaseLedger().toString());
        assertTrue(result.ec2Instances().stream().noneMatch(i -> execution.name().equals(i.tag("k3s-autoscaler/launched-by"))));
        assertEquals(List.of(), Invariants.check(result));
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

    @Test
    void crashAfterTheLaunch_isReplayedByTheRetry_andCountedAsTheOneScaleUpItWas() {
        // GIVEN / WHEN the first LaunchWorkers starts its workers, then its Lambda crashes before answering
        SimulationResult crashed = run("crash:launch-workers@1");
        SimulationResult clean = run(List.of());

        // THEN Step Functions retried it, and the retry replayed the stored result (no second RunInstances)
        Execution execution = executionThatRan(crashed, "LaunchWorkers");
        long attempts = execution.history().stream()
                .filter(e -> e.type().equals("LambdaFunctionScheduled") && "LaunchWorkers".equals(e.stateName())).count();
        assertEquals(2, attempts, "the crashed attempt and its retry");
        assertEquals(clean.ec2Instances().size(), crashed.ec2Instances().size(), "the replay launched nothing");
        // AND the summary counts that launch once: the same scale-ups and nodes added as without the crash
        assertEquals(clean.summary().scaleUpEvents(), crashed.summary().scaleUpEvents(),
                crashed.timeline().scaleEvents().toString());
        assertEquals(clean.summary().nodesAdded(), crashed.summary().nodesAdded(),
                crashed.timeline().scaleEvents().toString());
        assertEquals(List.of(), Invariants.check(crashed));
    }
}
