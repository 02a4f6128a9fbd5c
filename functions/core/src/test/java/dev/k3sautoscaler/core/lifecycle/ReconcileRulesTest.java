package dev.k3sautoscaler.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Reason;
import dev.k3sautoscaler.core.model.PendingLaunch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReconcileRulesTest {
    static final String CLUSTER = "demo";
    static final Duration TIMEOUT = Duration.ofSeconds(600);
    static final Instant NOW = Instant.parse("2026-11-23T10:20:00Z");
    /** Launched past JOIN_TIMEOUT_SEC (20 min ago). */
    static final Instant OLD = NOW.minus(Duration.ofMinutes(20));
    /** Launched 2 minutes ago: only ever adopted. */
    static final Instant YOUNG = NOW.minus(Duration.ofMinutes(2));

    // ---- hand-made world ---------------------------------------------------------------------

    /** Ours: managed=true, cluster=demo, not the master. */
    static ObservedInstance ours(String id, InstanceState state, Instant launched) {
        return new ObservedInstance(id, state, launched, "t3.small", "eu-west-1a", "on-demand", true, CLUSTER, false);
    }

    static ObservedInstance running(String id, Instant launched) {
        return ours(id, InstanceState.RUNNING, launched);
    }

    static ObservedInstance tagged(String id, boolean managed, String cluster, boolean master) {
        return new ObservedInstance(id, InstanceState.RUNNING, OLD, "t3.small", "eu-west-1a", "on-demand", managed,
                cluster, master);
    }

    static ObservedNode ready(String name, String instanceId) {
        return new ObservedNode(name, instanceId, true, OLD, false);
    }

    static ObservedNode notReady(String name, String instanceId, Instant since) {
        return new ObservedNode(name, instanceId, false, since, false);
    }

    /** Past it, no execution can still own a scale-down's claim (DRAIN_TIMEOUT_SEC + LOCK_TTL_SEC + wind-down). */
    static final Duration CLAIM_OUTLIVED = Duration.ofMinutes(15);

    /** A Ready Node a scale-down drained at {@code at} and left cordoned. */
    static ObservedNode drained(String name, String instanceId, Instant at) {
        return new ObservedNode(name, instanceId, true, OLD, false, new ObservedNode.Claim("scale-down", at, at));
    }

    /** A Ready Node cordoned for {@code purpose} at {@code at}, not drained yet. */
    static ObservedNode claimed(String name, String instanceId, String purpose, Instant at) {
        return new ObservedNode(name, instanceId, true, OLD, false, new ObservedNode.Claim(purpose, at, null));
    }

    static PendingLaunch launch(String id, Instant at) {
        return new PendingLaunch(id, "t3.small", "eu-west-1a", at);
    }

    static final class World {
        final List<ObservedInstance> instances = new ArrayList<>();
        final List<ObservedNode> nodes = new ArrayList<>();
        final List<PendingLaunch> pending = new ArrayList<>();
        final java.util.Set<String> interrupted = new java.util.HashSet<>();

        World instance(ObservedInstance instance) {
            instances.add(instance);
            return this;
        }

        World node(ObservedNode node) {
            nodes.add(node);
            return this;
        }

        World pending(PendingLaunch launch) {
            pending.add(launch);
            return this;
        }

        /** A Spot drain handed it back to EC2 (the state holds it blocked as interrupted). */
        World interrupted(String instanceId) {
            interrupted.add(instanceId);
            return this;
        }

        ReconcilePlan plan() {
            return ReconcileRules.plan(new ReconcileObservation(instances, nodes, pending, NOW, TIMEOUT, CLUSTER,
                    CLAIM_OUTLIVED, interrupted));
        }
    }

    static World world() {
        return new World();
    }

    /** An action by its codes only: the words have their own golden test. */
    record Act(Kind kind, String target, Reason reason) {
        static Act of(ReconcileAction action) {
            return new Act(action.kind(), action.target(), action.reason());
        }

        @Override
        public String toString() {
            return kind + " " + target + " " + reason;
        }
    }

    static Act act(Kind kind, String target, Reason reason) {
        return new Act(kind, target, reason);
    }

    record Case(String rule, World world, List<Act> expected) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Case when(String rule, World world, Act... expected) {
        return new Case(rule, world, List.of(expected));
    }

    // ---- every rule ---------------------------------------------------------------------------

    static Stream<Case> rules() {
        return Stream.of(
                when("pending launch with a Ready Node: cleared as joined",
                        world().pending(launch("i-1", YOUNG)).instance(running("i-1", YOUNG)).node(ready("w1", "i-1")),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.JOINED)),
                when("pending launch with a Ready Node but not looked up in EC2: still cleared",
                        world().pending(launch("i-1", YOUNG)).node(ready("w1", "i-1")),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.JOINED)),
                when("pending launch past the timeout, running, no Node: terminated and cleared",
                        world().pending(launch("i-1", OLD)).instance(running("i-1", OLD)),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED)),
                when("pending launch past the timeout, still pending in EC2: terminated and cleared",
                        world().pending(launch("i-1", OLD)).instance(ours("i-1", InstanceState.PENDING, OLD)),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED)),
                when("pending launch past the timeout with a NotReady Node: terminated and cleared",
                        world().pending(launch("i-1", OLD)).instance(running("i-1", OLD))
                                .node(notReady("w1", "i-1", YOUNG)),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED)),
                when("pending launch past the timeout, stopped: cleared, not terminated",
                        world().pending(launch("i-1", OLD)).instance(ours("i-1", InstanceState.STOPPED, OLD)),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED)),
                when("pending launch still within the timeout, no Node: left in flight",
                        world().pending(launch("i-1", YOUNG)).instance(running("i-1", YOUNG))),
                when("pending launch shutting-down: cleared",
                        world().pending(launch("i-1", YOUNG)).instance(ours("i-1", InstanceState.SHUTTING_DOWN, YOUNG)),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.LAUNCH_GONE)),
                when("pending launch terminated: cleared",
                        world().pending(launch("i-1", OLD)).instance(ours("i-1", InstanceState.TERMINATED, OLD)),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.LAUNCH_GONE)),
                when("pending launch not-found past the timeout: cleared",
                        world().pending(launch("i-1", OLD)).instance(ObservedInstance.notFound("i-1")),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.LAUNCH_GONE)),
                when("pending launch not-found while young (EC2 is eventually consistent): left in flight",
                        world().pending(launch("i-1", YOUNG)).instance(ObservedInstance.notFound("i-1"))),
                when("pending launch not looked up: left alone",
                        world().pending(launch("i-1", OLD))),
                when("untracked instance of ours, young, no Node: adopted",
                        world().instance(running("i-1", YOUNG)),
                        act(Kind.ADOPT_LAUNCH, "i-1", Reason.UNTRACKED_LAUNCH)),
                when("untracked instance of ours, young, no Node, Spot-drained (EC2 reclaims it): not adopted",
                        world().instance(running("i-1", YOUNG)).interrupted("i-1")),
                when("untracked instance of ours, old, no Node, Spot-drained: terminated as before",
                        world().instance(running("i-1", OLD)).interrupted("i-1"),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NO_NODE)),
                when("untracked instance of ours, still pending in EC2: adopted",
                        world().instance(ours("i-1", InstanceState.PENDING, YOUNG)),
                        act(Kind.ADOPT_LAUNCH, "i-1", Reason.UNTRACKED_LAUNCH)),
                when("untracked instance of ours, old, no Node: terminated",
                        world().instance(running("i-1", OLD)),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NO_NODE)),
                when("untracked instance of ours whose Node is NotReady for the timeout: terminated",
                        world().instance(running("i-1", OLD)).node(notReady("w1", "i-1", NOW.minus(TIMEOUT))),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NODE_NOT_READY)),
                when("untracked instance of ours whose Node is NotReady for less (a kubelet restart): left alone",
                        world().instance(running("i-1", OLD)).node(notReady("w1", "i-1", NOW.minusSeconds(599)))),
                when("NotReady Node that never reported when its Ready condition changed: left alone",
                        world().instance(running("i-1", OLD)).node(notReady("w1", "i-1", null))),
                when("untracked instance of ours with a Ready Node: left alone",
                        world().instance(running("i-1", OLD)).node(ready("w1", "i-1"))),
                when("stopped instance of ours, untracked, no Node: left alone",
                        world().instance(ours("i-1", InstanceState.STOPPED, OLD))),
                when("NotReady Node whose instance is terminated: deleted (a ghost)",
                        world().instance(ours("i-1", InstanceState.TERMINATED, OLD)).node(notReady("w1", "i-1", YOUNG)),
                        act(Kind.DELETE_NODE, "w1", Reason.INSTANCE_GONE)),
                when("NotReady Node whose instance is shutting-down: deleted",
                        world().instance(ours("i-1", InstanceState.SHUTTING_DOWN, OLD)).node(notReady("w1", "i-1", YOUNG)),
                        act(Kind.DELETE_NODE, "w1", Reason.INSTANCE_GONE)),
                when("NotReady Node whose instance EC2 does not know: deleted",
                        world().instance(ObservedInstance.notFound("i-1")).node(notReady("w1", "i-1", YOUNG)),
                        act(Kind.DELETE_NODE, "w1", Reason.INSTANCE_GONE)),
                when("NotReady Node of a gone instance that is not ours (EC2 is the evidence): deleted",
                        world().instance(new ObservedInstance("i-1", InstanceState.TERMINATED, OLD, "t3.small",
                                "eu-west-1a", "on-demand", false, null, false)).node(notReady("w1", "i-1", YOUNG)),
                        act(Kind.DELETE_NODE, "w1", Reason.INSTANCE_GONE)),
                when("Ready Node whose instance EC2 reports terminated: left alone (its kubelet still answers)",
                        world().instance(ours("i-1", InstanceState.TERMINATED, OLD)).node(ready("w1", "i-1"))),
                when("NotReady Node without a providerID: left alone",
                        world().node(notReady("w1", null, OLD))),
                when("NotReady Node whose instance was not looked up: left alone",
                        world().node(notReady("w1", "i-1", OLD))),
                when("three of six workers without a Node (max(3, 45 %) = 3): terminated",
                        world().instance(running("i-1", OLD)).instance(running("i-2", OLD)).instance(running("i-3", OLD))
                                .instance(running("i-4", OLD)).node(ready("w4", "i-4"))
                                .instance(running("i-5", OLD)).node(ready("w5", "i-5"))
                                .instance(running("i-6", OLD)).node(ready("w6", "i-6")),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NO_NODE),
                        act(Kind.TERMINATE_INSTANCE, "i-2", Reason.NO_NODE),
                        act(Kind.TERMINATE_INSTANCE, "i-3", Reason.NO_NODE)),
                when("four of six workers without a Ready Node (a bootstrap that stopped setting providerID, a network"
                                + " fault): every termination held back, none carried out",
                        world().instance(running("i-1", OLD)).instance(running("i-2", OLD)).instance(running("i-3", OLD))
                                .instance(running("i-4", OLD)).node(notReady("w4", "i-4", NOW.minus(TIMEOUT)))
                                .instance(running("i-5", OLD)).node(ready("w5", "i-5"))
                                .instance(running("i-6", OLD)).node(ready("w6", "i-6")),
                        act(Kind.HOLD_TERMINATION, "i-1", Reason.NO_NODE),
                        act(Kind.HOLD_TERMINATION, "i-2", Reason.NO_NODE),
                        act(Kind.HOLD_TERMINATION, "i-3", Reason.NO_NODE),
                        act(Kind.HOLD_TERMINATION, "i-4", Reason.NODE_NOT_READY)),
                when("many never-joined launches are still terminated: they were never workers",
                        world().pending(launch("i-1", OLD)).instance(running("i-1", OLD))
                                .pending(launch("i-2", OLD)).instance(running("i-2", OLD))
                                .pending(launch("i-3", OLD)).instance(running("i-3", OLD))
                                .pending(launch("i-4", OLD)).instance(running("i-4", OLD)),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.NEVER_JOINED),
                        act(Kind.TERMINATE_INSTANCE, "i-2", Reason.NEVER_JOINED),
                        act(Kind.TERMINATE_INSTANCE, "i-3", Reason.NEVER_JOINED),
                        act(Kind.TERMINATE_INSTANCE, "i-4", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-2", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-3", Reason.NEVER_JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-4", Reason.NEVER_JOINED)),
                when("a worker a scale-down drained and could not terminate, DRAINED_GRACE ago: terminated, Node deleted",
                        world().instance(running("i-1", OLD)).node(drained("w1", "i-1",
                                NOW.minus(ReconcileRules.DRAINED_GRACE))),
                        act(Kind.TERMINATE_INSTANCE, "i-1", Reason.DRAINED_NOT_TERMINATED),
                        act(Kind.DELETE_NODE, "w1", Reason.DRAINED_NOT_TERMINATED)),
                when("a scale-down's cordon older than any execution that could own it (a lease lost mid-drain): uncordoned",
                        world().instance(running("i-1", OLD)).node(claimed("w1", "i-1", "scale-down",
                                NOW.minus(CLAIM_OUTLIVED))),
                        act(Kind.RELEASE_CLAIM, "w1", Reason.STALE_DRAIN_CLAIM)),
                when("a pending launch that joined, one never joined, a ghost and an adoption, all at once",
                        world().pending(launch("i-1", YOUNG)).instance(running("i-1", YOUNG)).node(ready("w1", "i-1"))
                                .pending(launch("i-2", OLD)).instance(running("i-2", OLD))
                                .instance(ours("i-3", InstanceState.TERMINATED, OLD)).node(notReady("w3", "i-3", YOUNG))
                                .instance(running("i-4", YOUNG)),
                        act(Kind.TERMINATE_INSTANCE, "i-2", Reason.NEVER_JOINED),
                        act(Kind.DELETE_NODE, "w3", Reason.INSTANCE_GONE),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.JOINED),
                        act(Kind.CLEAR_LAUNCH, "i-2", Reason.NEVER_JOINED),
                        act(Kind.ADOPT_LAUNCH, "i-4", Reason.UNTRACKED_LAUNCH)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void rule(Case c) {
        // GIVEN the case's three views / WHEN planned
        ReconcilePlan plan = c.world().plan();

        // THEN exactly the expected actions, terminations and Node deletions first
        assertEquals(c.expected(), plan.actions().stream().map(Act::of).toList(), c.rule());
    }

    // ---- every "never" ------------------------------------------------------------------------

    static Stream<Case> nevers() {
        return Stream.of(
                when("never an instance without the managed tag",
                        world().instance(tagged("i-1", false, CLUSTER, false))),
                when("never an instance without the cluster tag",
                        world().instance(tagged("i-1", true, null, false))),
                when("never another cluster's instance",
                        world().instance(tagged("i-1", true, "other", false))),
                when("never the master, even tagged managed and with this cluster",
                        world().instance(tagged("i-1", true, CLUSTER, true))),
                when("never the master as a pending launch past the timeout (cleared, not terminated)",
                        world().pending(launch("i-1", OLD)).instance(tagged("i-1", true, CLUSTER, true)),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED)),
                when("never an instance younger than the timeout, even if its launch record says it is overdue",
                        world().pending(launch("i-1", OLD)).instance(running("i-1", YOUNG)),
                        act(Kind.CLEAR_LAUNCH, "i-1", Reason.NEVER_JOINED)),
                when("never an instance younger than the timeout whose Node is NotReady for long",
                        world().instance(running("i-1", NOW.minusSeconds(599))).node(notReady("w1", "i-1", OLD))),
                when("never an instance without a launch time",
                        world().instance(running("i-1", null))),
                when("never an instance with a Ready Node, even beside a NotReady one",
                        world().instance(running("i-1", OLD)).node(ready("w1", "i-1")).node(notReady("w2", "i-1", OLD))),
                when("never a drained worker within DRAINED_GRACE: its scale-down may still be terminating it",
                        world().instance(running("i-1", OLD)).node(drained("w1", "i-1",
                                NOW.minus(ReconcileRules.DRAINED_GRACE).plusSeconds(1)))),
                when("never a drain claim an execution may still own",
                        world().instance(running("i-1", OLD)).node(claimed("w1", "i-1", "scale-down",
                                NOW.minus(CLAIM_OUTLIVED).plusSeconds(1)))),
                when("never a Spot interruption's claim: its drain deletes the Node, EC2 reclaims the instance",
                        world().instance(running("i-1", OLD)).node(claimed("w1", "i-1", "spot-interruption", OLD))),
                when("never a claim without a time (an earlier version's cordon): its age is unknown",
                        world().instance(running("i-1", OLD)).node(new ObservedNode("w1", "i-1", true, OLD, false,
                                new ObservedNode.Claim("scale-down", null, null)))),
                when("never another cluster's drained-looking Node",
                        world().instance(tagged("i-1", true, "other", false)).node(drained("w1", "i-1", OLD))),
                when("never a control-plane Node, even NotReady with its instance gone",
                        world().instance(ObservedInstance.notFound("i-m"))
                                .node(new ObservedNode("master", "i-m", false, OLD, true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nevers")
    void never(Case c) {
        // GIVEN the case / WHEN planned
        ReconcilePlan plan = c.world().plan();

        // THEN nothing is terminated or deleted beyond what the case allows
        assertEquals(c.expected(), plan.actions().stream().map(Act::of).toList(), c.rule());
        assertTrue(plan.instancesToTerminate().isEmpty(), c.rule());
        assertTrue(plan.nodesToDelete().isEmpty(), c.rule());
    }

    @Test
    void theGate_refusesEveryForbiddenInstance_andAllowsAnOldManagedWorkerWithoutReadyNode() {
        ReconcileObservation seen = new ReconcileObservation(List.of(), List.of(), List.of(), NOW, TIMEOUT, CLUSTER,
                CLAIM_OUTLIVED, java.util.Set.of());
        assertTrue(ReconcileRules.mayTerminate(running("i-1", OLD), List.of(), seen));
        assertFalse(ReconcileRules.mayTerminate(running("i-1", YOUNG), List.of(), seen), "young");
        assertFalse(ReconcileRules.mayTerminate(running("i-1", OLD), List.of(ready("w1", "i-1")), seen), "Ready Node");
        assertFalse(ReconcileRules.mayTerminate(tagged("i-1", true, CLUSTER, true), List.of(), seen), "master");
        assertFalse(ReconcileRules.mayTerminate(tagged("i-1", false, CLUSTER, false), List.of(), seen), "unmanaged");
        assertFalse(ReconcileRules.mayTerminate(tagged("i-1", true, "other", false), List.of(), seen), "foreign");
        assertFalse(ReconcileRules.mayTerminate(ours("i-1", InstanceState.STOPPED, OLD), List.of(), seen), "stopped");
    }

    // ---- adoption, the fleet view, the state write, the summary -------------------------------

    @Test
    void adoption_recordsTheInstanceAsLaunchedAtItsLaunchTime() {
        // GIVEN a young instance of ours that no launch record names (a crash before RecordLaunch)
        ReconcilePlan plan = world().instance(running("i-1", YOUNG)).plan();

        // THEN it becomes a pending launch from its own launch time, and the state must be written
        assertEquals(List.of(new PendingLaunch("i-1", "t3.small", "eu-west-1a", YOUNG)), plan.addPendingLaunches());
        assertTrue(plan.stateChanges());
        assertEquals(List.of("i-1"), plan.fleet().billedInstanceIds());
    }

    @Test
    void fleet_namesOurWorkersWhoseNodeTurnedReadyMomentsAgo() {
        // GIVEN a worker Ready for 30 s, one Ready for 20 min, one joining, and a foreign machine Ready for 30 s
        Instant moments = NOW.minusSeconds(30);
        ReconcilePlan plan = world()
                .instance(running("i-1", YOUNG)).node(new ObservedNode("w1", "i-1", true, moments, false))
                .instance(running("i-2", OLD)).node(ready("w2", "i-2"))
                .instance(running("i-3", YOUNG)).node(notReady("w3", "i-3", moments))
                .instance(tagged("i-4", false, CLUSTER, false)).node(new ObservedNode("w4", "i-4", true, moments, false))
                .plan();

        // THEN only ours, just Ready, is named: the metrics may show it a scrape later
        assertEquals(List.of("i-1"), plan.fleet().justReadyInstanceIds());
    }

    @Test
    void fleet_billsOurLiveInstancesAfterTheTerminations_plusLaunchesNotYetVisible() {
        // GIVEN two Ready workers, one never-joined launch, a launch EC2 does not show yet, the master, a foreign
        // instance, a stopped worker and a ghost Node
        ReconcilePlan plan = world()
                .instance(running("i-1", OLD)).node(ready("w1", "i-1"))
                .instance(running("i-2", OLD)).node(ready("w2", "i-2"))
                .pending(launch("i-3", OLD)).instance(running("i-3", OLD))
                .pending(launch("i-4", YOUNG)).instance(ObservedInstance.notFound("i-4"))
                .instance(tagged("i-m", true, CLUSTER, true)).node(new ObservedNode("master", "i-m", true, OLD, true))
                .instance(tagged("i-x", true, "other", false))
                .instance(ours("i-5", InstanceState.STOPPED, OLD))
                .instance(ours("i-6", InstanceState.TERMINATED, OLD)).node(notReady("w6", "i-6", YOUNG))
                .plan();

        // THEN billed: the two workers and the launch in flight, not the terminated one; gone: the ghost's instance
        assertEquals(List.of("i-1", "i-2", "i-4"), plan.fleet().billedInstanceIds());
        assertEquals(List.of("i-6"), plan.fleet().goneInstanceIds());
        assertTrue(plan.fleet().observed());
        // AND as observed (nothing done), the never-joined instance is still billed
        assertEquals(List.of("i-1", "i-2", "i-3", "i-4"), plan.fleetAsObserved().billedInstanceIds());
        assertEquals(3, plan.billed());
        assertEquals(2, plan.readyWorkers(), "the master is not a worker");
    }

    @Test
    void fleet_countsAnInstanceThisPlanTerminates_asGone_whenANodeNamesIt() {
        ReconcilePlan plan = world().instance(running("i-1", OLD)).node(notReady("w1", "i-1", OLD)).plan();

        assertEquals(List.of("i-1"), plan.instancesToTerminate());
        assertEquals(List.of(), plan.fleet().billedInstanceIds());
        assertEquals(List.of("i-1"), plan.fleet().goneInstanceIds());
        assertEquals(List.of(), plan.fleetAsObserved().goneInstanceIds());
    }

    @Test
    void stateChanges_onlyWhenLaunchesAreAddedOrCleared() {
        assertFalse(world().instance(running("i-1", OLD)).plan().stateChanges(), "a termination alone");
        assertFalse(world().instance(ours("i-1", InstanceState.TERMINATED, OLD)).node(notReady("w1", "i-1", OLD))
                .plan().stateChanges(), "a Node deletion alone");
        assertTrue(world().pending(launch("i-1", OLD)).instance(ObservedInstance.notFound("i-1")).plan().stateChanges());
    }

    @Test
    void summary_isNothingToReconcile_withTheCounts() {
        ReconcilePlan plan = world()
                .instance(running("i-1", OLD)).node(ready("w1", "i-1"))
                .instance(running("i-2", OLD)).node(ready("w2", "i-2"))
                .instance(running("i-3", OLD)).node(ready("w3", "i-3"))
                .plan();

        assertTrue(plan.nothingToDo());
        assertEquals(new ReconcileSummary.NothingToReconcile(3, 3), plan.summary());
        assertEquals(new ReconcileSummary.NothingToReconcile(3, 3), plan.observedOnlySummary());
    }

    @Test
    void summary_carriesWhatWasDone_andTheCounts() {
        ReconcilePlan plan = world()
                .pending(launch("i-1", YOUNG)).instance(running("i-1", YOUNG)).node(ready("w1", "i-1"))
                .pending(launch("i-2", OLD)).instance(running("i-2", OLD))
                .instance(ours("i-3", InstanceState.TERMINATED, OLD)).node(notReady("w3", "i-3", YOUNG))
                .instance(running("i-4", YOUNG))
                .plan();

        assertEquals(new ReconcileSummary.Reconciled(plan.actions(), 2, 1), plan.summary());
        assertEquals(new ReconcileSummary.ObservedOnly(plan.actions(), 2, 1), plan.observedOnlySummary());
        assertEquals(List.of("i-2 TERMINATE_INSTANCE", "w3 DELETE_NODE", "i-1 CLEAR_LAUNCH", "i-2 CLEAR_LAUNCH",
                "i-4 ADOPT_LAUNCH"), plan.actions().stream().map(a -> a.target() + " " + a.kind()).toList());
    }

    @Test
    void instanceState_readsEc2Names() {
        assertEquals(InstanceState.SHUTTING_DOWN, InstanceState.fromEc2("shutting-down"));
        assertEquals("shutting-down", InstanceState.SHUTTING_DOWN.ec2Name());
        assertTrue(InstanceState.NOT_FOUND.gone());
        assertFalse(InstanceState.STOPPED.alive());
    }
}
