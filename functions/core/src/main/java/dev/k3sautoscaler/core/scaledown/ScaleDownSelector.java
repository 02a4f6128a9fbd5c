package dev.k3sautoscaler.core.scaledown;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses the one worker to remove: only this cluster's managed workers as EC2 reports them (the
 * Node's label is checked too, but proves nothing), never a control-plane node; not opted out, not
 * already leaving or drained for an interruption, not cordoned by someone else, not passed over
 * after a scale-down that could not finish; no blocking pod; its evictable pods fit on the other
 * schedulable workers in a simulation of the scheduler's filters ({@link FitSimulation}), and none
 * has a constraint the simulation cannot model. Among those left, the
 * fewest evictable pods wins (least disruption, as Cluster Autoscaler and Karpenter prefer), then
 * the oldest node (it has run longest on the oldest image), then the name for a stable answer.
 */
public final class ScaleDownSelector {
    private final EvictionRules rules;

    public ScaleDownSelector(EvictionRules rules) {
        this.rules = rules;
    }

    /**
     * @param nodes     all nodes of the cluster (the master and unmanaged nodes are rejected with a reason)
     * @param pods      all pods of the cluster (for each node's pods and for free capacity elsewhere)
     * @param candidacy which nodes are ours, which are passed over, and whether only one is considered
     *                  (the others are still room for its pods and get no rejection line); every rule applies
     */
    public ScaleDownChoice choose(List<NodeView> nodes, List<PodView> pods, Candidacy candidacy) {
        Map<String, List<PodView>> podsByNode = pods.stream()
                .filter(pod -> pod.nodeName() != null)
                .collect(Collectors.groupingBy(PodView::nodeName));
        List<Rejection> rejected = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (NodeView node : nodes.stream().sorted(Comparator.comparing(NodeView::name))
                .filter(candidacy::considers).toList()) {
            Judged judged = judge(node, nodes, pods, podsByNode, candidacy, Set.of(), List.of());
            if (judged.reason() != null) {
                rejected.add(new Rejection(node.name(), judged.reason()));
            } else {
                candidates.add(new Candidate(node, judged.evictable()));
            }
        }
        if (candidates.isEmpty()) {
            return new ScaleDownChoice.NoCandidate(rejected);
        }
        List<Candidate> ranked = candidates.stream()
                .sorted(Comparator.<Candidate>comparingInt(c -> c.evictable().size())
                        .thenComparing(c -> c.node().created(), Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(c -> c.node().name()))
                .toList();
        Candidate best = ranked.getFirst();
        for (Candidate other : ranked.subList(1, ranked.size())) {
            rejected.add(new Rejection(other.node().name(), new RejectionReason.NotPreferred(best.node().name(),
                    other.evictable().size(), best.evictable().size())));
        }
        return new ScaleDownChoice.Chosen(best.node(), best.evictable(), rejected);
    }

    /**
     * Several workers at once: the policy's candidates, in its order (empty ones first), each checked
     * by every rule of {@link #choose}; the pods of each must fit on the workers that stay, beside the
     * pods of those already taken. A candidate that fails is rejected with its reason, and the next is
     * tried.
     *
     * @param inOrder the names of the workers the decision removes
     */
    public ScaleDownChoice chooseEach(List<NodeView> nodes, List<PodView> pods, Candidacy candidacy,
                                      List<String> inOrder) {
        Map<String, List<PodView>> podsByNode = pods.stream()
                .filter(pod -> pod.nodeName() != null)
                .collect(Collectors.groupingBy(PodView::nodeName));
        Map<String, NodeView> byName = nodes.stream().collect(Collectors.toMap(NodeView::name, n -> n, (a, b) -> a));
        List<Rejection> rejected = new ArrayList<>();
        List<ScaleDownChoice.Removal> taken = new ArrayList<>();
        Set<String> leaving = new HashSet<>();
        List<PodView> moving = new ArrayList<>();
        for (String name : inOrder) {
            NodeView node = byName.get(name);
            if (node == null || !candidacy.considers(node)) {
                continue;
            }
            Judged judged = judge(node, nodes, pods, podsByNode, candidacy, leaving, moving);
            if (judged.reason() != null) {
                rejected.add(new Rejection(name, judged.reason()));
                continue;
            }
            taken.add(new ScaleDownChoice.Removal(node, judged.evictable()));
            leaving.add(name);
            moving.addAll(judged.evictable());
        }
        return taken.isEmpty() ? new ScaleDownChoice.NoCandidate(rejected)
                : new ScaleDownChoice.Several(taken, rejected);
    }

    /** Why this node may not go, or its evictable pods when it may. */
    private record Judged(RejectionReason reason, List<PodView> evictable) {
    }

    /**
     * @param leaving nodes already taken this round: not a place for pods
     * @param moving  the pods of those nodes, which need a place too
     */
    private Judged judge(NodeView node, List<NodeView> nodes, List<PodView> pods,
                         Map<String, List<PodView>> podsByNode, Candidacy candidacy, Set<String> leaving,
                         List<PodView> moving) {
        RejectionReason staticReason = nodeRule(node, candidacy);
        if (staticReason != null) {
            return new Judged(staticReason, null);
        }
        List<PodVerdict> verdicts = podsByNode.getOrDefault(node.name(), List.of()).stream()
                .map(rules::judge).toList();
        List<PodVerdict> blocking = verdicts.stream().filter(v -> v.action() == Action.BLOCK).toList();
        if (!blocking.isEmpty()) {
            return new Judged(new RejectionReason.BlockingPods(blocking), null);
        }
        List<PodView> evictable = verdicts.stream()
                .filter(v -> v.action() == Action.EVICT && !v.pod().terminating())
                .map(PodVerdict::pod).toList();
        List<NodeView> targets = nodes.stream()
                .filter(other -> !other.name().equals(node.name()) && !leaving.contains(other.name())
                        && other.targetForMovedPods())
                .toList();
        List<PodView> allMoving = new ArrayList<>(moving);
        allMoving.addAll(evictable);
        RejectionReason unfit = switch (FitSimulation.place(allMoving, targets, pods)) {
            case FitSimulation.Outcome.AllPlaced placed -> null;
            case FitSimulation.Outcome.NoPlace(PodView pod) -> new RejectionReason.PodsWouldNotFit(pod);
            case FitSimulation.Outcome.CannotModel(PodView pod, String constraint) ->
                    new RejectionReason.ConstraintNotModelled(pod, constraint);
        };
        return unfit != null ? new Judged(unfit, null) : new Judged(null, evictable);
    }

    /** The node-level rules, in the order an operator would ask about them; null when none applies. */
    static RejectionReason nodeRule(NodeView node, Candidacy candidacy) {
        if (node.controlPlane()) {
            return new RejectionReason.NodeRule(RejectionReason.Code.CONTROL_PLANE);
        }
        if (!node.managed()) {
            return new RejectionReason.NodeRule(RejectionReason.Code.NOT_MANAGED);
        }
        if (node.instanceId() == null) {
            return new RejectionReason.NodeRule(RejectionReason.Code.NO_PROVIDER_ID);
        }
        RejectionReason notOwned = candidacy.notOwnedReason(node);
        if (notOwned != null) {
            return notOwned;
        }
        if (node.scaleDownDisabled()) {
            return new RejectionReason.NodeRule(RejectionReason.Code.SCALE_DOWN_DISABLED);
        }
        if (node.deleting()) {
            return new RejectionReason.NodeRule(RejectionReason.Code.DELETING);
        }
        DrainPurpose claim = node.drainClaim().orElse(DrainPurpose.SCALE_DOWN);
        if (claim != DrainPurpose.SCALE_DOWN) {
            return new RejectionReason.DrainingForOther(claim);
        }
        if (node.cordonedBySomeoneElse()) {
            return new RejectionReason.NodeRule(RejectionReason.Code.CORDONED_BY_SOMEONE_ELSE);
        }
        String blocked = candidacy.blockedInstances().get(node.instanceId());
        if (blocked != null) {
            return new RejectionReason.PassedOver(blocked);
        }
        return null;
    }

    private record Candidate(NodeView node, List<PodView> evictable) {
    }
}
