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
 * schedulable workers. Among those left, the
 * fewest evictable pods wins (least disruption, as Cluster Autoscaler and Karpenter prefer), then
 * the oldest node (it has run longest on the oldest image), then the name for a stable answer.
 */
public final class ScaleDownSelector {
    /** How many blocking pods a rejection names; the rest are counted, so the console line stays readable. */
    static final int NAMED_BLOCKERS = 3;

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
            String staticReason = nodeRule(node, candidacy);
            if (staticReason != null) {
                rejected.add(new Rejection(node.name(), staticReason));
                continue;
            }
            List<PodVerdict> verdicts = podsByNode.getOrDefault(node.name(), List.of()).stream()
                    .map(rules::judge).toList();
            List<PodVerdict> blocking = verdicts.stream().filter(v -> v.action() == Action.BLOCK).toList();
            if (!blocking.isEmpty()) {
                rejected.add(new Rejection(node.name(), blockingReason(blocking)));
                continue;
            }
            List<PodView> evictable = verdicts.stream()
                    .filter(v -> v.action() == Action.EVICT && !v.pod().terminating())
                    .map(PodVerdict::pod).toList();
            List<NodeView> targets = nodes.stream()
                    .filter(other -> !other.name().equals(node.name()) && other.acceptsPods() && !other.controlPlane())
                    .toList();
            PodView unplaced = FitCheck.firstUnplaced(evictable, targets, pods);
            if (unplaced != null) {
                rejected.add(new Rejection(node.name(), "its pods would not fit on the other workers: "
                        + unplaced.qualifiedName() + " needs " + unplaced.cpuMillis() + "m CPU and "
                        + (unplaced.memoryBytes() / (1024 * 1024)) + "Mi memory"));
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
            rejected.add(new Rejection(other.node().name(), "eligible, but " + best.node().name() + " is preferred ("
                    + other.evictable().size() + " evictable pods vs " + best.evictable().size()
                    + "; ties go to the oldest node)"));
        }
        return new ScaleDownChoice.Chosen(best.node(), best.evictable(), rejected);
    }

    /** The node-level rules, in the order an operator would ask about them; null when none applies. */
    static String nodeRule(NodeView node, Candidacy candidacy) {
        if (node.controlPlane()) {
            return "control-plane node: never removed";
        }
        if (!node.managed()) {
            return "not autoscaler-managed (no " + NodeLabels.MANAGED + "=true label)";
        }
        if (node.instanceId() == null) {
            return "no aws:/// providerID: its EC2 instance is unknown";
        }
        String notOwned = candidacy.notOwnedReason(node);
        if (notOwned != null) {
            return notOwned;
        }
        if (node.scaleDownDisabled()) {
            return NodeLabels.SCALE_DOWN_DISABLED + "=true";
        }
        if (node.deleting()) {
            return "already being deleted";
        }
        DrainPurpose claim = node.drainClaim().orElse(DrainPurpose.SCALE_DOWN);
        if (claim != DrainPurpose.SCALE_DOWN) {
            return "being drained for " + claim.value();
        }
        if (node.cordonedBySomeoneElse()) {
            return "cordoned by someone else (no " + NodeLabels.DRAINING_TAINT + " taint)";
        }
        String blocked = candidacy.blockedInstances().get(node.instanceId());
        if (blocked != null) {
            return "passed over after a scale-down that could not finish: " + blocked;
        }
        return null;
    }

    private static String blockingReason(List<PodVerdict> blocking) {
        String named = blocking.stream().limit(NAMED_BLOCKERS).map(PodVerdict::describe)
                .collect(Collectors.joining(", "));
        int more = blocking.size() - NAMED_BLOCKERS;
        return "blocking pods: " + named + (more > 0 ? " and " + more + " more" : "");
    }

    private record Candidate(NodeView node, List<PodView> evictable) {
    }
}
