package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.testkit.TestWorld;
import dev.k3sautoscaler.testkit.ec2.Ec2Error;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi;
import dev.k3sautoscaler.workflow.Execution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Drains started for different reasons on the same node, and scale-downs that meet trouble: a Spot
 * warning during a scale-down, rebalance recommendations, a failed termination, a node that is not
 * ours, a PodDisruptionBudget that never yields, capacity lost while draining.
 */
class DrainsIT {
    private static final int FOREVER = 1000;
    private AutoscalerRig rig;

    @AfterEach
    void close() {
        Checks.closeChecked(rig);
    }

    /** Three idle workers with one app pod each, whose evictions answer {@code status} {@code times} times. */
    private List<String> idleCluster(int status, int times) {
        List<String> instances = List.of(rig.runningWorker(), rig.runningWorker(), rig.runningWorker());
        for (String instanceId : instances) {
            String pod = podName(instanceId);
            rig.pod("shop", pod, AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", pod, status, times);
        }
        rig.idle = true;
        return instances;
    }

    private static String podName(String instanceId) {
        return "web-" + instanceId.substring(instanceId.length() - 3);
    }

    private String claimed(List<String> instances) {
        return instances.stream().filter(i -> rig.drainClaim(i) != null).findFirst()
                .orElseThrow(() -> new AssertionError("no node carries a drain claim"));
    }

    private static String event(String trigger, String instanceId) {
        return "{\"trigger\":\"" + trigger + "\",\"instanceId\":\"" + instanceId + "\"}";
    }

    private void noFailureCounted() {
        assertEquals(0, rig.state().state().consecutiveFailures(), () -> "failures counted: " + rig.events());
        assertTrue(rig.publishedTexts().stream().noneMatch(text -> text.contains("Scaling failed")),
                () -> "a failure notice was sent: " + rig.publishedTexts());
    }

    private Instant at(int seconds) {
        return TestWorld.T0.plusSeconds(seconds);
    }

    @Test
    void spotWarning250sIntoAScaleDownDrain_neverMakesTheNodeSchedulableAgain() {
        // GIVEN a scale-down draining a node whose pod a PodDisruptionBudget keeps
        rig = new AutoscalerRig();
        List<String> workers = idleCluster(429, FOREVER);
        Execution down = rig.startActuation("down-1", "{\"trigger\":\"scale\"}");
        String target = claimed(workers);
        AtomicBoolean warned = new AtomicBoolean();
        List<String> schedulableDuringSpotDrain = new ArrayList<>();
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if (warned.get() && rig.nodeOf(target) != null && rig.schedulable(target)) {
                schedulableDuringSpotDrain.add(task.stateName() + " at " + rig.clock.instant());
            }
            return result;
        };

        // WHEN its instance gets a Spot interruption warning 250 s into the drain (DRAIN_TIMEOUT_SEC is 300)
        TreeMap<Instant, Runnable> world = new TreeMap<>();
        world.put(at(250), () -> {
            warned.set(true);
            rig.runTick("spot-event", event("spot-interruption", target));
        });
        rig.runTogether(world, down);

        // THEN the node stays cordoned until the Spot drain deletes it; the scale-down ends as preempted, no failure
        assertEquals(List.of(), schedulableDuringSpotDrain, "uncordoned while the Spot drain ran");
        assertNull(rig.nodeOf(target), "the Spot drain deleted the Node");
        Checks.succeeded(down);
        EventRecord scaleDown = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertTrue(scaleDown.reason().contains("preempted by Spot interruption"), scaleDown.reason());
        noFailureCounted();
        Checks.lockReleased(rig);
    }

    @Test
    void spotWarning3sIntoAScaleDownDrain_endsTheScaleDownAsPreempted_notFailed() {
        // GIVEN a scale-down whose first drain pass evicted the pod (the next pass would find the node empty)
        rig = new AutoscalerRig();
        List<String> workers = idleCluster(201, 1);
        Execution down = rig.startActuation("down-2", "{\"trigger\":\"scale\"}");
        String target = claimed(workers);

        // WHEN a Spot warning for that instance arrives 3 s later: its drain finds the node empty and deletes it
        TreeMap<Instant, Runnable> world = new TreeMap<>();
        world.put(at(3), () -> rig.runTick("spot-event", event("spot-interruption", target)));
        rig.runTogether(world, down);

        // THEN the scale-down ends as a normal outcome, not FAILED NodeNotFound
        Checks.succeeded(down);
        EventRecord scaleDown = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertNotEquals(OutcomeResult.FAILED, scaleDown.result(), scaleDown.reason());
        assertTrue(scaleDown.reason().contains("preempted by Spot interruption"), scaleDown.reason());
        noFailureCounted();
        Checks.lockReleased(rig);
    }

