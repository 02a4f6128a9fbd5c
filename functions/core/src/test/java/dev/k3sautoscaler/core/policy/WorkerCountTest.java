package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Fixtures.NOW;
import static dev.k3sautoscaler.core.policy.Fixtures.launch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MAX_WORKERS counts what EC2 bills: machines, not Node objects. */
class WorkerCountTest {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(600);
    private static final String A = "i-0000000000000000a";
    private static final String B = "i-0000000000000000b";
    private static final String GHOST = "i-00000000000000dead";
    private static final String ORPHAN = "i-0000000000000000f";
    private static final String ARRIVED = "i-0000000000000000c";

    private static WorkerNode ready(String name, String instanceId) {
        return new WorkerNode(name, instanceId, true, true);
    }

    private static WorkerNode notReady(String name, String instanceId) {
        return new WorkerNode(name, instanceId, false, true);
    }

    private static ScalingState pending(PendingLaunch... launches) {
        return ScalingState.initial().withPendingLaunches(List.of(launches));
    }

    private static WorkerCount count(List<WorkerNode> nodes, FleetView fleet, ScalingState state) {
        return WorkerCount.of(Fixtures.metrics().workers(nodes).build(), fleet, state, NOW, JOIN_TIMEOUT);
    }

    @Test
    void ghostNode_ofATerminatedInstance_countsForNothing() {
        WorkerCount workers = count(List.of(ready("a", A), ready("b", B), notReady("ghost", GHOST)),
                FleetView.observed(List.of(A, B), List.of(GHOST)), ScalingState.initial());

        assertEquals(new WorkerCount(2, 2, 0, 2), workers);
    }

    @Test
    void instanceThatNeverRegistered_andWasNeverRecorded_countsTowardMax() {
        WorkerCount workers = count(List.of(ready("a", A)), FleetView.observed(List.of(A, ORPHAN), List.of()),
                ScalingState.initial());

        assertEquals(2, workers.total(), "the orphan is billed");
        assertEquals(1, workers.live(), "but it is nothing to count on for MIN_WORKERS");
    }

    @Test
    void launchPastItsJoinTimeout_thatStillRuns_countsTowardMax() {
        ScalingState state = pending(launch(ORPHAN, NOW.minus(JOIN_TIMEOUT).minusSeconds(1)));

        WorkerCount workers = count(List.of(ready("a", A)), FleetView.observed(List.of(A, ORPHAN), List.of()), state);

        assertEquals(new WorkerCount(2, 1, 0, 1), workers);
    }

    @Test
    void launchNotYetVisibleInEc2_countsOnce() {
        ScalingState state = pending(launch(B, NOW.minusSeconds(5)));

        WorkerCount workers = count(List.of(ready("a", A)), FleetView.observed(List.of(A), List.of()), state);

        assertEquals(new WorkerCount(2, 1, 1, 2), workers);
    }

    @Test
    void nodeOfAMachineWeDoNotManage_countsToo() {
        WorkerCount workers = count(List.of(ready("a", A), ready("hand-joined", null)),
                FleetView.observed(List.of(A), List.of()), ScalingState.initial());

        assertEquals(2, workers.total());
    }

    @Test
    void withoutAnEc2View_theNodesAndRecordedLaunchesAreCounted() {
        ScalingState state = pending(launch(B, NOW.minusSeconds(5)));

        WorkerCount workers = count(List.of(ready("a", A), notReady("ghost", GHOST)), FleetView.unobserved("EC2 down"), state);

        assertEquals(new WorkerCount(3, 1, 1, 2), workers);
    }

    @Test
    void policy_scalesUpPastAGhostNode_atWhatWouldOtherwiseBeMax() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("MAX_WORKERS", "3", "MIN_WORKERS", "1"));
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(env);
        List<WorkerNode> nodes = new ArrayList<>(List.of(ready("a", A), ready("b", B), notReady("ghost", GHOST)));
        var metrics = Fixtures.metrics().workers(nodes).unschedulable(Fixtures.pods(1, 500, 256)).build();

        Decision blind = new DefaultScalingPolicy().decide(metrics, ScalingState.initial(), config, NOW);
        Decision seeing = new DefaultScalingPolicy().decide(metrics, FleetView.observed(List.of(A, B), List.of(GHOST)),
                ScalingState.initial(), config, NOW);

        assertEquals(ScalingAction.NOOP, blind.action(), blind.reason());
        assertEquals(ScalingAction.SCALE_UP, seeing.action(), seeing.reason());
        assertEquals(1, seeing.count());
    }

    @Test
    void workerTheApiSawTurnReady_butTheMetricsDoNotYet_isCapacityArriving() {
        // GIVEN the join check cleared the launch (the API says Ready) while the scrape still shows it NotReady
        WorkerCount workers = count(List.of(ready("a", A), notReady("c", ARRIVED)),
                FleetView.observed(List.of(A, ARRIVED), List.of(), List.of(ARRIVED)), ScalingState.initial());

        // THEN it is an empty worker on its way, not a NotReady Node to ignore
        assertEquals(new WorkerCount(2, 1, 1, 2), workers);
    }

    @Test
    void workerTheMetricsAlreadySeeReady_isNotCountedTwice() {
        WorkerCount workers = count(List.of(ready("a", A), ready("c", ARRIVED)),
                FleetView.observed(List.of(A, ARRIVED), List.of(), List.of(ARRIVED)), ScalingState.initial());

        assertEquals(new WorkerCount(2, 2, 0, 2), workers);
    }

    @Test
    void policy_packsStaleUnschedulablePodsOntoAWorkerThatJustJoined_insteadOfLaunchingMore() {
        // GIVEN one worker Ready to the API a few seconds ago; the metrics lag a scrape behind: NotReady, pods waiting
        Map<String, String> env = new java.util.HashMap<>(Map.of("MAX_WORKERS", "10", "MIN_WORKERS", "1"));
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(env);
        var metrics = Fixtures.metrics().workers(List.of(ready("a", A), notReady("c", ARRIVED)))
                .unschedulable(Fixtures.pods(3, 250, 256)).build();

        Decision decision = new DefaultScalingPolicy().decide(metrics,
                FleetView.observed(List.of(A, ARRIVED), List.of(), List.of(ARRIVED)), ScalingState.initial(), config, NOW);

        // THEN the pods are the arrived worker's: no second worker for them
        assertEquals(ScalingAction.NOOP, decision.action(), decision.reason());
    }
}
