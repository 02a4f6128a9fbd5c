package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.fleet.FleetTags;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The invariants watched at every instant, on hand-made worlds: each fails on a bad one and holds on a good one. */
class WorldWatchTest {
    private static final Instant START = Simulation.START;
    private static final Duration TICK = Duration.ofMinutes(1);
    private static final WorldWatch.Limits LIMITS = new WorldWatch.Limits("sim", 2, Duration.ofMinutes(10), TICK);

    /** A world the watch looks at: EC2's instances, the cluster's instances and Nodes, Spot notices. */
    private final List<FakeInstance> ec2 = new ArrayList<>();
    private final List<InstanceState> cluster = new ArrayList<>();
    private final List<NodeState> nodes = new ArrayList<>();
    private final WorldWatch watch = new WorldWatch(LIMITS, START);

    private static Duration minutes(long m) {
        return Duration.ofMinutes(m);
    }

    private void worker(String id, Duration launchedAt, String state, CapacityType type) {
        ec2.add(new FakeInstance(id, "r-1", "ami-0sim", "t3.small", "us-east-1a", "subnet-1",
                type == CapacityType.SPOT ? "spot" : "on-demand", START.plus(launchedAt), state, null, null,
                Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "sim"), Map.of()));
        boolean alive = state.equals("pending") || state.equals("running");
        cluster.add(new InstanceState(id, "us-east-1a", false, type, launchedAt, alive ? null : launchedAt, launchedAt.plusSeconds(60), launchedAt.plusSeconds(90)));
    }

    private void node(String instanceId, boolean ready) {
        nodes.add(nodeState(instanceId, ready, false));
    }

    /** spec.unschedulable of the Node of {@code instanceId} set to {@code cordoned}. */
    private void cordoned(String instanceId, boolean cordoned) {
        nodes.replaceAll(node -> node.instanceId().equals(instanceId) ? nodeState(instanceId, node.ready(), cordoned) : node);
    }

    private static NodeState nodeState(String instanceId, boolean ready, boolean cordoned) {
        return new NodeState(instanceId, instanceId, "aws:///us-east-1a/" + instanceId, "us-east-1a", false,
                CapacityType.ON_DEMAND, 1900, 1L << 31, Map.of(), ready, cordoned);
    }

    /** EC2's view of {@code instanceId} moved to {@code state} (a TerminateInstances), the cluster's too. */
    private void ec2State(String instanceId, String state, Duration at) {
        ec2.replaceAll(instance -> !instance.instanceId().equals(instanceId) ? instance : new FakeInstance(instanceId, "r-1",
                "ami-0sim", "t3.small", "us-east-1a", "subnet-1", instance.marketType(), instance.launchTime(), state, null, null,
                instance.tags(), Map.of()));
        cluster.replaceAll(instance -> !instance.instanceId().equals(instanceId) ? instance : new InstanceState(instanceId,
                instance.zone(), false, instance.capacityType(), instance.launchedAt(), at, instance.registersAt(), instance.readyAt()));
    }

    private void observe(Duration at) {
        observe(at, Map.of());
    }

    private void observe(Duration at, Map<String, Duration> spotNotices) {
        watch.observe(at, List.copyOf(ec2), List.copyOf(cluster), List.copyOf(nodes), spotNotices, false);
    }

    private List<Invariants.Name> broken() {
        return watch.violations().stream().map(Invariants.Violation::invariant).distinct().toList();
    }

    @Test
    void billedWithinMax_breaks_whenMoreManagedWorkersRunThanMax() {
        // GIVEN three running managed workers, MAX_WORKERS=2
        worker("i-1", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-2", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-3", minutes(5), "pending", CapacityType.ON_DEMAND);
        List.of("i-1", "i-2", "i-3").forEach(id -> node(id, true));

        // WHEN
        observe(minutes(5));
        observe(minutes(6));

        // THEN one violation for the episode, with the time and the count
        assertEquals(List.of(Invariants.Name.BILLED_WITHIN_MAX), broken());
        assertEquals(1, watch.violations().size());
        assertTrue(watch.violations().getFirst().detail().startsWith("3 billed workers at [00:05:00] > MAX_WORKERS=2"),
                watch.violations().toString());
    }

    @Test
    void billedWithinMax_holds_forASpotWorkerInsideItsNotice_andForTerminatedOnes() {
        // GIVEN two workers, a Spot one warned (reclaimed at 7 min) with its replacement booting, and a terminated one
        worker("i-1", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-spot", minutes(0), "running", CapacityType.SPOT);
        worker("i-new", minutes(5), "pending", CapacityType.ON_DEMAND);
        worker("i-old", minutes(0), "terminated", CapacityType.ON_DEMAND);
        List.of("i-1", "i-spot", "i-new").forEach(id -> node(id, true));

        // WHEN
        observe(minutes(6), Map.of("i-spot", minutes(7)));

        // THEN
        assertEquals(List.of(), watch.violations());
    }

    @Test
    void noInstanceWithoutReadyNode_breaks_pastJoinTimeoutPlusATick_fromLaunch_orFromLastReady() {
        // GIVEN one worker that never joins, one whose Node was Ready until 3 min and NotReady since
        // (a deleted Node would also break NO_RUNNING_INSTANCE_OF_DELETED_NODE)
        worker("i-never", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-lost", minutes(0), "running", CapacityType.ON_DEMAND);
        node("i-lost", true);
        observe(minutes(3));
        nodes.replaceAll(node -> nodeState(node.instanceId(), false, false));

        // WHEN the watch looks at 11 min (= the limit: holds), then 11.5 and 14.5 min
        observe(minutes(11));
        assertEquals(List.of(), watch.violations(), "JOIN_TIMEOUT + one tick is still allowed");
        observe(minutes(11).plusSeconds(30));
        observe(minutes(14).plusSeconds(30));

        // THEN each instance once, counted from its launch or its last Ready instant
        List<String> details = watch.violations().stream().map(Invariants.Violation::detail).toList();
        assertEquals(List.of(Invariants.Name.NO_INSTANCE_WITHOUT_READY_NODE), broken());
        assertEquals(2, details.size(), details.toString());
        assertTrue(details.get(0).startsWith("i-never running without a Ready Node since [00:00:00] (launch)"), details.toString());
        assertTrue(details.get(1).startsWith("i-lost running without a Ready Node since [00:03:00] (last Ready)"), details.toString());
    }

    @Test
    void noInstanceWithoutReadyNode_holds_forAReadyWorker_andAJoiningOne() {
        // GIVEN a worker Ready all along and one launched 5 min ago, still booting
        worker("i-ready", minutes(0), "running", CapacityType.ON_DEMAND);
        node("i-ready", true);
        worker("i-booting", minutes(15), "pending", CapacityType.ON_DEMAND);

        // WHEN
        observe(minutes(20));

        // THEN
        assertEquals(List.of(), watch.violations());
    }

    @Test
    void noGhostNode_breaks_whenANodeOutlivesItsInstanceByMoreThanATick() {
        // GIVEN a Node whose instance was terminated at 2 min, and a Node EC2 has never heard of
        worker("i-gone", minutes(0), "running", CapacityType.ON_DEMAND);
        node("i-gone", false);
        node("i-unknown", false);
        ec2.set(0, new FakeInstance("i-gone", "r-1", "ami-0sim", "t3.small", "us-east-1a", "subnet-1", "on-demand",
                START, "terminated", null, null, Map.of(FleetTags.MANAGED, "true", FleetTags.CLUSTER, "sim"), Map.of()));
        cluster.set(0, new InstanceState("i-gone", "us-east-1a", false, CapacityType.ON_DEMAND, minutes(0), minutes(2), minutes(1), minutes(1)));

        // WHEN
        observe(minutes(3));
        assertEquals(List.of(), watch.violations(), "one tick is allowed");
        observe(minutes(3).plusSeconds(30));
        observe(minutes(5));

        // THEN each ghost once, dated from when its instance went (or first seen gone)
        List<String> details = watch.violations().stream().map(Invariants.Violation::detail).toList();
        assertEquals(List.of(Invariants.Name.NO_GHOST_NODE), broken());
        assertEquals(2, details.size(), details.toString());
        assertTrue(details.get(0).contains("Node i-gone still registered at [00:03:30], its instance terminated, counted from [00:02:00]"),
                details.toString());
        assertTrue(details.get(1).contains("Node i-unknown still registered at [00:05:00], its instance unknown to EC2, counted from [00:03:00]"),
                details.toString());
    }

    @Test
    void noGhostNode_holds_whenTheNodeIsDeletedWithinATick() {
        // GIVEN a Node whose instance was terminated at 2 min
        worker("i-gone", minutes(0), "terminated", CapacityType.ON_DEMAND);
        cluster.set(0, new InstanceState("i-gone", "us-east-1a", false, CapacityType.ON_DEMAND, minutes(0), minutes(2), minutes(1), minutes(1)));
        node("i-gone", false);
        observe(minutes(2).plusSeconds(30));

        // WHEN the Node is deleted at the next tick
        nodes.clear();
        observe(minutes(3));
        observe(minutes(10));

        // THEN
        assertEquals(List.of(), watch.violations());
    }

    @Test
    void nodeClocks_startAgain_afterAK3sApiOutage_duringWhichNoNodeCanBeDeleted() {
        // GIVEN a Node whose instance was terminated at 2 min, while the K3s API is down until 6 min
        worker("i-gone", minutes(0), "terminated", CapacityType.ON_DEMAND);
        cluster.set(0, new InstanceState("i-gone", "us-east-1a", false, CapacityType.ON_DEMAND, minutes(0), minutes(2), minutes(1), minutes(1)));
        node("i-gone", false);
        for (int minute = 2; minute <= 6; minute++) {
            watch.observe(minutes(minute), List.copyOf(ec2), List.copyOf(cluster), List.copyOf(nodes), Map.of(), true);
        }

        // WHEN the API is seen back at 7 min: a tick later, then past it
        observe(minutes(7));
        observe(minutes(8));
        assertEquals(List.of(), watch.violations(), "a tick after the outage is still allowed");
        observe(minutes(8).plusSeconds(30));

        // THEN the ghost is counted from the first instant the API was back
        assertEquals(List.of(Invariants.Name.NO_GHOST_NODE), broken());
        assertTrue(watch.violations().getFirst().detail().contains("counted from [00:07:00]"), watch.violations().toString());
    }

    @Test
    void noUncordonDuringInterruptionDrain_breaks_whenAWarnedNodeIsMadeSchedulableAgain() {
        // GIVEN a Spot worker warned at 1 min (reclaimed at 3 min), its Node cordoned by the interruption drain
        worker("i-spot", minutes(0), "running", CapacityType.SPOT);
        node("i-spot", true);
        Map<String, Duration> warned = Map.of("i-spot", minutes(3));
        observe(minutes(1), warned);
        cordoned("i-spot", true);
        observe(minutes(1).plusSeconds(5), warned);

        // WHEN something uncordons it while it still exists
        cordoned("i-spot", false);
        observe(minutes(1).plusSeconds(30), warned);
        observe(minutes(2), warned);

        // THEN once, with when it was cordoned and when it was schedulable again
        assertEquals(List.of(Invariants.Name.NO_UNCORDON_DURING_INTERRUPTION_DRAIN), broken());
        assertEquals(List.of("Node i-spot schedulable again at [00:01:30], cordoned since [00:01:05] after its Spot"
                + " interruption warning"), watch.violations().stream().map(Invariants.Violation::detail).toList());
    }

    @Test
    void noUncordonDuringInterruptionDrain_holds_forAWarnedNodeKeptCordonedUntilDeleted_andForUnwarnedNodes() {
        // GIVEN a warned Spot worker cordoned until its Node is deleted; an on-demand worker cordoned, then
        // uncordoned (an aborted scale-down); a warned worker never cordoned (no Node of it to drain yet)
        worker("i-spot", minutes(0), "running", CapacityType.SPOT);
        worker("i-od", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-late", minutes(0), "running", CapacityType.SPOT);
        List.of("i-spot", "i-od", "i-late").forEach(id -> node(id, true));
        Map<String, Duration> warned = Map.of("i-spot", minutes(3), "i-late", minutes(3));
        cordoned("i-spot", true);
        cordoned("i-od", true);
        observe(minutes(1), warned);

        // WHEN
        cordoned("i-od", false);
        nodes.removeIf(node -> node.instanceId().equals("i-spot"));
        observe(minutes(2), warned);

        // THEN
        assertEquals(List.of(), watch.violations());
    }

    @Test
    void noRunningInstanceOfDeletedNode_breaks_whenTheInstanceStillRunsATickAndAMarginAfter() {
        // GIVEN a managed worker whose Node is deleted at 1 min 10 s (a drain that never terminates)
        worker("i-1", minutes(0), "running", CapacityType.ON_DEMAND);
        node("i-1", true);
        observe(minutes(1));
        nodes.clear();
        observe(minutes(1).plusSeconds(10));

        // WHEN the watch looks at the limit (tick + margin), then past it, then again
        observe(minutes(1).plusSeconds(10).plus(LIMITS.deletedNodeGrace()));
        assertEquals(List.of(), watch.violations(), "one tick and the terminate call's margin are allowed");
        observe(minutes(2).plusSeconds(41));
        observe(minutes(5));

        // THEN once
        assertEquals(List.of(Invariants.Name.NO_RUNNING_INSTANCE_OF_DELETED_NODE), broken());
        assertEquals(List.of("i-1 still running at [00:02:41], its Node i-1 deleted at [00:01:10] (> tick+"
                + WorldWatch.TERMINATE_MARGIN.toSeconds() + " s=" + LIMITS.deletedNodeGrace().toSeconds() + " s)"),
                watch.violations().stream().map(Invariants.Violation::detail).toList());
    }

    @Test
    void noRunningInstanceOfDeletedNode_holds_whenTerminatedInTime_reclaimedBySpot_orNotOurs() {
        // GIVEN four workers whose Nodes are deleted at 1 min: one terminated before, one terminated 80 s
        // after, a Spot one warned (EC2 reclaims it at 3 min), one not managed by the autoscaler
        worker("i-before", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-after", minutes(0), "running", CapacityType.ON_DEMAND);
        worker("i-spot", minutes(0), "running", CapacityType.SPOT);
        ec2.add(new FakeInstance("i-theirs", "r-1", "ami-0sim", "t3.small", "us-east-1a", "subnet-1", "on-demand",
                START, "running", null, null, Map.of(), Map.of()));
        cluster.add(new InstanceState("i-theirs", "us-east-1a", false, CapacityType.ON_DEMAND, minutes(0), null, minutes(1), minutes(1)));
        List.of("i-before", "i-after", "i-spot", "i-theirs").forEach(id -> node(id, true));
        Map<String, Duration> warned = Map.of("i-spot", minutes(3));
        observe(minutes(0).plusSeconds(50), warned);
        ec2State("i-before", "shutting-down", minutes(1));
        nodes.clear();
        observe(minutes(1), warned);

        // WHEN
        ec2State("i-after", "terminated", minutes(2).plusSeconds(20));
        observe(minutes(2).plusSeconds(20), warned);
        observe(minutes(2).plusSeconds(45), warned);
        ec2State("i-spot", "terminated", minutes(3));
        observe(minutes(10), warned);

        // THEN
        assertEquals(List.of(), watch.violations());
    }

    @Test
    void violations_keepTheFirstFewPerInvariant_andCountTheRest() {
        // GIVEN five ghost Nodes
        for (int i = 0; i < 5; i++) {
            node("i-ghost-" + i, false);
        }

        // WHEN
        observe(minutes(0));
        observe(minutes(2));

        // THEN three with their evidence, then the count
        List<Invariants.Violation> violations = watch.violations();
        assertEquals(WorldWatch.KEPT_PER_INVARIANT + 1, violations.size(), violations.toString());
        assertEquals("and 2 more", violations.getLast().detail());
    }
}