    @Test
    void rebalanceDrain_honoursSafeToEvict_andNeverDeletesANodeItDoesNotTerminate() {
        // GIVEN REBALANCE_ACTION=drain and a worker running a pod marked safe-to-evict=false
        rig = new AutoscalerRig(Map.of("REBALANCE_ACTION", "drain"));
        List<String> workers = List.of(rig.runningWorker(), rig.runningWorker(), rig.runningWorker());
        String target = workers.getFirst();
        rig.pod("shop", "ledger", AutoscalerRig.nodeName(target), 100, Map.of(NodeLabels.SAFE_TO_EVICT, "false"));
        rig.evictionAnswers("shop", "ledger", 429, FOREVER);

        // WHEN a rebalance recommendation arrives for it
        rig.runTick("rebalance-event", event("rebalance", target));
        rig.runTogether(new TreeMap<>());

        // THEN the pod is not evicted and the Node is not deleted while its instance runs
        assertNotNull(rig.admin.pods().inNamespace("shop").withName("ledger").get(), "the pod stays");
        assertNotNull(rig.nodeOf(target), "a Node whose instance runs is never deleted");
        assertTrue(rig.ec2.instance(target).isAlive());
        assertTrue(rig.schedulable(target), "nothing drained, so nothing left cordoned");
    }

    @Test
    void rebalanceDrain_terminatesTheInstanceItDrains() {
        // GIVEN REBALANCE_ACTION=drain and workers whose pods can be evicted
        rig = new AutoscalerRig(Map.of("REBALANCE_ACTION", "drain"));
        List<String> workers = idleCluster(201, 1);
        String target = workers.getFirst();

        // WHEN a rebalance recommendation arrives for one of them
        rig.runTick("rebalance-event", event("rebalance", target));
        rig.runTogether(new TreeMap<>());

        // THEN it is drained, terminated and its Node deleted: nothing left running unseen
        assertNull(rig.nodeOf(target));
        assertFalse(rig.ec2.instance(target).isAlive(), "the drained instance is terminated");
        Checks.lockReleased(rig);
    }

    @Test
    void rebalanceReplacement_atMaxWorkers_launchesNothing() {
        // GIVEN launch-replacement at MAX_WORKERS
        rig = new AutoscalerRig(Map.of("REBALANCE_ACTION", "launch-replacement", "MAX_WORKERS", "3"));
        List<String> workers = List.of(rig.runningWorker(), rig.runningWorker(), rig.runningWorker());

        // WHEN a rebalance recommendation arrives
        rig.runTick("rebalance-event", event("rebalance", workers.getFirst()));
        rig.runTogether(new TreeMap<>());

        // THEN MAX_WORKERS holds
        assertEquals(3, rig.mostBilledWorkers, "billed workers at most MAX_WORKERS");
        Checks.lockReleased(rig);
    }

    @Test
    void rebalanceReplacement_whilePaused_launchesNothing() {
        // GIVEN launch-replacement, scaling paused by an operator
        rig = new AutoscalerRig(Map.of("REBALANCE_ACTION", "launch-replacement"));
        List<String> workers = List.of(rig.runningWorker(), rig.runningWorker());
        Checks.succeeded(rig.actuate("pause-1",
                "{\"trigger\":\"pause\",\"requestedBy\":\"ops@example.com\",\"reason\":\"maintenance\"}"));

        // WHEN a rebalance recommendation arrives
        rig.runTick("rebalance-event", event("rebalance", workers.getFirst()));
        rig.runTogether(new TreeMap<>());

        // THEN nothing is launched
        assertEquals(2, rig.aliveInstances().size());
    }

    @Test
    void rebalanceReplacement_forAnotherClustersInstance_launchesNothing() {
        // GIVEN launch-replacement and an instance of another cluster
        rig = new AutoscalerRig(Map.of("REBALANCE_ACTION", "launch-replacement"));
        rig.runningWorker();
        rig.runningWorker();
        String foreign = rig.ec2.addInstance("t3.small", "subnet-a", "spot",
                Map.of("k3s-autoscaler/cluster", "another", "k3s-autoscaler/managed", "true"));

        // WHEN its rebalance recommendation reaches our actuation
        Execution execution = rig.actuate("rebalance-" + foreign, event("rebalance", foreign));

        // THEN nothing is launched
        Checks.succeeded(execution);
        assertEquals(3, rig.aliveInstances().size(), "no replacement for an instance that is not ours");
    }

