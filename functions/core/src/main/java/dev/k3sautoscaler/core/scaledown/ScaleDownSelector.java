package dev.k3sautoscaler.core.scaledown;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
            RejectionReason staticReason = nodeRule(node, candidacy);
            if (staticReason != null) {
                rejected.add(new Rejection(node.name(), staticReason));
                continue;
            }
            List<PodVerdict> verdicts = podsByNode.getOrDefault(node.name(), List.of()).stream()
                    .map(rules::judge).toList();
            List<PodVerdict> blocking = verdicts.stream().filter(v -> v.action() == Action.BLOCK).toList();
            if (!blocking.isEmpty()) {
                rejected.add(new Rejection(node.name(), new RejectionReason.BlockingPods(blocking)));
                continue;
            }
            List<PodView> evictable = verdicts.stream()
                    .filter(v -> v.action() == Action.EVICT && !v.pod().terminating())
                    .map(PodVerdict::pod).toList();
            List<NodeView> targets = nodes.stream()
                    .filter(other -> !other.name().equals(node.name()) && other.targetForMovedPods())
                    .toList();
            RejectionReason unfit = switch (FitSimulation.place(evictable, targets, pods)) {
                case FitSimulation.Outcome.AllPlaced placed -> null;
                case FitSimulation.Outcome.NoPlace(PodView pod) -> new RejectionReason.PodsWouldNotFit(pod);
                case FitSimulation.Outcome.CannotModel(PodView pod, String constraint) ->
                        new RejectionReason.ConstraintNotModelled(pod, constraint);
            };
            if (unfit != null) {
                rejected.add(new Rejection(node.name(), unfit));
                continue;
            }
            candidates.add(new Candidate(node, evictable));
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
