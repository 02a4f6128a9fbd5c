package dev.k3sautoscaler.core.scaledown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Several workers taken at once never strand a pod: over generated clusters (DaemonSet pods, pods that
 * block, pods that select a labelled node, sizes up to most of a worker), the pods of every node
 * {@link ScaleDownSelector#chooseEach} takes find a place together on the nodes that stay, no taken
 * node has a blocking pod, only candidates are taken, and each candidate is either taken or says why not.
 */
class ScaleDownSelectorProperties {
    private final ScaleDownSelector selector = new ScaleDownSelector(EvictionRules.defaults());

    record Case(List<NodeView> nodes, List<PodView> pods, List<String> candidates) {
    }

    @Property(tries = 1500)
    @StatisticsReport(onFailureOnly = true)
    void theNodesTakenTogether_leaveEveryPodAPlace(@ForAll("cases") Case c) {
        Candidacy ours = Candidacy.owned(c.nodes().stream().map(NodeView::instanceId).collect(Collectors.toSet()));

        ScaleDownChoice choice = selector.chooseEach(c.nodes(), c.pods(), ours, c.candidates());

        Set<String> taken = choice instanceof ScaleDownChoice.Several several
                ? several.removals().stream().map(r -> r.node().name()).collect(Collectors.toSet()) : Set.of();
        Statistics.label("taken").collect(taken.size() > 1 ? "several" : taken.size() == 1 ? "one" : "none");
        Statistics.label("taken").coverage(check -> check.check("several").percentage(p -> p > 5));
        assertTrue(c.candidates().containsAll(taken), "took a node that was not a candidate");
        Set<String> rejected = choice.rejected().stream().map(Rejection::node).collect(Collectors.toSet());
        assertTrue(rejected.stream().noneMatch(taken::contains), "a node both taken and rejected");
        assertEquals(new HashSet<>(c.candidates()), union(taken, rejected), "a candidate without a verdict");
        List<PodView> moving = new ArrayList<>();
        for (PodView pod : c.pods()) {
            if (pod.nodeName() != null && taken.contains(pod.nodeName())) {
                PodVerdict verdict = EvictionRules.defaults().judge(pod);
                assertFalse(verdict.action() == PodVerdict.Action.BLOCK, "took a node with a blocking pod " + pod);
                if (verdict.action() == PodVerdict.Action.EVICT) {
                    moving.add(pod);
                }
            }
        }
        List<NodeView> staying = c.nodes().stream()
                .filter(n -> !taken.contains(n.name()) && n.targetForMovedPods()).toList();
        assertInstanceOf(FitSimulation.Outcome.AllPlaced.class, FitSimulation.place(moving, staying, c.pods()),
                "the pods of " + taken + " do not all fit on " + staying.stream().map(NodeView::name).toList());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.integers().between(2, 9).flatMap(count -> {
            List<String> names = java.util.stream.IntStream.range(0, count).mapToObj(i -> "w" + i).toList();
            Arbitrary<List<NodeView>> nodes = Arbitraries.of(true, false).list().ofSize(count).map(labelled -> {
                List<NodeView> out = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    NodeView node = Cluster.worker(names.get(i), i);
                    out.add(labelled.get(i) ? Cluster.withLabels(node, Cluster.map(NodeLabels.MANAGED, "true",
                            "disk", "ssd")) : node);
                }
                return out;
            });
            Arbitrary<PodView> pod = Combinators.combine(Arbitraries.of(names), Arbitraries.of(50L, 200L, 500L, 900L, 1400L),
                    Arbitraries.of(64L, 256L, 700L), Arbitraries.of("ReplicaSet", "ReplicaSet", "ReplicaSet", "DaemonSet",
                            "StatefulSet"), Arbitraries.of(false, false, false, true), Arbitraries.integers().between(0, 9999))
                    .as((node, cpu, memory, owner, selectsSsd, id) -> {
                        PodView plain = Cluster.pod("default", "p" + id, owner, Map.of(), node, cpu, memory * Cluster.MIB);
                        return selectsSsd ? withSelector(plain) : plain;
                    });
            Arbitrary<List<PodView>> pods = pod.list().ofMaxSize(count * 4).uniqueElements(PodView::name);
            Arbitrary<List<String>> candidates = Arbitraries.of(names).list().ofMinSize(1).ofMaxSize(count)
                    .uniqueElements();
            return Combinators.combine(nodes, pods, candidates).as(Case::new);
        });
    }

    /** The same pod, asking for a node labelled disk=ssd. */
    private static PodView withSelector(PodView pod) {
        return new PodView(pod.namespace(), pod.name(), pod.ownerKind(), pod.annotations(), pod.labels(), pod.phase(),
                pod.terminating(), pod.cpuMillis(), pod.memoryBytes(), pod.nodeName(),
                new Placement(Map.of("disk", "ssd"), List.of(), List.of(), List.of(), null));
    }
}