    @Test
    void rebalanceReplacement_launchesThroughDecide_thenRetiresTheOldNodeByScaleDown() {
        // GIVEN launch-replacement and two workers with evictable pods
        rig = new AutoscalerRig(Map.of("REBALANCE_ACTION", "launch-replacement"));
        List<String> workers = List.of(rig.runningWorker(), rig.runningWorker());
        for (String instanceId : workers) {
            rig.pod("shop", podName(instanceId), AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", podName(instanceId), 201, 1);
        }
        String old = workers.getFirst();

        // WHEN a rebalance recommendation arrives for one of them
        rig.runTick("rebalance-event", event("rebalance", old));
        rig.runTogether(new TreeMap<>());

        // THEN a replacement joined, and the old node left by cordon → drain → terminate → delete
        assertEquals(2, rig.aliveInstances().size(), rig.aliveInstances().toString());
        assertFalse(rig.ec2.instance(old).isAlive(), "the recommended instance is retired");
        assertNull(rig.nodeOf(old));
        assertEquals(3, rig.mostBilledWorkers);
        Checks.lockReleased(rig);
    }

    @Test
    void terminateFailingAfterTheDrain_leavesTheNodeCordoned_andTheReconcileFinishesTheJob() {
        // GIVEN an idle cluster whose EC2 refuses every TerminateInstances for a while
        rig = new AutoscalerRig();
        List<String> workers = idleCluster(201, 1);
        rig.ec2.failNext("TerminateInstances", 1000, Ec2Error.internal());

        // WHEN a scale-down drains a node and cannot terminate it
        Execution down = rig.actuate("down-3", "{\"trigger\":\"scale\"}");
        assertEquals(Execution.Status.FAILED, down.status());
        String drained = workers.stream().filter(i -> rig.drainClaim(i) != null).findFirst()
                .orElseThrow(() -> new AssertionError("the drained node was uncordoned or forgotten"));
        assertFalse(rig.schedulable(drained), "a drained node stays cordoned");
        rig.ec2.recover();

        // THEN a scale-down's failure does not hold back a scale-up for unschedulable pods
        rig.idle = false;
        rig.unschedulable = List.of(new FakePrometheusApi.PendingPod("shop", "surge-1", 0.5, 256L << 20));
        rig.clock.advance(Duration.ofSeconds(10));
        Execution up = rig.actuate("up-1", "{\"trigger\":\"scale\"}");
        Checks.succeeded(up);
        assertEquals(OutcomeResult.SUCCEEDED, Checks.event(rig.events(), OutcomeAction.SCALE_UP).result(),
                () -> "no scale-up: " + rig.events());
        rig.unschedulable = List.of();
        rig.idle = true;

        // AND the tick's reconcile terminates the drained instance and deletes its Node once no drain can own it
        rig.clock.advance(Duration.ofMinutes(20));
        Checks.succeeded(rig.runTick("tick-later"));
        assertFalse(rig.ec2.instance(drained).isAlive(), "the drained instance is terminated by the reconcile");
        assertNull(rig.nodeOf(drained));
    }

    @Test
    void aNodeThatIsNotOurs_isNeverCordoned_andCostsNoFailure() {
        // GIVEN a hand-joined machine carrying the managed label (the least busy node) and two of ours
        rig = new AutoscalerRig();
        String handJoined = rig.handJoinedWorker();
        List<String> ours = List.of(rig.runningWorker(), rig.runningWorker());
        for (String instanceId : ours) {
            rig.pod("shop", podName(instanceId), AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", podName(instanceId), 201, 1);
        }
        rig.idle = true;
        List<String> touched = new ArrayList<>();
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if (rig.drainClaim(handJoined) != null || !rig.schedulable(handJoined)) {
                touched.add(task.stateName());
            }
            return result;
        };

        // WHEN a scale-down runs
        Execution down = rig.actuate("down-4", "{\"trigger\":\"scale\"}");

        // THEN the hand-joined node is never a candidate: never cordoned, no failure counted
        Checks.succeeded(down);
        assertEquals(List.of(), touched, "states after which the hand-joined node was cordoned");
        assertTrue(rig.ec2.instance(handJoined).isAlive());
        noFailureCounted();
    }

    @Test
    void drainBlockedByAPodDisruptionBudget_isNotAFailure_isNotRetriedOnTheSameNode_andDelaysNoScaleUp() {
        // GIVEN an idle cluster whose pods a PodDisruptionBudget keeps
        rig = new AutoscalerRig();
        List<String> workers = idleCluster(429, FOREVER);

        // WHEN a scale-down gives up at DRAIN_TIMEOUT_SEC
        Checks.succeeded(rig.actuate("down-5", "{\"trigger\":\"scale\"}"));
        EventRecord aborted = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertEquals(OutcomeResult.ABORTED, aborted.result());
        String blocked = aborted.instanceIds().getFirst();

        // THEN it is not a failure
        noFailureCounted();

        // AND the next scale-down does not choose the same node while its blocker holds
        List<String> claimedAgain = new ArrayList<>();
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if (rig.drainClaim(blocked) != null) {
                claimedAgain.add(task.stateName());
            }
            return result;
        };
        rig.clock.advance(Duration.ofMinutes(1));
        Checks.succeeded(rig.actuate("down-6", "{\"trigger\":\"scale\"}"));
        assertEquals(List.of(), claimedAgain, "the blocked node was cordoned again");
        assertTrue(workers.contains(blocked));

        // AND unschedulable pods get their workers at once
        rig.interceptor = (task, call) -> call.call();
        rig.idle = false;
        rig.unschedulable = List.of(new FakePrometheusApi.PendingPod("shop", "surge-1", 0.5, 256L << 20));
        rig.clock.advance(Duration.ofMinutes(1));
        Checks.succeeded(rig.actuate("up-2", "{\"trigger\":\"scale\"}"));
        assertEquals(OutcomeResult.SUCCEEDED, Checks.event(rig.events(), OutcomeAction.SCALE_UP).result());
    }

