package dev.k3sautoscaler.lifecycle;

import dev.k3sautoscaler.core.lifecycle.LifecycleWording;
import dev.k3sautoscaler.core.lifecycle.ObservedInstance;
import dev.k3sautoscaler.core.lifecycle.ObservedNode;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import dev.k3sautoscaler.core.lifecycle.ReconcileObservation;
import dev.k3sautoscaler.core.lifecycle.ReconcilePlan;
import dev.k3sautoscaler.core.lifecycle.ReconcileRules;
import dev.k3sautoscaler.core.lifecycle.ReconcileSummary;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.fleet.InstanceInventory;
import dev.k3sautoscaler.fleet.TerminateWorkersOutput;
import dev.k3sautoscaler.kube.NodeInventory;
import dev.k3sautoscaler.kube.NodeInventory.GhostDeletion;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observe the three views, plan with {@link ReconcileRules}, carry the plan out. Each action is
 * idempotent: an instance already gone is not terminated again, a Node already gone is done, so a
 * retried or repeated run changes nothing further.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final InstanceInventory fleet;
    private final NodeInventory nodes;
    private final Duration joinTimeout;
    private final Duration claimOutlived;
    private final Clock clock;

    Reconciler(InstanceInventory fleet, NodeInventory nodes, Duration joinTimeout, Duration claimOutlived, Clock clock) {
        this.fleet = fleet;
        this.nodes = nodes;
        this.joinTimeout = joinTimeout;
        this.claimOutlived = claimOutlived;
        this.clock = clock;
    }

    ReconcileWorkersOutput reconcile(ReconcileWorkersInput input) {
        ReconcileObservation seen = observe(input.pendingLaunches(), input.interrupted(clock.instant()));
        ReconcilePlan plan = ReconcileRules.plan(seen);
        if (!input.acts()) {
            plan.actions().forEach(action -> LOG.info("would have {}", LifecycleWording.action(action)));
            ReconcileSummary summary = plan.observedOnlySummary();
            return new ReconcileWorkersOutput(plan.fleetAsObserved(), actions(plan.actions()), false, null,
                    LifecycleWording.summary(summary), summary.code());
        }
        Set<String> terminated = terminate(input.execution(), plan);
        Set<String> deletedNodes = deleteGhosts(plan);
        Set<String> released = releaseStaleClaims(plan, seen.nodes());
        List<ReconcileAction> done = plan.actions().stream().filter(action -> switch (action.kind()) {
            case TERMINATE_INSTANCE -> terminated.contains(action.target());
            case DELETE_NODE -> deletedNodes.contains(action.target());
            case RELEASE_CLAIM -> released.contains(action.target());
            case ADOPT_LAUNCH, CLEAR_LAUNCH, HOLD_TERMINATION -> true;
        }).toList();
        ReconcilePlan carriedOut = new ReconcilePlan(done, plan.addPendingLaunches(), plan.clearPendingLaunches(),
                plan.fleet(), plan.fleetAsObserved(), plan.billed(), plan.readyWorkers());
        done.forEach(action -> LOG.info(LifecycleWording.action(action)));
        tellTheCluster(done);
        int count = terminated.size() + deletedNodes.size() + released.size();
        boolean recordNeeded = carriedOut.stateChanges() || count > 0;
        ReconcileSummary summary = carriedOut.summary();
        String reason = LifecycleWording.summary(summary);
        Outcome outcome = recordNeeded ? new Outcome(OutcomeAction.RECONCILE, OutcomeResult.SUCCEEDED, count,
                instanceIds(done), reason, null, plan.addPendingLaunches(), plan.clearPendingLaunches(), List.of()) : null;
        return new ReconcileWorkersOutput(plan.fleet(), actions(done), recordNeeded, outcome, reason, summary.code());
    }

    /**
     * EC2 first, then the Nodes, then by id every instance a worker's Node or a pending launch names
     * that the first list did not hold: "gone" then rests on EC2's own answer, never on absence from a list.
     */
    private ReconcileObservation observe(List<PendingLaunch> pendingLaunches, Set<String> interrupted) {
        List<ObservedInstance> instances = new ArrayList<>(fleet.managed());
        List<ObservedNode> seenNodes = nodes.nodes();
        Set<String> listed = new HashSet<>(instances.stream().map(ObservedInstance::instanceId).toList());
        Set<String> lookUp = new LinkedHashSet<>();
        // No rule acts on the control plane's machine: looking it up would be one more EC2 call every tick.
        seenNodes.stream().filter(node -> !node.controlPlane()).map(ObservedNode::instanceId).forEach(lookUp::add);
        pendingLaunches.stream().map(PendingLaunch::instanceId).forEach(lookUp::add);
        lookUp.removeIf(id -> id == null || listed.contains(id) || !ReconcileWorkersInput.INSTANCE_ID.matcher(id).matches());
        if (!lookUp.isEmpty()) {
            instances.addAll(fleet.byIds(lookUp));
        }
        return new ReconcileObservation(instances, seenNodes, pendingLaunches, clock.instant(), joinTimeout,
                fleet.clusterId(), claimOutlived, interrupted);
    }

    /** One TerminateInstances call, after TerminateWorkers' own tag checks; returns what EC2 was asked to stop now. */
    private Set<String> terminate(String execution, ReconcilePlan plan) {
        List<String> ids = plan.instancesToTerminate();
        if (ids.isEmpty()) {
            return Set.of();
        }
        TerminateWorkersOutput output = fleet.terminate(execution, ids, "reconcile: " + String.join(", ", ids));
        return new LinkedHashSet<>(output.terminated());
    }

    /** Events for kubectl users; a failure there never undoes or fails the reconcile. */
    private void tellTheCluster(List<ReconcileAction> done) {
        try {
            nodes.tell(done.stream().filter(action -> action.kind().changesCluster()).toList());
        } catch (RuntimeException e) {
            LOG.warn("Could not write the reconcile's events: {}", e.getClass().getSimpleName());
        }
    }

    private Set<String> deleteGhosts(ReconcilePlan plan) {
        Set<String> deleted = new LinkedHashSet<>();
        plan.actions().stream().filter(action -> action.kind() == Kind.DELETE_NODE).forEach(action -> {
            if (nodes.deleteGhost(action.target(), action.counterpart()) == GhostDeletion.DELETED) {
                deleted.add(action.target());
            }
        });
        return deleted;
    }

    /** Each stale claim given back only if the node still carries the claim the plan was made on. */
    private Set<String> releaseStaleClaims(ReconcilePlan plan, List<ObservedNode> seenNodes) {
        Set<String> released = new LinkedHashSet<>();
        plan.actions().stream().filter(action -> action.kind() == Kind.RELEASE_CLAIM).forEach(action -> {
            ObservedNode.Claim observed = seenNodes.stream().filter(n -> n.name().equals(action.target()))
                    .map(ObservedNode::claim).findFirst().orElse(null);
            if (observed != null && nodes.releaseStaleClaim(action.target(), observed)) {
                released.add(action.target());
            }
        });
        return released;
    }

    private static List<String> instanceIds(List<ReconcileAction> done) {
        Set<String> ids = new LinkedHashSet<>();
        done.forEach(action -> ids.add(action.kind() == Kind.DELETE_NODE || action.kind() == Kind.RELEASE_CLAIM
                ? action.counterpart() : action.target()));
        return List.copyOf(ids);
    }

    private static List<ReconcileWorkersOutput.Action> actions(List<ReconcileAction> actions) {
        return actions.stream().map(ReconcileWorkersOutput.Action::of).toList();
    }
}
