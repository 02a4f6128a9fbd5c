package dev.k3sautoscaler.core.lifecycle;

import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Kind;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction.Reason;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.PendingLaunch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The per-tick reconcile of EC2, Nodes and recorded launches. It runs without the scaling lock and
 * is race-free against actuations by age: an instance younger than JOIN_TIMEOUT_SEC is only ever
 * adopted, an instance with a Ready Node is never touched, and a Node is deleted only when NotReady
 * and EC2 reports its machine gone. Every termination passes {@link #mayTerminate}, whatever rule
 * asked for it.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>seen</th><th>does</th></tr>
 *   <tr><td>pending launch with a Ready Node</td><td>clear (JOINED)</td></tr>
 *   <tr><td>pending launch shutting-down / terminated, or not-found past JOIN_TIMEOUT_SEC</td><td>clear (LAUNCH_GONE)</td></tr>
 *   <tr><td>pending launch not Ready at launchedAt + JOIN_TIMEOUT_SEC</td><td>terminate if pending/running, and clear (NEVER_JOINED)</td></tr>
 *   <tr><td>our instance, untracked, no Node, younger than JOIN_TIMEOUT_SEC</td><td>adopt (UNTRACKED_LAUNCH)</td></tr>
 *   <tr><td>our instance, untracked, no Node, younger, Spot-drained (EC2 reclaims it)</td><td>nothing</td></tr>
 *   <tr><td>our instance, untracked, no Node, older</td><td>terminate (NO_NODE)</td></tr>
 *   <tr><td>our instance, untracked, Node NotReady for JOIN_TIMEOUT_SEC or longer</td><td>terminate (NODE_NOT_READY)</td></tr>
 *   <tr><td>worker Node NotReady, its instance shutting-down / terminated / not-found</td><td>delete the Node (INSTANCE_GONE)</td></tr>
 *   <tr><td>our instance whose Node a scale-down drained {@link #DRAINED_GRACE} ago or more</td><td>terminate, delete the Node (DRAINED_NOT_TERMINATED)</td></tr>
 *   <tr><td>a Node under a scale-down's or rebalance's claim, not drained, claimed longer ago than any owner could live</td><td>uncordon it (STALE_DRAIN_CLAIM)</td></tr>
 *   <tr><td>more NO_NODE / NODE_NOT_READY terminations than max(3, 45 % of our live instances)</td><td>hold them all back (HOLD_TERMINATION)</td></tr>
 * </table>
 */
public final class ReconcileRules {
    /**
     * Workers that may be without a Ready Node at once before the reconcile stops terminating them
     * for it (the larger of this count and {@link #MOST_UNREADY_SHARE} of our live instances): many at
     * once is a cluster-wide fault — the API server, the network, a bootstrap that stopped setting
     * providerID — not lost machines, and terminating them all would take the cluster down. The same
     * bounds as Cluster Autoscaler's ok-total-unready-count and max-total-unready-percentage.
     */
    static final int OK_UNREADY_COUNT = 3;
    static final double MOST_UNREADY_SHARE = 0.45;

    /**
     * How long a Node a scale-down found empty may stay before the reconcile finishes the job: longer
     * than the termination step's every retry (its idempotency wait included), so an actuation still
     * terminating it is never raced.
     */
    public static final Duration DRAINED_GRACE = Duration.ofMinutes(15);

    /**
     * How long after a Node turns Ready the metrics may still show it as not: a 15 s scrape of
     * kube-state-metrics, the rules' evaluation, a slow scrape or two more. Generous on purpose: once
     * the metrics do show it Ready, Decide counts it from them and ignores this.
     */
    static final Duration METRICS_CATCH_UP = Duration.ofMinutes(2);

    private ReconcileRules() {
    }

    public static ReconcilePlan plan(ReconcileObservation seen) {
        Duration timeout = seen.joinTimeout();
        Instant now = seen.now();
        Map<String, ObservedInstance> instances = new LinkedHashMap<>();
        seen.instances().forEach(i -> instances.putIfAbsent(i.instanceId(), i));
        Map<String, List<ObservedNode>> nodesByInstance = new LinkedHashMap<>();
        seen.nodes().stream().filter(n -> n.instanceId() != null)
                .forEach(n -> nodesByInstance.computeIfAbsent(n.instanceId(), id -> new ArrayList<>()).add(n));

        List<ReconcileAction> terminate = new ArrayList<>();
        List<ReconcileAction> deleteNodes = new ArrayList<>();
        List<ReconcileAction> bookkeeping = new ArrayList<>();
        List<PendingLaunch> adopt = new ArrayList<>();
        Set<String> clear = new LinkedHashSet<>();
        Set<String> pendingIds = new LinkedHashSet<>();

        for (PendingLaunch launch : seen.pendingLaunches()) {
            String id = launch.instanceId();
            pendingIds.add(id);
            ObservedInstance instance = instances.get(id);
            Optional<ObservedNode> ready = readyNode(nodesByInstance.get(id));
            if (ready.isPresent()) {
                clear.add(id);
                bookkeeping.add(new ReconcileAction(Kind.CLEAR_LAUNCH, id, Reason.JOINED, launch.launchedAt(), timeout,
                        ready.get().name(), null));
                continue;
            }
            if (instance == null) {
                continue; // not looked up: nothing is known, nothing is done
            }
            boolean overdue = launch.launchedAt() != null && !now.isBefore(launch.launchedAt().plus(timeout));
            InstanceState state = instance.state();
            if (state == InstanceState.SHUTTING_DOWN || state == InstanceState.TERMINATED
                    || (state == InstanceState.NOT_FOUND && overdue)) {
                // A fresh launch can be not-found for a while: EC2's reads are eventually consistent.
                clear.add(id);
                bookkeeping.add(new ReconcileAction(Kind.CLEAR_LAUNCH, id, Reason.LAUNCH_GONE, launch.launchedAt(),
                        timeout, null, state));
            } else if (overdue && state != InstanceState.NOT_FOUND) {
                clear.add(id);
                bookkeeping.add(new ReconcileAction(Kind.CLEAR_LAUNCH, id, Reason.NEVER_JOINED, launch.launchedAt(),
                        timeout, null, state));
                if (mayTerminate(instance, nodesByInstance.get(id), seen)) {
                    terminate.add(new ReconcileAction(Kind.TERMINATE_INSTANCE, id, Reason.NEVER_JOINED,
                            launch.launchedAt(), timeout, null, state));
                }
            }
        }

        for (ObservedInstance instance : instances.values()) {
            String id = instance.instanceId();
            if (pendingIds.contains(id) || !instance.ours(seen.clusterId()) || !instance.state().alive()) {
                continue;
            }
            List<ObservedNode> nodes = nodesByInstance.getOrDefault(id, List.of());
            Optional<ObservedNode> drained = nodes.stream()
                    .filter(n -> n.drainedAt() != null && !now.isBefore(n.drainedAt().plus(DRAINED_GRACE))).findFirst();
            if (drained.isPresent()) {
                // Drained and cordoned by us: no pod left to lose, whatever its Ready condition says.
                terminate.add(new ReconcileAction(Kind.TERMINATE_INSTANCE, id, Reason.DRAINED_NOT_TERMINATED,
                        drained.get().drainedAt(), timeout, drained.get().name(), instance.state()));
                deleteNodes.add(new ReconcileAction(Kind.DELETE_NODE, drained.get().name(), Reason.DRAINED_NOT_TERMINATED,
                        drained.get().drainedAt(), timeout, id, instance.state()));
                continue;
            }
            if (readyNode(nodes).isPresent()) {
                continue;
            }
            if (nodes.isEmpty()) {
                if (instance.launchTime() == null) {
                    continue; // EC2 always reports one for a live instance; without it neither age nor a record is possible
                }
                if (!old(instance, seen) && seen.interrupted().contains(id)) {
                    continue; // Spot-drained, its Node deleted: EC2 reclaims it, so it is no launch to wait for
                }
                if (!old(instance, seen)) {
                    adopt.add(new PendingLaunch(id, instance.instanceType(), instance.availabilityZone(),
                            instance.launchTime()));
                    bookkeeping.add(new ReconcileAction(Kind.ADOPT_LAUNCH, id, Reason.UNTRACKED_LAUNCH,
                            instance.launchTime(), timeout, null, instance.state()));
                } else if (mayTerminate(instance, nodes, seen)) {
                    terminate.add(new ReconcileAction(Kind.TERMINATE_INSTANCE, id, Reason.NO_NODE,
                            instance.launchTime(), timeout, null, instance.state()));
                }
                continue;
            }
            // NotReady for less than the timeout is left alone: a kubelet restart, a brief network loss.
            Optional<ObservedNode> longNotReady = nodes.stream()
                    .filter(n -> n.readyChangedAt() != null && !now.isBefore(n.readyChangedAt().plus(timeout)))
                    .findFirst();
            if (longNotReady.isPresent() && mayTerminate(instance, nodes, seen)) {
                terminate.add(new ReconcileAction(Kind.TERMINATE_INSTANCE, id, Reason.NODE_NOT_READY,
                        longNotReady.get().readyChangedAt(), timeout, longNotReady.get().name(), instance.state()));
            }
        }

        for (ObservedNode node : seen.nodes()) {
            if (node.controlPlane() || node.ready() || node.instanceId() == null) {
                continue;
            }
            ObservedInstance instance = instances.get(node.instanceId());
            if (instance != null && instance.state().gone()) {
                deleteNodes.add(new ReconcileAction(Kind.DELETE_NODE, node.name(), Reason.INSTANCE_GONE,
                        node.readyChangedAt(), timeout, node.instanceId(), instance.state()));
            }
        }

        List<ReconcileAction> releaseClaims = new ArrayList<>();
        Set<String> retiring = new LinkedHashSet<>(deleteNodes.stream().map(ReconcileAction::target).toList());
        for (ObservedNode node : seen.nodes()) {
            ObservedNode.Claim claim = node.claim();
            boolean stale = claim != null && claim.voluntary() && claim.drainedAt() == null && claim.claimedAt() != null
                    && !now.isBefore(claim.claimedAt().plus(seen.claimOutlived()));
            if (stale && !node.controlPlane() && !retiring.contains(node.name())) {
                releaseClaims.add(new ReconcileAction(Kind.RELEASE_CLAIM, node.name(), Reason.STALE_DRAIN_CLAIM,
                        claim.claimedAt(), timeout, node.instanceId(), null));
            }
        }

        holdBackMassTermination(terminate, bookkeeping, instances.values(), seen);
        List<ReconcileAction> actions = new ArrayList<>(terminate);
        actions.addAll(deleteNodes);
        actions.addAll(releaseClaims);
        actions.addAll(bookkeeping);
        Set<String> terminated = new LinkedHashSet<>(terminate.stream().map(ReconcileAction::target).toList());
        List<String> stillPending = seen.pendingLaunches().stream().map(PendingLaunch::instanceId)
                .filter(id -> !clear.contains(id)).toList();
        FleetView after = fleet(seen, instances, nodesByInstance, stillPending, terminated);
        FleetView asObserved = fleet(seen, instances, nodesByInstance, List.copyOf(pendingIds), Set.of());
        int readyWorkers = (int) seen.nodes().stream().filter(n -> n.ready() && !n.controlPlane()).count();
        return new ReconcilePlan(actions, adopt, List.copyOf(clear), after, asObserved,
                after.billedInstanceIds().size(), readyWorkers);
    }

    /** Many running workers without a Ready Node at once: hold their terminations back (never-joined launches still go). */
    private static void holdBackMassTermination(List<ReconcileAction> terminate, List<ReconcileAction> bookkeeping,
                                                java.util.Collection<ObservedInstance> instances, ReconcileObservation seen) {
        List<ReconcileAction> lostNodes = terminate.stream()
                .filter(a -> a.reason() == Reason.NO_NODE || a.reason() == Reason.NODE_NOT_READY).toList();
        long live = instances.stream().filter(i -> i.ours(seen.clusterId()) && i.state().alive()).count();
        long allowed = Math.max(OK_UNREADY_COUNT, (long) Math.ceil(MOST_UNREADY_SHARE * live));
        if (lostNodes.size() <= allowed) {
            return;
        }
        terminate.removeAll(lostNodes);
        lostNodes.forEach(a -> bookkeeping.add(new ReconcileAction(Kind.HOLD_TERMINATION, a.target(), a.reason(),
                a.since(), a.joinTimeout(), a.counterpart(), a.instanceState())));
    }

    /**
     * The gate before terminating a worker that lost its Node: this cluster's managed worker (both tags,
     * not the master), pending or running, at least JOIN_TIMEOUT_SEC old by its own launch time, with no
     * Ready Node. A drained worker passes a gate of its own: ours and alive (the loop over our live
     * instances), drained by us longer than {@link #DRAINED_GRACE} ago.
     */
    static boolean mayTerminate(ObservedInstance instance, List<ObservedNode> nodes, ReconcileObservation seen) {
        return instance.ours(seen.clusterId())
                && instance.state().alive()
                && old(instance, seen)
                && readyNode(nodes).isEmpty();
    }

    private static boolean old(ObservedInstance instance, ReconcileObservation seen) {
        return instance.launchTime() != null && !seen.now().isBefore(instance.launchTime().plus(seen.joinTimeout()));
    }

    private static Optional<ObservedNode> readyNode(List<ObservedNode> nodes) {
        return nodes == null ? Optional.empty() : nodes.stream().filter(ObservedNode::ready).findFirst();
    }

    /**
     * Billed: our pending/running instances not terminated by this plan, plus launches still in flight
     * that EC2 does not show yet. Gone: instances a Node names that EC2 reports gone, or that this plan terminates.
     */
    private static FleetView fleet(ReconcileObservation seen, Map<String, ObservedInstance> instances,
                                   Map<String, List<ObservedNode>> nodesByInstance, List<String> inFlight,
                                   Set<String> terminated) {
        Set<String> billed = new TreeSet<>();
        instances.values().stream()
                .filter(i -> i.ours(seen.clusterId()) && i.state().alive() && !terminated.contains(i.instanceId()))
                .forEach(i -> billed.add(i.instanceId()));
        inFlight.stream().filter(id -> {
            ObservedInstance instance = instances.get(id);
            return instance == null || instance.state() == InstanceState.NOT_FOUND;
        }).forEach(billed::add);
        Set<String> gone = new TreeSet<>();
        nodesByInstance.keySet().forEach(id -> {
            ObservedInstance instance = instances.get(id);
            if (terminated.contains(id) || (instance != null && instance.state().gone())) {
                gone.add(id);
            }
        });
        Set<String> justReady = new TreeSet<>();
        nodesByInstance.forEach((id, nodes) -> {
            if (billed.contains(id) && nodes.stream().anyMatch(node -> justTurnedReady(node, seen.now()))) {
                justReady.add(id);
            }
        });
        return FleetView.observed(List.copyOf(billed), List.copyOf(gone), List.copyOf(justReady));
    }

    /**
     * Ready since less than {@link #METRICS_CATCH_UP}: the scraped metrics may not show it yet (a
     * kube-state-metrics scrape, then the rules' evaluation), so the pods it is taking still read as unschedulable.
     */
    private static boolean justTurnedReady(ObservedNode node, Instant now) {
        return node.ready() && node.readyChangedAt() != null && now.isBefore(node.readyChangedAt().plus(METRICS_CATCH_UP));
    }
}
