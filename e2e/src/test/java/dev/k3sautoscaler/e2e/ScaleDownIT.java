package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.testkit.TestWorld;
import dev.k3sautoscaler.workflow.Execution;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scale-down and Spot interruption through the actuation machine: cordon, drain, terminate, delete. */
class ScaleDownIT {
    private static final int PDB_REFUSES_FOREVER = 1000;
    private final AutoscalerRig rig = new AutoscalerRig();

    @AfterEach
    void close() {
        Checks.noUnrecognisedQueries(rig);
        rig.close();
    }

    /** Three idle workers with one app pod each; returns their instance ids. */
    private List<String> idleCluster(int evictionStatus, int times) {
        List<String> instances = List.of(rig.runningWorker(), rig.runningWorker(), rig.runningWorker());
        for (String instanceId : instances) {
            String pod = "web-" + instanceId.substring(instanceId.length() - 3);
            rig.pod("shop", pod, AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", pod, evictionStatus, times);
        }
        rig.idle = true;
        return instances;
    }

    @Test
    void actuation_drainsTerminatesAndDeletes_whenTheClusterIsIdle() {
        // GIVEN three idle workers whose pods can be evicted
        List<String> instances = idleCluster(201, 1);

        // WHEN the actuation runs
        Execution execution = rig.actuate("down-1", "{\"trigger\":\"scale\"}");

        // THEN one worker was drained: its instance terminated and its Node deleted; the others untouched
        Checks.succeeded(execution);
        EventRecord down = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertEquals(OutcomeResult.SUCCEEDED, down.result());
        String removed = down.instanceIds().getFirst();
        assertTrue(instances.contains(removed));
        assertFalse(rig.ec2.instance(removed).isAlive(), "instance terminated");
        assertNull(rig.nodeOf(removed), "Node object deleted");
        assertEquals(2, rig.aliveInstances().size());
        assertEquals(2, rig.admin.nodes().list().getItems().size());
        assertTrue(execution.statePath().containsAll(List.of("CordonNode", "DrainNode", "TerminateDrainedWorker",
                "DeleteNode", "RecordScaleDown", "ReleaseLock")), execution.statePath().toString());
        Checks.lockReleased(rig);
    }

    @Test
    void actuation_uncordonsAndKeepsTheWorker_whenTheDrainTimesOut() {
        // GIVEN three idle workers whose pods a PodDisruptionBudget keeps (every eviction answers 429)
        idleCluster(429, PDB_REFUSES_FOREVER);

        // WHEN the actuation runs past DRAIN_TIMEOUT_SEC
        Execution execution = rig.actuate("down-2", "{\"trigger\":\"scale\"}");

        // THEN the drain was abandoned: the node is schedulable again and nothing was terminated
        Checks.succeeded(execution);
        EventRecord aborted = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertEquals(OutcomeResult.ABORTED, aborted.result());
        String kept = aborted.instanceIds().getFirst();
        assertNotNull(rig.nodeOf(kept));
        assertNotEquals(Boolean.TRUE, rig.nodeOf(kept).getSpec().getUnschedulable(), "uncordoned");
        assertEquals(3, rig.aliveInstances().size());
        assertTrue(execution.statePath().contains("UncordonNode"), execution.statePath().toString());
        assertTrue(Duration.between(TestWorld.T0, rig.clock.instant()).toSeconds() >= 300,
                "it tried for the whole DRAIN_TIMEOUT_SEC");
        Checks.lockReleased(rig);
    }

    @Test
    void spotInterruption_drainsAndDeletesTheNode_withoutTheLock() {
        // GIVEN a worker about to be reclaimed, with an evictable pod
        List<String> instances = idleCluster(201, 1);
        rig.idle = false;
        String interrupted = instances.get(1);

        // WHEN the interruption warning starts the actuation
        Execution execution = rig.actuate("spot-1",
                "{\"trigger\":\"spot-interruption\",\"instanceId\":\"" + interrupted + "\"}");

        // THEN its pods were evicted and its Node deleted, well inside the two-minute warning
        Checks.succeeded(execution);
        assertNull(rig.nodeOf(interrupted));
        assertTrue(rig.admin.pods().inNamespace("shop").list().getItems().stream()
                .noneMatch(pod -> AutoscalerRig.nodeName(interrupted).equals(pod.getSpec().getNodeName())));
        EventRecord spot = Checks.event(rig.events(), OutcomeAction.SPOT_DRAIN);
        assertEquals(List.of(interrupted), spot.instanceIds());
        assertFalse(execution.statePath().contains("AcquireLock"), "no waiting for the scaling lock");
        assertTrue(Duration.between(TestWorld.T0, rig.clock.instant()).toSeconds() < 120);
        Checks.lockReleased(rig);
    }

    @Test
    void spotEvent_throughTheTick_namesTheDrainAfterTheInstance_andARedeliveryStartsNothing() {
        // GIVEN a worker about to be reclaimed
        List<String> instances = idleCluster(201, 1);
        rig.idle = false;
        String interrupted = instances.get(1);
        String event = "{\"trigger\":\"spot-interruption\",\"instanceId\":\"" + interrupted + "\"}";

        // WHEN the Spot rule starts the tick with the event, and EventBridge delivers it twice
        Execution first = rig.runTick("event-1", event);
        Execution drain = rig.started.get("spot-interruption-" + interrupted);
        rig.executor.runToCompletion(drain);
        Execution redelivered = rig.runTick("event-2", event);

        // THEN one drain, named after the instance, did the work; the redelivery started nothing
        Checks.succeeded(first);
        assertEquals("actuation started for the EC2 event", first.output().path("outcome").asText());
        Checks.succeeded(drain);
        assertNull(rig.nodeOf(interrupted));
        Checks.succeeded(redelivered);
        assertEquals(List.of("WhichInput?", "IdentifyEventInstance", "IsOurWorker?", "StartEventActuation", "EventAlreadyHandled"),
                redelivered.statePath());
        assertEquals(1, rig.started.keySet().stream().filter(name -> name.contains(interrupted)).count());
        assertEquals(1, rig.events().stream().filter(e -> e.action() == OutcomeAction.SPOT_DRAIN).count());
    }

    @Test
    void spotEvent_forAnotherClustersInstance_endsAtTheTick_andStartsNoActuation() {
        // GIVEN our workers, and an instance of another cluster in the same account and region
        idleCluster(202, 1);
        String foreign = rig.ec2.addInstance("t3.small", "subnet-a", "spot",
                Map.of("k3s-autoscaler/cluster", "blue", "k3s-autoscaler/managed", "true"));

        // WHEN the Spot rule (which sees every instance's warning) starts the tick with the raw event
        Execution tick = rig.runTick("event-foreign", "{\"source\":\"aws.ec2\",\"detail-type\":"
                + "\"EC2 Spot Instance Interruption Warning\",\"detail\":{\"instance-id\":\"" + foreign
                + "\",\"instance-action\":\"terminate\"}}");

        // THEN the tick names why it did nothing, and no actuation started
        Checks.succeeded(tick);
        assertEquals(List.of("WhichInput?", "FromSpotInterruptionEvent", "IdentifyEventInstance", "IsOurWorker?",
                "NotOurInstance"), tick.statePath());
        assertEquals("OTHER_CLUSTER", tick.output().path("verdict").asText());
        assertEquals(foreign + " belongs to cluster blue (k3s-autoscaler/cluster=blue), not to " + AutoscalerRig.CLUSTER,
                tick.output().path("reason").asText());
        assertTrue(rig.started.isEmpty(), rig.started.keySet().toString());
        assertEquals(List.of(), rig.events());
    }

    @Test
    void spotInterruption_givesUpOnBlockedPods_atTheSpotDrainBudget() {
        // GIVEN a worker about to be reclaimed whose pod a PodDisruptionBudget keeps
        List<String> instances = idleCluster(429, PDB_REFUSES_FOREVER);
        rig.idle = false;
        String interrupted = instances.getFirst();

        // WHEN the interruption warning starts the actuation
        Execution execution = rig.actuate("spot-2",
                "{\"trigger\":\"spot-interruption\",\"instanceId\":\"" + interrupted + "\"}");

        // THEN it stopped trying at SPOT_DRAIN_BUDGET_SEC (90 s) and deleted the Node before EC2 reclaims it
        Checks.succeeded(execution);
        assertNull(rig.nodeOf(interrupted));
        long elapsed = Duration.between(TestWorld.T0, rig.clock.instant()).toSeconds();
        assertTrue(elapsed >= 90 && elapsed < 120, "ended " + elapsed + " s after the warning");
        Checks.lockReleased(rig);
    }
}