    @Test
    void capacityLostWhileDraining_abortsTheScaleDownCleanly() {
        // GIVEN three workers: the target with one pod (slow to evict), a full one, and one about to be lost
        rig = new AutoscalerRig();
        String target = rig.runningWorker();
        String full = rig.runningWorker();
        String lost = rig.runningWorker();
        rig.pod("shop", "web-t", AutoscalerRig.nodeName(target));
        rig.evictionAnswers("shop", "web-t", 429, 3);
        rig.evictionAnswers("shop", "web-t", 201, 1);
        rig.pod("shop", "batch-f1", AutoscalerRig.nodeName(full), 1700, Map.of());
        rig.pod("shop", "batch-f2", AutoscalerRig.nodeName(full), 100, Map.of());
        rig.pod("shop", "web-l1", AutoscalerRig.nodeName(lost));
        rig.pod("shop", "web-l2", AutoscalerRig.nodeName(lost));
        rig.idle = true;
        Execution down = rig.startActuation("down-7", "{\"trigger\":\"scale\"}");
        assertNotNull(rig.drainClaim(target), "the least busy node is drained");

        // WHEN, during the drain, another worker is lost and its pods wait for room only the target has
        TreeMap<Instant, Runnable> world = new TreeMap<>();
        world.put(at(20), () -> {
            var node = rig.nodeOf(lost);
            node.getSpec().setUnschedulable(true);
            rig.admin.nodes().resource(node).update();
            rig.admin.pods().inNamespace("shop").withName("web-l1").delete();
            rig.admin.pods().inNamespace("shop").withName("web-l2").delete();
            rig.pod("shop", "web-l1-new", null, 600, Map.of());
            rig.pod("shop", "web-l2-new", null, 600, Map.of());
        });
        rig.runTogether(world, down);

        // THEN the scale-down stops before terminating: the target is schedulable again, no failure counted
        Checks.succeeded(down);
        assertTrue(rig.ec2.instance(target).isAlive(), "the target was not terminated");
        assertTrue(rig.schedulable(target), "the target was given back to the scheduler");
        EventRecord scaleDown = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertEquals(OutcomeResult.ABORTED, scaleDown.result());
        noFailureCounted();
    }

    @Test
    void spotEventWhoseActuationCannotBeNamed_whenEc2CannotBeAsked_startsItUnderTheTicksName() {
        // GIVEN a worker, EC2 answering 500 to every DescribeInstances, and a Spot event whose instance id holds
        // a '/': spot-interruption-<id> is a name StartExecution refuses
        rig = new AutoscalerRig();
        String worker = rig.runningWorker();
        rig.ec2.failNext("DescribeInstances", FOREVER, Ec2Error.internal());

        // WHEN the tick handles it (the warning is not dropped because EC2 could not be asked)
        Execution tick = rig.runTick("spot-event-odd", event("spot-interruption", "i-0abc/x"));
        rig.ec2.recover();
        rig.runTogether(new TreeMap<>());

        // THEN StartExecution answered InvalidName and the tick's Catch started the actuation under its own name
        Checks.succeeded(tick);
        assertTrue(tick.statePath().contains("StartUnnamedEventActuation"), tick.statePath().toString());
        assertEquals(List.of("spot-event-odd"), List.copyOf(rig.started.keySet()));
        // AND that actuation changed nothing: the worker runs on, schedulable
        assertTrue(rig.ec2.instance(worker).isAlive());
        assertTrue(rig.schedulable(worker));
    }
}
