package dev.k3sautoscaler.core.scaledown;

import static dev.k3sautoscaler.core.scaledown.Cluster.MIB;
import static dev.k3sautoscaler.core.scaledown.Cluster.sized;
import static dev.k3sautoscaler.core.scaledown.Cluster.withLabels;
import static dev.k3sautoscaler.core.scaledown.Cluster.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.scaledown.FitSimulation.Outcome;
import dev.k3sautoscaler.core.scaledown.Placement.Operator;
import dev.k3sautoscaler.core.scaledown.Placement.Requirement;
import dev.k3sautoscaler.core.scaledown.Placement.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FitSimulationTest {
    private static final NodeView SSD = withLabels(worker("w2", 2), Map.of(NodeLabels.MANAGED, "true", "disk", "ssd"));
    private static final NodeView PLAIN = worker("w3", 3);

    private static PodView placed(String name, Placement placement) {
        PodView pod = sized(name, "w1", 200, 64);
        return new PodView(pod.namespace(), pod.name(), pod.ownerKind(), pod.annotations(), Map.of("app", name),
                pod.phase(), false, pod.cpuMillis(), pod.memoryBytes(), pod.nodeName(), placement);
    }

    private static Placement selector(Map<String, String> nodeSelector) {
        return new Placement(nodeSelector, List.of(), List.of(), List.of(), null);
    }

    private static Placement affinity(Requirement... requirements) {
        return new Placement(Map.of(), List.of(List.of(requirements)), List.of(), List.of(), null);
    }

    private static Placement tolerating(Toleration... tolerations) {
        return new Placement(Map.of(), List.of(), List.of(tolerations), List.of(), null);
    }

    private static NodeView tainted(NodeView node, NodeTaint taint) {
        return new NodeView(node.name(), node.instanceId(), node.labels(), node.annotations(), node.created(), node.ready(),
                node.deleting(), false, List.of(taint), node.allocatableCpuMillis(), node.allocatableMemoryBytes());
    }

    static Stream<Arguments> constraints() {
        NodeTaint gpu = new NodeTaint("dedicated", "gpu", "NoSchedule");
        return Stream.of(
                Arguments.of("no constraint: the first node with room", Placement.ANYWHERE, List.of(PLAIN), true),
                Arguments.of("nodeSelector met", selector(Map.of("disk", "ssd")), List.of(PLAIN, SSD), true),
                Arguments.of("nodeSelector met nowhere", selector(Map.of("disk", "ssd")), List.of(PLAIN), false),
                Arguments.of("affinity In", affinity(new Requirement("disk", Operator.IN, List.of("ssd", "nvme"))),
                        List.of(PLAIN, SSD), true),
                Arguments.of("affinity In, no such value", affinity(new Requirement("disk", Operator.IN, List.of("nvme"))),
                        List.of(PLAIN, SSD), false),
                Arguments.of("affinity NotIn", affinity(new Requirement("disk", Operator.NOT_IN, List.of("ssd"))),
                        List.of(SSD), false),
                Arguments.of("affinity Exists", affinity(new Requirement("disk", Operator.EXISTS, List.of())), List.of(SSD), true),
                Arguments.of("affinity DoesNotExist", affinity(new Requirement("disk", Operator.DOES_NOT_EXIST, List.of())),
                        List.of(SSD), false),
                Arguments.of("taint not tolerated", Placement.ANYWHERE, List.of(tainted(PLAIN, gpu)), false),
                Arguments.of("taint tolerated by Equal", tolerating(new Toleration("dedicated", false, "gpu", "NoSchedule")),
                        List.of(tainted(PLAIN, gpu)), true),
                Arguments.of("Equal with another value", tolerating(new Toleration("dedicated", false, "ml", null)),
                        List.of(tainted(PLAIN, gpu)), false),
                Arguments.of("Exists without a key tolerates every taint", tolerating(new Toleration(null, true, null, null)),
                        List.of(tainted(PLAIN, gpu)), true),
                Arguments.of("toleration for another effect", tolerating(new Toleration("dedicated", true, null, "NoExecute")),
                        List.of(tainted(PLAIN, gpu)), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("constraints")
    void aPodGoesOnlyWhereItsConstraintsAllow(String what, Placement placement, List<NodeView> targets, boolean fits) {
        // GIVEN one pod of w1 with this constraint
        PodView pod = placed("web", placement);

        // WHEN
        Outcome outcome = FitSimulation.place(List.of(pod), targets, List.of(pod));

        // THEN
        assertEquals(fits ? new Outcome.AllPlaced() : new Outcome.NoPlace(pod), outcome);
    }

    @Test
    void daemonSetPodsOnATarget_takeTheirShareOfIt() {
        // GIVEN w3 runs a DaemonSet pod of 1000m: 930m left; the moving pod asks 1000m
        PodView daemon = Cluster.pod("kube-system", "agent-w3", "DaemonSet", Map.of(), "w3", 1000, 64 * MIB);
        PodView moving = sized("batch", "w1", 1000, 64);

        // WHEN / THEN
        assertEquals(new Outcome.NoPlace(moving), FitSimulation.place(List.of(moving), List.of(PLAIN), List.of(daemon, moving)));
        assertEquals(new Outcome.AllPlaced(), FitSimulation.place(List.of(moving), List.of(PLAIN), List.of(moving)));
    }

    @Test
    void hostnameAntiAffinity_keepsReplicasApart_bothWays() {
        // GIVEN web replicas that must not share a node, one already on w3
        Placement apart = new Placement(Map.of(), List.of(), List.of(), List.of(Map.of("app", "web")), null);
        PodView there = new PodView("default", "web-0", "ReplicaSet", Map.of(), Map.of("app", "web"), "Running", false,
                100, 64 * MIB, "w3", apart);
        PodView moving = new PodView("default", "web-1", "ReplicaSet", Map.of(), Map.of("app", "web"), "Running", false,
                100, 64 * MIB, "w1", apart);
        PodView plain = new PodView("default", "web-2", "ReplicaSet", Map.of(), Map.of("app", "web"), "Running", false,
                100, 64 * MIB, "w1", Placement.ANYWHERE);

        // WHEN / THEN the moving replica finds no node; one without the rule is still kept off by the one there
        assertEquals(new Outcome.NoPlace(moving), FitSimulation.place(List.of(moving), List.of(PLAIN), List.of(there, moving)));
        assertEquals(new Outcome.NoPlace(plain), FitSimulation.place(List.of(plain), List.of(PLAIN), List.of(there, plain)));
        // AND two moving replicas need two nodes: the first placed one repels the second
        PodView second = new PodView("default", "web-3", "ReplicaSet", Map.of(), Map.of("app", "web"), "Running", false,
                100, 64 * MIB, "w1", apart);
        assertEquals(new Outcome.NoPlace(second), FitSimulation.place(List.of(moving, second), List.of(PLAIN), List.of(moving, second)));
        assertEquals(new Outcome.AllPlaced(), FitSimulation.place(List.of(moving, second), List.of(PLAIN, SSD),
                List.of(moving, second)));
    }

    @Test
    void aPodThatFitsNowhere_isNamed_largestFirst() {
        PodView small = sized("small", "w1", 100, 64);
        PodView huge = sized("huge", "w1", 1900, 64);
        PodView taken = sized("taken", "w3", 500, 64);

        assertEquals(new Outcome.NoPlace(huge), FitSimulation.place(List.of(small, huge), List.of(PLAIN),
                List.of(small, huge, taken)));
    }

    @Test
    void aConstraintTheSimulationCannotModel_isNeverGuessed() {
        Placement affineToDb = new Placement(Map.of(), List.of(), List.of(), List.of(), "required pod affinity");
        PodView pod = placed("api", affineToDb);

        assertEquals(new Outcome.CannotModel(pod, "required pod affinity"),
                FitSimulation.place(List.of(pod), List.of(PLAIN, SSD), List.of(pod)));
    }

    @Test
    void addingATarget_neverLeavesAPodWithoutAPlace() {
        // A property over many generated clusters: first fit keeps every earlier placement when a node is appended.
        java.util.Random random = new java.util.Random(7);
        for (int run = 0; run < 500; run++) {
            List<NodeView> targets = new ArrayList<>();
            for (int n = 0; n < 1 + random.nextInt(4); n++) {
                targets.add(random.nextBoolean() ? worker("t" + n, n) : withLabels(worker("t" + n, n),
                        Map.of(NodeLabels.MANAGED, "true", "disk", "ssd")));
            }
            List<PodView> moving = new ArrayList<>();
            for (int p = 0; p < 1 + random.nextInt(6); p++) {
                PodView sized = sized("p" + p, "gone", 50 + random.nextInt(900), 16 + random.nextInt(400));
                moving.add(new PodView(sized.namespace(), sized.name(), sized.ownerKind(), Map.of(), Map.of(), "Running",
                        false, sized.cpuMillis(), sized.memoryBytes(), "gone",
                        random.nextInt(3) == 0 ? selector(Map.of("disk", "ssd")) : Placement.ANYWHERE));
            }
            Outcome before = FitSimulation.place(moving, targets, moving);
            List<NodeView> more = new ArrayList<>(targets);
            more.add(worker("extra", 9));
            if (before instanceof Outcome.AllPlaced) {
                assertEquals(new Outcome.AllPlaced(), FitSimulation.place(moving, more, moving), "run " + run);
            }
        }
    }
}
