package dev.k3sautoscaler.simulator.engine;

import dev.k3sautoscaler.fleet.FleetTags;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The invariants that must hold at every instant, not only at the end: looked at by the event loop
 * after each instant's work, from the world's own records (the EC2 fake, the simulated cluster's
 * Nodes), never from what the autoscaler believes. O(instances + nodes) per instant. Violations are
 * kept as they happen; the first {@value #KEPT_PER_INVARIANT} of each invariant are reported with
 * their times, the rest counted.
 *
 * <ul>
 *   <li>{@link Invariants.Name#BILLED_WITHIN_MAX}: pending or running instances tagged managed and of
 *       this cluster, not the master, at most MAX_WORKERS — a Spot instance inside its interruption
 *       notice (warned, not yet reclaimed) aside: its replacement may already be booting.</li>
 *   <li>{@link Invariants.Name#NO_INSTANCE_WITHOUT_READY_NODE}: no such instance pending or running
 *       longer than JOIN_TIMEOUT_SEC + one tick without a Ready Node, counted from its launch or from
 *       the last instant its Node was Ready (the join loop gives up at JOIN_TIMEOUT; one tick to act).</li>
 *   <li>{@link Invariants.Name#NO_GHOST_NODE}: no Node whose instance is gone (shutting-down,
 *       terminated, reclaimed, or unknown to EC2) for longer than one tick + {@link #NOT_READY_DETECTION}.</li>
 *   <li>{@link Invariants.Name#NO_UNCORDON_DURING_INTERRUPTION_DRAIN}: a Node whose instance has had its Spot
 *       interruption warning, once seen cordoned after the warning, is never seen schedulable again while it
 *       exists (pods placed there would be killed by the reclaim).</li>
 *   <li>{@link Invariants.Name#NO_RUNNING_INSTANCE_OF_DELETED_NODE}: when the Node of a managed worker is
 *       deleted, its instance is no longer pending or running one tick + {@link #TERMINATE_MARGIN} later — a
 *       billed machine nobody schedules on. Spot instances warned by then are left to EC2, which reclaims them
 *       at the end of their notice.</li>
 * </ul>
 *
 * <p>While the K3s API answers 503 to the autoscaler, nothing it runs can see or delete a Node: the
 * two Node clocks count from the end of such an outage at the earliest.</p>
 */
public final class WorldWatch {
    public static final int KEPT_PER_INVARIANT = 3;
    /** The invariants this watch checks. */
    public static final List<Invariants.Name> WATCHED = List.of(Invariants.Name.BILLED_WITHIN_MAX,
            Invariants.Name.NO_INSTANCE_WITHOUT_READY_NODE, Invariants.Name.NO_GHOST_NODE,
            Invariants.Name.NO_UNCORDON_DURING_INTERRUPTION_DRAIN, Invariants.Name.NO_RUNNING_INSTANCE_OF_DELETED_NODE);
    /**
     * How long the simulated cluster takes to mark a Node NotReady once its instance stops: zero —
     * {@code SimulatedCluster} flips Ready off at the instant the instance goes (no kubelet heartbeat
     * or node-monitor grace period is modelled), so the next tick can already see the ghost.
     */
    public static final Duration NOT_READY_DETECTION = Duration.ZERO;
    /**
     * After a Node is deleted, the terminate call and its first retries (2 + 4 + 8 s after a Lambda
     * service error) before its instance must be shutting down; the tick before it is the time for
     * whatever deleted the Node to move on to the instance.
     */
    public static final Duration TERMINATE_MARGIN = Duration.ofSeconds(30);

    /** What the watch compares against, from the scenario. */
    public record Limits(String clusterId, int maxWorkers, Duration joinTimeout, Duration tick) {
        Duration joinLimit() {
            return joinTimeout.plus(tick);
        }

        Duration ghostGrace() {
            return tick.plus(NOT_READY_DETECTION);
        }

        Duration deletedNodeGrace() {
            return tick.plus(TERMINATE_MARGIN);
        }
    }

    /** A Node seen deleted, whose instance is judged once its grace has passed. */
    private record NodeDeletion(String node, String instanceId, Duration at) {
    }

    private final Limits limits;
    private final Instant start;
    private final Map<Invariants.Name, List<Invariants.Violation>> kept = new EnumMap<>(Invariants.Name.class);
    private final Map<Invariants.Name, Integer> counts = new EnumMap<>(Invariants.Name.class);
    /** The last instant each instance's Node was seen Ready. */
    private final Map<String, Duration> lastReady = new HashMap<>();
    /** When each Node was first seen without its instance. */
    private final Map<String, Duration> ghostSince = new HashMap<>();
    /** Nodes of warned instances seen cordoned after the warning: name → since when. */
    private final Map<String, Duration> interruptionCordons = new HashMap<>();
    /** The Nodes of the last look, name → instance, to see which were deleted since. */
    private Map<String, String> lastNodes = Map.of();
    private final List<NodeDeletion> deletions = new ArrayList<>();
    /** Episodes already reported, so a lasting breach is one violation, not one per instant. */
    private final Set<String> reported = new HashSet<>();
    private boolean overMax;
    /** The first instant the K3s API was seen back after an outage (during one: now); null if never down. */
    private Duration kubeApiBack;
    private boolean kubeApiWasDown;

    /** @param start the instant of offset zero (the EC2 fake speaks in instants, the cluster in offsets) */
    public WorldWatch(Limits limits, Instant start) {
        this.limits = limits;
        this.start = start;
    }

    /**
     * Looks at the world at {@code at}.
     *
     * @param ec2         every instance the EC2 fake knows, as described now
     * @param cluster     every instance of the simulated cluster (a reclaimed Spot instance is gone there before EC2 is told)
     * @param nodes       the registered Node objects now
     * @param spotNotices instance → when EC2 reclaims it, for every Spot warning so far
     * @param kubeApiDown the K3s API answers 503 to the autoscaler now
     */
    public void observe(Duration at, List<FakeInstance> ec2, List<InstanceState> cluster, List<NodeState> nodes,
            Map<String, Duration> spotNotices, boolean kubeApiDown) {
        if (kubeApiDown || kubeApiWasDown) {
            kubeApiBack = at;
        }
        kubeApiWasDown = kubeApiDown;
        Set<String> goneInCluster = cluster.stream().filter(instance -> !instance.runningAt(at))
                .map(InstanceState::instanceId).collect(Collectors.toSet());
        Map<String, FakeInstance> byId = new HashMap<>();
        ec2.forEach(instance -> byId.put(instance.instanceId(), instance));
        Set<String> readyNodes = new HashSet<>();
        for (NodeState node : nodes) {
            if (node.ready()) {
                readyNodes.add(node.instanceId());
                lastReady.put(node.instanceId(), at);
            }
        }
        List<String> billed = new ArrayList<>();
        for (FakeInstance instance : ec2) {
            String id = instance.instanceId();
            if (!ours(instance) || !instance.isAlive() || goneInCluster.contains(id)) {
                continue;
            }
            Duration reclaimAt = spotNotices.get(id);
            if (reclaimAt != null && at.compareTo(reclaimAt) < 0) {
                continue; // inside its notice: its replacement may already be booting
            }
            billed.add(id);
            if (!readyNodes.contains(id)) {
                Duration launched = Duration.between(start, instance.launchTime());
                Duration since = lastReady.getOrDefault(id, launched);
                since = latest(since, launched, kubeApiBack);
                if (at.minus(since).compareTo(limits.joinLimit()) > 0 && reported.add("unready|" + id + "|" + since)) {
                    add(Invariants.Name.NO_INSTANCE_WITHOUT_READY_NODE, id + " " + instance.state() + " without a Ready Node since "
                            + Simulation.at(since) + (lastReady.containsKey(id) ? " (last Ready)" : " (launch)") + ", at "
                            + Simulation.at(at) + " > JOIN_TIMEOUT_SEC+tick=" + limits.joinLimit().toSeconds() + " s");
                }
            }
        }
        if (billed.size() > limits.maxWorkers()) {
            if (!overMax) {
                add(Invariants.Name.BILLED_WITHIN_MAX, billed.size() + " billed workers at " + Simulation.at(at)
                        + " > MAX_WORKERS=" + limits.maxWorkers() + " " + billed);
            }
            overMax = true;
        } else {
            overMax = false;
        }
        Set<String> ghosts = new HashSet<>();
        for (NodeState node : nodes) {
            FakeInstance instance = byId.get(node.instanceId());
            boolean gone = instance == null || !instance.isAlive() || goneInCluster.contains(node.instanceId());
            if (!gone) {
                continue;
            }
            ghosts.add(node.name());
            Duration since = latest(ghostSince.computeIfAbsent(node.name(), name -> goneAt(node.instanceId(), cluster, at)),
                    kubeApiBack);
            if (at.minus(since).compareTo(limits.ghostGrace()) > 0 && reported.add("ghost|" + node.name() + "|" + since)) {
                add(Invariants.Name.NO_GHOST_NODE, "Node " + node.name() + " still registered at " + Simulation.at(at)
                        + ", its instance " + (instance == null ? "unknown to EC2" : instance.state()) + ", counted from "
                        + Simulation.at(since) + " (> tick=" + limits.ghostGrace().toSeconds() + " s)");
            }
        }
        ghostSince.keySet().retainAll(ghosts);
        interruptionCordons(at, nodes, spotNotices);
        deletedNodes(at, nodes, byId, goneInCluster, spotNotices);
    }

    private void interruptionCordons(Duration at, List<NodeState> nodes, Map<String, Duration> spotNotices) {
        Set<String> present = new HashSet<>();
        for (NodeState node : nodes) {
            present.add(node.name());
            if (!spotNotices.containsKey(node.instanceId())) {
                continue;
            }
            if (node.cordoned()) {
                interruptionCordons.putIfAbsent(node.name(), at);
            } else if (interruptionCordons.containsKey(node.name())
                    && reported.add("uncordoned|" + node.name() + "|" + interruptionCordons.get(node.name()))) {
                add(Invariants.Name.NO_UNCORDON_DURING_INTERRUPTION_DRAIN, "Node " + node.name() + " schedulable again at "
                        + Simulation.at(at) + ", cordoned since " + Simulation.at(interruptionCordons.get(node.name()))
                        + " after its Spot interruption warning");
            }
        }
        interruptionCordons.keySet().retainAll(present);
    }

    private void deletedNodes(Duration at, List<NodeState> nodes, Map<String, FakeInstance> byId, Set<String> goneInCluster,
            Map<String, Duration> spotNotices) {
        Map<String, String> now = new HashMap<>();
        nodes.forEach(node -> now.put(node.name(), node.instanceId()));
        lastNodes.forEach((name, instanceId) -> {
            if (!now.containsKey(name)) {
                deletions.add(new NodeDeletion(name, instanceId, at));
            }
        });
        lastNodes = now;
        deletions.removeIf(deletion -> {
            if (at.minus(deletion.at()).compareTo(limits.deletedNodeGrace()) <= 0) {
                return false;
            }
            FakeInstance instance = byId.get(deletion.instanceId());
            boolean stillRuns = instance != null && ours(instance) && instance.isAlive()
                    && !goneInCluster.contains(deletion.instanceId()) && !spotNotices.containsKey(deletion.instanceId());
            if (stillRuns) {
                add(Invariants.Name.NO_RUNNING_INSTANCE_OF_DELETED_NODE, deletion.instanceId() + " still " + instance.state()
                        + " at " + Simulation.at(at) + ", its Node " + deletion.node() + " deleted at "
                        + Simulation.at(deletion.at()) + " (> tick+" + TERMINATE_MARGIN.toSeconds() + " s="
                        + limits.deletedNodeGrace().toSeconds() + " s)");
            }
            return true;
        });
    }

    private static Duration latest(Duration... times) {
        Duration latest = null;
        for (Duration time : times) {
            if (time != null && (latest == null || time.compareTo(latest) > 0)) {
                latest = time;
            }
        }
        return latest;
    }

    /** When the instance went, as the cluster recorded it; else now (first seen gone). */
    private static Duration goneAt(String instanceId, List<InstanceState> cluster, Duration at) {
        return cluster.stream().filter(instance -> instance.instanceId().equals(instanceId) && instance.goneAt() != null)
                .map(InstanceState::goneAt).filter(gone -> gone.compareTo(at) <= 0).findFirst().orElse(at);
    }

    private boolean ours(FakeInstance instance) {
        return "true".equals(instance.tag(FleetTags.MANAGED)) && limits.clusterId().equals(instance.tag(FleetTags.CLUSTER))
                && !FleetTags.ROLE_MASTER.equals(instance.tag(FleetTags.ROLE));
    }

    private void add(Invariants.Name invariant, String detail) {
        int count = counts.merge(invariant, 1, Integer::sum);
        if (count <= KEPT_PER_INVARIANT) {
            kept.computeIfAbsent(invariant, name -> new ArrayList<>()).add(new Invariants.Violation(invariant, detail));
        }
    }

    /** The first violations of each invariant, then one line counting the rest. */
    public List<Invariants.Violation> violations() {
        List<Invariants.Violation> out = new ArrayList<>();
        kept.forEach((invariant, first) -> {
            out.addAll(first);
            int more = counts.get(invariant) - first.size();
            if (more > 0) {
                out.add(new Invariants.Violation(invariant, "and " + more + " more"));
            }
        });
        return out;
    }
}
