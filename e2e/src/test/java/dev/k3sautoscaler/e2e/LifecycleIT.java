package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.PendingPod;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.TaskFailure;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node lifecycle under the faults a real account sees: a launch that outlives its lease, a
 * result lost after RunInstances, a lease lost mid-join or mid-drain, a ghost Node, a hard crash
 * between RunInstances and the idempotency record. Whatever happens, every billed instance is
 * known (recorded, adopted or terminated) and MAX_WORKERS holds.
 */
class LifecycleIT {
    private static final PendingPod POD = new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024);
    private static final Duration LOCK_TTL = Duration.ofSeconds(300);

    private AutoscalerRig rig;

    @AfterEach
    void close() {
        Checks.closeChecked(rig);
    }

    @Test
    void launchDelayedPastItsLease_doesNotLaunch_whenAnotherActuationTookTheLock() {
        // GIVEN MAX_WORKERS=2, one worker, a pod that needs a second, and a first actuation whose
        // LaunchWorkers reaches EC2 only after its lease expired and a second actuation took the lock
        rig = new AutoscalerRig(Map.of("MAX_WORKERS", "2"));
        rig.runningWorker();
        rig.unschedulable = List.of(POD);
        rig.interceptor = (task, call) -> {
            if ("first".equals(task.executionName()) && "LaunchWorkers".equals(task.stateName()) && task.attempt() == 0) {
                rig.clock.advance(LOCK_TTL.plusSeconds(30));
                Execution second = rig.actuate("second", "{\"trigger\":\"scale\"}");
                Checks.succeeded(second);
            }
            return call.call();
        };

        // WHEN the first actuation runs
        Execution first = rig.actuate("first", "{\"trigger\":\"scale\"}");

        // THEN the stale lease stopped it before RunInstances: two workers billed, never three
        assertEquals(Execution.Status.FAILED, first.status());
        assertEquals("dev.k3sautoscaler.errors.LockLost", first.error());
        assertEquals(List.of(), launchedBy("first"), "the first actuation launched nothing");
        assertTrue(rig.mostBilledWorkers <= 2, "billed " + rig.mostBilledWorkers + " at once with MAX_WORKERS=2");
        assertNotNull(Checks.event(rig.events(), OutcomeAction.LEASE_LOST), "the lost lease is in the event log");
    }

    @Test
    void launchTimedOutAfterRunInstances_isRetried_andRecordsTheSameInstance() {
        // GIVEN a LaunchWorkers whose Lambda timed out right after EC2 answered (Sandbox.Timedout)
        rig = new AutoscalerRig();
        rig.runningWorker();
        rig.unschedulable = List.of(POD);
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if ("LaunchWorkers".equals(task.stateName()) && task.attempt() == 0) {
                throw new TaskFailure("Sandbox.Timedout", "Task timed out after 120.00 seconds");
            }
            return result;
        };

        // WHEN the actuation runs
        Execution execution = rig.actuate("timed-out", "{\"trigger\":\"scale\"}");

        // THEN the timeout was retried, the retry replayed the stored result, and the launch is recorded
        Checks.succeeded(execution);
        List<FakeInstance> launched = launchedBy("timed-out");
        assertEquals(1, launched.size(), "launched once: " + launched);
        assertEquals(launched.getFirst().instanceId(),
                Checks.event(rig.events(), OutcomeAction.SCALE_UP).instanceIds().getFirst());
    }

    @Test
    void launchWhoseResultIsLostOnEveryRetry_isAdoptedByTheNextTick_andTerminatedWhenItNeverJoins() {
        // GIVEN an instance that will never join, and a LaunchWorkers whose every attempt launches
        // (or replays) and then dies before answering: the retries run out, the execution fails
        rig = new AutoscalerRig();
        rig.runningWorker();
        rig.bootAndJoin = null;
        rig.unschedulable = List.of(POD);
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if ("LaunchWorkers".equals(task.stateName())) {
                throw new TaskFailure("Lambda.Unknown", "The Lambda runtime exited before answering");
            }
            return result;
        };
        Execution execution = rig.actuate("lost-result", "{\"trigger\":\"scale\"}");
        assertEquals(Execution.Status.FAILED, execution.status());
        List<FakeInstance> launched = launchedBy("lost-result");
        assertEquals(1, launched.size());
        String orphan = launched.getFirst().instanceId();
        rig.interceptor = (task, call) -> call.call();
        rig.unschedulable = List.of();

        // WHEN the next tick runs, and again after JOIN_TIMEOUT_SEC
        rig.runTick("tick-1");
        List<String> tracked = rig.state().state().pendingLaunches().stream().map(PendingLaunch::instanceId).toList();
        rig.clock.advance(Duration.ofSeconds(601));
        rig.runTick("tick-2");

        // THEN the first tick adopted the unrecorded instance, the second terminated it
        assertTrue(tracked.contains(orphan), "adopted as a pending launch: " + tracked);
        assertFalse(rig.ec2.instance(orphan).isAlive(), orphan + " is " + rig.ec2.instance(orphan).state());
        assertTrue(rig.state().state().pendingLaunches().isEmpty(), "nothing left in flight");
    }

    @Test
    void lockBrokenDuringTheJoinWait_doesNotStrandTheLaunch_andMaxWorkersHolds() {
        // GIVEN MAX_WORKERS=2, one worker, a pod that needs one more, a launch that never joins, and
        // an operator who breaks the lock while the actuation waits for the join
        rig = new AutoscalerRig(Map.of("MAX_WORKERS", "2"));
        rig.runningWorker();
        rig.bootAndJoin = null;
        rig.unschedulable = List.of(POD);
        boolean[] broken = {false};
        rig.interceptor = (task, call) -> {
            if ("CheckWorkersJoined".equals(task.stateName()) && !broken[0]) {
                broken[0] = true;
                rig.breaker.breakLock("break-1", "alice", "looks stuck");
            }
            return call.call();
        };
        rig.actuate("joining", "{\"trigger\":\"scale\"}");
        rig.interceptor = (task, call) -> call.call();

        // WHEN the join timeout passes and an operator forces a scale-up
        rig.clock.advance(Duration.ofSeconds(601));
        rig.actuate("force-up", "{\"trigger\":\"force-scale-up\",\"count\":1,\"requestedBy\":\"bob\"}");

        // THEN never more than two workers are billed, and nothing that never joined still runs
        assertTrue(rig.mostBilledWorkers <= 2, "billed " + rig.mostBilledWorkers + " at once with MAX_WORKERS=2");
    }

    @Test
    void ghostNode_isDeleted_andDoesNotCountTowardMaxWorkers() {
        // GIVEN MAX_WORKERS=3, three workers of which one's instance was terminated but whose Node
        // deletion failed (NotReady, no machine behind it), and an unschedulable pod
        rig = new AutoscalerRig(Map.of("MAX_WORKERS", "3"));
        rig.runningWorker();
        rig.runningWorker();
        String ghost = rig.runningWorker();
        rig.ec2.terminate(ghost);
        rig.notReady(ghost);
        rig.unschedulable = List.of(POD);

        // WHEN a tick runs
        Execution tick = rig.runTick("tick-ghost");

        // THEN the ghost Node is gone and the tick starts a scale-up (two billed workers, not three)
        Checks.succeeded(tick);
        assertNull(rig.nodeOf(ghost), "the ghost Node was deleted");
        assertEquals("actuation started", tick.output().path("outcome").asText(), "tick output: " + tick.output());
        assertTrue(tick.output().path("reason").asText().startsWith("scale-up +1:"), "tick output: " + tick.output());
    }

    @Test
    void hardCrashAfterRunInstances_isRetriedPastTheClaim_withTheSameClientToken() {
        // GIVEN a LaunchWorkers whose process dies right after RunInstances: its idempotency claim
        // stays IN_PROGRESS for the Lambda's timeout, and no result was stored
        rig = new AutoscalerRig();
        rig.runningWorker();
        rig.unschedulable = List.of(POD);
        String[] firstLaunch = {null};
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if ("LaunchWorkers".equals(task.stateName()) && task.attempt() == 0) {
                firstLaunch[0] = result.path("launched").path(0).path("instanceId").asText();
                rig.claimStaysInProgress("LaunchWorkers#", Duration.ofMinutes(2));
                throw new TaskFailure("Lambda.Unknown", "The Lambda runtime exited (signal: killed)");
            }
            return result;
        };

        // WHEN the actuation runs
        Execution execution = rig.actuate("crashed", "{\"trigger\":\"scale\"}");

        // THEN a retry after the claim lapsed launched again with the same ClientToken: same instance, recorded
        Checks.succeeded(execution);
        List<FakeInstance> launched = launchedBy("crashed");
        assertEquals(1, launched.size(), "one instance: " + launched);
        assertEquals(firstLaunch[0], launched.getFirst().instanceId());
        assertEquals(List.of(firstLaunch[0]), Checks.event(rig.events(), OutcomeAction.SCALE_UP).instanceIds());
    }

    @Test
    void leaseLostWhileDraining_leavesTheNodeToItsNewOwner() {
        // GIVEN three idle workers and a drain that a PodDisruptionBudget holds up; while the actuation
        // waits, it is paused past LOCK_TTL_SEC and another execution takes the lock and drains that node
        rig = new AutoscalerRig();
        String[] pods = new String[3];
        for (int i = 0; i < 3; i++) {
            String instanceId = rig.runningWorker();
            pods[i] = "web-" + i;
            rig.pod("shop", pods[i], AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", pods[i], 429, 100);
        }
        rig.idle = true;
        int[] passes = {0};
        rig.interceptor = (task, call) -> {
            if ("DrainNode".equals(task.stateName()) && task.attempt() == 0 && ++passes[0] == 2) {
                rig.clock.advance(LOCK_TTL.plusSeconds(30));
                assertTrue(rig.lock.acquire("new-owner").acquired(), "the expired lock is free to take");
            }
            return call.call();
        };

        // WHEN the paused actuation resumes
        Execution execution = rig.actuate("paused-drain", "{\"trigger\":\"scale\"}");

        // THEN it stops with LockLost and leaves the node cordoned for the lock's new owner
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("dev.k3sautoscaler.errors.LockLost", execution.error());
        List<Node> cordoned = rig.admin.nodes().list().getItems().stream()
                .filter(node -> Boolean.TRUE.equals(node.getSpec().getUnschedulable())).toList();
        assertEquals(1, cordoned.size(), "the node stays cordoned: " + cordoned.size());
        assertTrue(execution.statePath().stream().noneMatch(state -> state.startsWith("Uncordon")),
                "no uncordon after the lease was lost: " + execution.statePath());
    }

    private List<FakeInstance> launchedBy(String execution) {
        return rig.ec2.instances().stream().filter(i -> execution.equals(i.tag("k3s-autoscaler/launched-by"))).toList();
    }

}
