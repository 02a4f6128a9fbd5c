package dev.k3sautoscaler.lifecycle;

import static dev.k3sautoscaler.lifecycle.ReconcileRig.JOIN_TIMEOUT;
import static dev.k3sautoscaler.lifecycle.ReconcileRig.pending;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.core.lifecycle.ReconcileSummary;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.fleet.FleetTags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import io.fabric8.kubernetes.api.model.Node;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.testkit.TestWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcileWorkersIT {
    private final ReconcileRig rig = new ReconcileRig();

    @AfterEach
    void close() {
        rig.close();
    }

    /** A launch JOIN_TIMEOUT_SEC + 1 min old that never joined, and the NotReady Node "ghost" of a terminated worker. */
    private PendingLaunch neverJoinedLaunchAndAGhostNode() {
        String stuck = rig.worker();
        Instant launchedAt = rig.ec2.instance(stuck).launchTime();
        String gone = rig.worker();
        rig.ec2.terminate(gone);
        rig.clock.advance(JOIN_TIMEOUT.plusMinutes(1));
        rig.node("ghost", gone, false, rig.clock.instant().minusSeconds(60));
        return pending(stuck, launchedAt);
    }

    private static List<String> kinds(ReconcileWorkersOutput out) {
        return out.actions().stream().map(a -> a.kind() + " " + a.target() + " " + a.reason()).toList();
    }

    @Test
    void adopts_anUntrackedYoungInstance_asAPendingLaunchFromItsLaunchTime() {
        // GIVEN a worker EC2 started a minute ago that no launch record names (a crash before RecordLaunch)
        String id = rig.worker();
        rig.clock.advance(Duration.ofMinutes(1));

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(), true);

        // THEN it is adopted, not terminated, and the outcome records it as in flight
        assertEquals(List.of("ADOPT_LAUNCH " + id + " UNTRACKED_LAUNCH"), kinds(out));
        assertEquals("running", rig.state(id));
        assertTrue(out.recordNeeded());
        assertEquals(OutcomeAction.RECONCILE, out.outcome().action());
        assertEquals(OutcomeResult.SUCCEEDED, out.outcome().result());
        assertEquals(0, out.outcome().count(), "bookkeeping only: no notification");
        assertEquals(List.of(id), out.outcome().addPendingLaunches().stream().map(PendingLaunch::instanceId).toList());
        assertEquals(rig.ec2.instance(id).launchTime(), out.outcome().addPendingLaunches().getFirst().launchedAt());
        assertEquals(List.of(id), out.fleet().billedInstanceIds());
    }

    @Test
    void terminates_aLaunchThatNeverJoined_andClearsIt() {
        // GIVEN a recorded launch with no Node, past JOIN_TIMEOUT_SEC
        String id = rig.worker();
        Instant launchedAt = rig.ec2.instance(id).launchTime();
        rig.clock.advance(JOIN_TIMEOUT.plusMinutes(1));

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(pending(id, launchedAt)), true);

        // THEN the instance is terminated in one call, the launch cleared, and the outcome counts one
        assertEquals(List.of("TERMINATE_INSTANCE " + id + " NEVER_JOINED", "CLEAR_LAUNCH " + id + " NEVER_JOINED"), kinds(out));
        assertEquals("shutting-down", rig.state(id));
        assertEquals(1, rig.terminateCalls());
        assertEquals(1, out.outcome().count());
        assertEquals(List.of(id), out.outcome().clearPendingLaunches());
        assertEquals(List.of(), out.fleet().billedInstanceIds());
        assertEquals(ReconcileSummary.Code.RECONCILED, out.reasonCode(), out.reason());
        assertTrue(out.actions().getFirst().text().startsWith("terminated " + id + ": launched 09:59:30, no Ready Node"),
                out.actions().getFirst().text());
        // AND kubectl users see it on the status ConfigMap (there is no Node to put it on), with what it saves
        var events = rig.admin.events().v1().events().inNamespace("kube-system").list().getItems();
        assertEquals(1, events.size());
        assertEquals("Reconciled", events.getFirst().getReason());
        assertEquals("k3s-autoscaler-status", events.getFirst().getRegarding().getName());
        assertEquals(rig.statusConfigMapUid(), events.getFirst().getRegarding().getUid());
        assertTrue(events.getFirst().getNote().startsWith(out.actions().getFirst().text()), events.getFirst().getNote());
        assertTrue(events.getFirst().getNote().contains("saves $0.0208/hour"), events.getFirst().getNote());
    }

    @Test
    void deletes_aGhostNode_whoseInstanceIsTerminatedOrUnknown() {
        // GIVEN a worker whose instance was terminated but whose Node was never deleted, and a Node whose
        // instance EC2 does not know at all
        String id = rig.worker();
        rig.ec2.terminate(id);
        rig.clock.advance(Duration.ofMinutes(5));
        rig.node("ghost", id, false, rig.clock.instant().minusSeconds(120));
        rig.node("stranger", "i-00000000000dead01", false, rig.clock.instant().minusSeconds(120));

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(), true);

        // THEN both Nodes are deleted; their instances count as gone, not billed
        assertEquals(List.of("DELETE_NODE ghost INSTANCE_GONE", "DELETE_NODE stranger INSTANCE_GONE"), kinds(out));
        assertFalse(rig.nodeExists("ghost"));
        assertFalse(rig.nodeExists("stranger"));
        assertEquals(2, out.outcome().count());
        assertEquals(List.of(id, "i-00000000000dead01").stream().sorted().toList(), out.fleet().goneInstanceIds());
        assertEquals(List.of(), out.fleet().billedInstanceIds());
        assertTrue(out.recordNeeded(), "a deleted Node is news for the event log and the operators");
        assertEquals(0, rig.terminateCalls());
        // AND each deletion is an event about that Node, for kubectl get events
        var events = rig.admin.events().v1().events().inNamespace("default").list().getItems();
        assertEquals(List.of("ghost", "stranger"), events.stream().map(e -> e.getRegarding().getName()).sorted().toList());
        assertTrue(events.stream().allMatch(e -> e.getReason().equals("Reconciled") && e.getNote().startsWith("deleted Node")),
                events.toString());
    }

    @Test
    void leavesAlone_theMaster_aForeignInstance_anUntaggedInstance_andAFreshLaunch() {
        // GIVEN old instances without a Node: the master (even tagged managed), another cluster's worker, an
        // untagged box; and a fresh launch of ours
        String master = rig.instance(Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, ReconcileRig.CLUSTER,
                FleetTags.ROLE, FleetTags.ROLE_MASTER));
        String foreign = rig.instance(Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "other"));
        String untagged = rig.instance(Map.of("Name", "someone-elses"));
        rig.clock.advance(JOIN_TIMEOUT.multipliedBy(3));
        rig.masterNode("master", master);
        String fresh = rig.worker();

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(), true);

        // THEN nothing is terminated; the fresh launch is only adopted
        assertEquals(0, rig.terminateCalls());
        for (String id : List.of(master, foreign, untagged, fresh)) {
            assertEquals("running", rig.state(id), id);
        }
        assertEquals(List.of("ADOPT_LAUNCH " + fresh + " UNTRACKED_LAUNCH"), kinds(out));
        assertEquals(List.of(fresh), out.fleet().billedInstanceIds(), "neither the master nor foreign boxes are billed workers");
        assertTrue(rig.nodeExists("master"));
    }

    @Test
    void actFalse_plansButChangesNothing() {
        // GIVEN a never-joined launch and a ghost Node
        PendingLaunch stuckLaunch = neverJoinedLaunchAndAGhostNode();
        String stuck = stuckLaunch.instanceId();

        // WHEN an actuation under the lock only observes
        ReconcileWorkersOutput out = rig.run(List.of(stuckLaunch), false);

        // THEN the plan is reported, nothing happened, and there is nothing to record
        assertEquals(List.of("TERMINATE_INSTANCE " + stuck + " NEVER_JOINED", "DELETE_NODE ghost INSTANCE_GONE",
                "CLEAR_LAUNCH " + stuck + " NEVER_JOINED"), kinds(out));
        assertEquals("running", rig.state(stuck));
        assertTrue(rig.nodeExists("ghost"));
        assertEquals(0, rig.terminateCalls());
        assertFalse(out.recordNeeded());
        assertNull(out.outcome());
        assertEquals(List.of(stuck), out.fleet().billedInstanceIds(), "as observed: still billed");
        assertEquals(ReconcileSummary.Code.OBSERVED_ONLY, out.reasonCode(), out.reason());
    }

    @Test
    void isIdempotent_aSecondRunAfterTheFirstChangesNothing() {
        // GIVEN a never-joined launch, a ghost Node and an untracked fresh launch
        PendingLaunch stuckLaunch = neverJoinedLaunchAndAGhostNode();
        String stuck = stuckLaunch.instanceId();
        String fresh = rig.worker();
        List<PendingLaunch> pendingLaunches = new ArrayList<>(List.of(stuckLaunch));

        // WHEN it runs, its outcome is applied to the pending launches, and it runs again a minute later
        ReconcileWorkersOutput first = rig.run(pendingLaunches, true);
        pendingLaunches.removeIf(p -> first.outcome().clearPendingLaunches().contains(p.instanceId()));
        pendingLaunches.addAll(first.outcome().addPendingLaunches());
        rig.clock.advance(Duration.ofMinutes(1));
        ReconcileWorkersOutput second = rig.run(pendingLaunches, true);

        // THEN the first did everything once, and the second finds nothing to do
        assertEquals(2, first.outcome().count());
        assertEquals(List.of(), second.actions());
        assertFalse(second.recordNeeded());
        assertNull(second.outcome());
        assertEquals(1, rig.terminateCalls());
        assertEquals(List.of(fresh), second.fleet().billedInstanceIds());
        assertEquals(ReconcileSummary.Code.NOTHING_TO_RECONCILE, second.reasonCode(), second.reason());
    }

    @Test
    void nothingToReconcile_whenEveryWorkerIsReady_needsNoRecord() {
        // GIVEN two workers with Ready Nodes
        String a = rig.worker();
        String b = rig.worker();
        rig.clock.advance(JOIN_TIMEOUT.multipliedBy(2));
        rig.node("w-a", a, true, TestWorld.T0);
        rig.node("w-b", b, true, TestWorld.T0);

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(), true);

        // THEN nothing is done or recorded
        assertEquals(List.of(), out.actions());
        assertFalse(out.recordNeeded());
        assertNull(out.outcome());
        assertEquals(ReconcileSummary.Code.NOTHING_TO_RECONCILE, out.reasonCode(), out.reason());
        assertEquals(List.of(a, b).stream().sorted().toList(), out.fleet().billedInstanceIds());
        assertTrue(out.fleet().observed());
        assertEquals(1, rig.ec2.requests("DescribeInstances").size(), "every Node's instance was in the first list");
    }

    @Test
    void theMastersMachine_isNotLookedUpByIdAtEveryTick() {
        // GIVEN a Ready worker and the master, whose instance is not among the managed workers EC2 lists
        String worker = rig.worker();
        String master = rig.instance(Map.of("Name", "k3s-master"));
        rig.clock.advance(JOIN_TIMEOUT.multipliedBy(2));
        rig.node("w-a", worker, true, TestWorld.T0);
        rig.masterNode("master", master);

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(), true);

        // THEN the one listing is all EC2 is asked: no rule acts on the control plane's machine
        assertEquals(ReconcileSummary.Code.NOTHING_TO_RECONCILE, out.reasonCode(), out.reason());
        assertEquals(List.of(worker), out.fleet().billedInstanceIds());
        assertEquals(1, rig.ec2.requests("DescribeInstances").size(), "a DescribeInstances by id of the master, every tick");
    }

    @Test
    void namesTheWorkerWhoseNodeTurnedReadyMomentsAgo_forDecideToCountAsArriving() {
        // GIVEN one worker Ready for 20 minutes and one whose Ready condition changed 30 s ago
        String settled = rig.worker();
        String arrived = rig.worker();
        rig.clock.advance(JOIN_TIMEOUT.multipliedBy(2));
        rig.node("w-settled", settled, true, rig.clock.instant().minusSeconds(1200));
        rig.node("w-arrived", arrived, true, rig.clock.instant().minusSeconds(30));

        // WHEN the tick reconciles
        ReconcileWorkersOutput out = rig.run(List.of(), true);

        // THEN the fleet view names the one the scraped metrics may not show Ready yet
        assertEquals(List.of(arrived), out.fleet().justReadyInstanceIds());
        assertEquals(List.of(settled, arrived).stream().sorted().toList(), out.fleet().billedInstanceIds());
    }

    @Test
    void theSharedFixture_parses_andAJoinedLaunchIsCleared() throws IOException {
        // GIVEN the fixture's pending launch as a worker with a Ready Node
        String fixture;
        try (InputStream in = getClass().getResourceAsStream("/events/reconcile-workers.json")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String id = "i-0a1b2c3d4e5f00001";
        rig.ec2.addInstance(id, "t3.small", "subnet-a", "on-demand", Map.of(FleetTags.MANAGED, "true",
                FleetTags.CLUSTER, ReconcileRig.CLUSTER));
        rig.node("w1", id, true, TestWorld.T0);

        // WHEN run with it
        ReconcileWorkersOutput out = rig.runJson(fixture);

        // THEN the launch is cleared as joined
        assertEquals(List.of("CLEAR_LAUNCH " + id + " JOINED"), kinds(out));
        assertEquals(List.of(id), out.outcome().clearPendingLaunches());
    }

    @Test
    void rejectsABadInput_namingEveryProblem() {
        InvalidStepInput error = assertThrows(InvalidStepInput.class, () -> rig.runJson(
                "{\"pendingLaunches\":[{\"instanceId\":\"node-1\"}]}"));
        assertTrue(error.getMessage().contains("execution"), error.getMessage());
        assertTrue(error.getMessage().contains("pendingLaunches[0].instanceId"), error.getMessage());
        assertTrue(error.getMessage().contains("pendingLaunches[0].launchedAt"), error.getMessage());
    }

    @Test
    void aBadConfiguration_failsAtInit_listingEveryProblem() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> ReconcileWorkersHandler.production(Map.of("JOIN_TIMEOUT_SEC", "5", "AWS_REGION", "eu-west-1")));
        String message = error.getMessage();
        for (String variable : List.of("CLUSTER_ID", "WORKER_LAUNCH_TEMPLATE", "WORKER_SUBNET_IDS", "JOIN_TIMEOUT_SEC",
                "K8S_API_URL", "K8S_API_TOKEN_PARAM")) {
            assertTrue(message.contains(variable), variable + " in " + message);
        }
        assertEquals(1, error.problems().stream().filter(p -> p.startsWith("JOIN_TIMEOUT_SEC")).count(),
                "each problem once: " + error.problems());
    }

    @Test
    void uncordons_aNodeWhoseScaleDownLostItsLeaseMidDrain_once_noExecutionCanOwnTheClaim() {
        // GIVEN a Ready worker cordoned by a scale-down (our taint and claim) whose execution is gone
        String id = rig.worker();
        rig.clock.advance(JOIN_TIMEOUT.plusMinutes(1));
        Node node = rig.node("w1", id, true, rig.clock.instant().minusSeconds(600));
        node.getSpec().setUnschedulable(true);
        node.getSpec().setTaints(List.of(new io.fabric8.kubernetes.api.model.TaintBuilder()
                .withKey(NodeLabels.DRAINING_TAINT).withValue("true").withEffect("NoSchedule").build()));
        node.getMetadata().setAnnotations(java.util.Map.of(NodeLabels.DRAIN_PURPOSE, "scale-down",
                NodeLabels.DRAIN_CLAIMED_AT, rig.clock.instant().toString(), "k3s-autoscaler/cordoned", "true"));
        rig.admin.nodes().resource(node).update();

        // WHEN the tick reconciles while an owner could still be draining, and again once none can
        ReconcileWorkersOutput early = rig.run(List.of(), true);
        rig.clock.advance(dev.k3sautoscaler.core.config.LeaseBudget.drainClaimOutlived(ReconcileRig.CONFIG));
        ReconcileWorkersOutput late = rig.run(List.of(), true);

        // THEN the first leaves it; the second gives the node back to the scheduler and says why
        assertEquals(List.of(), kinds(early));
        assertEquals(List.of("RELEASE_CLAIM w1 STALE_DRAIN_CLAIM"), kinds(late));
        Node after = rig.admin.nodes().withName("w1").get();
        assertFalse(Boolean.TRUE.equals(after.getSpec().getUnschedulable()));
        assertTrue(after.getSpec().getTaints() == null || after.getSpec().getTaints().isEmpty());
        assertFalse(after.getMetadata().getAnnotations().containsKey(NodeLabels.DRAIN_PURPOSE));
        assertEquals(1, late.outcome().count());
        assertEquals("running", rig.state(id));
    }
}
