package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.RejectionReason.Code;
import dev.k3sautoscaler.kube.ChosenNode;
import dev.k3sautoscaler.kube.RejectedNode;
import dev.k3sautoscaler.kube.SelectScaleDownTargetOutput;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SelectScaleDownTargetIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private static Code reasonFor(SelectScaleDownTargetOutput out, String node) {
        return out.rejected().stream().filter(r -> r.node().equals(node)).map(RejectedNode::code)
                .findFirst().orElseThrow(() -> new AssertionError("no rejection for " + node + ": " + out));
    }

    @Test
    void select_choosesTheWorkerWithFewestEvictablePods_andExplainsTheOthers() {
        // GIVEN the master, w1 with two Deployment pods, w2 with one, w3 with a DaemonSet pod only
        cluster.master("master", "i-master");
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.worker("w3", "i-3", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.pod("default", "web-2", "w1", "ReplicaSet");
        cluster.pod("default", "api-1", "w2", "ReplicaSet");
        cluster.pod("kube-system", "svclb-w3", "w3", "DaemonSet");

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN w3 (nothing to evict) is chosen, and every other node has a reason
        assertTrue(out.found());
        assertEquals(new ChosenNode("w3", "i-3", 0, "scale-down"), out.chosen());
        assertEquals(Code.CONTROL_PLANE, reasonFor(out, "master"));
        assertEquals(Code.NOT_PREFERRED, reasonFor(out, "w1"));
        assertTrue(out.reason().startsWith("remove w3 (i-3)"), out.reason());
    }

    @Test
    void select_countsOnlyWorkers_amongTheNodesNotChosen() {
        // GIVEN the master and two empty workers, w1 the older
        cluster.master("master", "i-master");
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN the master, never a candidate, is not counted among the workers passed over
        assertTrue(out.found());
        assertTrue(out.reason().endsWith("; 1 other worker not chosen"), out.reason());
    }

    @Test
    void select_keepsANodeWhosePodOnlyItsOwnLabelsAdmit_andOneWhosePodItCannotModel() {
        // GIVEN w1 (disk=ssd) runs a pod that selects disk=ssd, w2 a pod with required pod affinity; w3 has neither label
        cluster.master("master", "i-master");
        cluster.createNode(cluster.nodeBuilder("w1", "i-1", true).editMetadata().addToLabels("disk", "ssd")
                .addToLabels(NodeLabels.MANAGED, "true").endMetadata()
                .build());
        cluster.worker("w2", "i-2", true);
        cluster.worker("w3", "i-3", true);
        cluster.createPod(cluster.podBuilder("default", "cache-0", "w1", "ReplicaSet").editSpec()
                .addToNodeSelector("disk", "ssd").endSpec().build());
        cluster.createPod(cluster.podBuilder("default", "api-0", "w2", "ReplicaSet").editSpec()
                .withNewAffinity().withNewPodAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname").withNewLabelSelector().addToMatchLabels("app", "db")
                .endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution().endPodAffinity().endAffinity()
                .endSpec().build());
        cluster.pod("default", "web-0", "w3", "ReplicaSet");
        cluster.pod("default", "web-1", "w3", "ReplicaSet");

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN w3 goes, though it has more pods: w1's pod has no other ssd node, w2's pod cannot be simulated
        assertEquals("w3", out.chosen().name(), out.toString());
        assertEquals(Code.PODS_WOULD_NOT_FIT, reasonFor(out, "w1"));
        assertEquals(Code.CONSTRAINT_NOT_MODELLED, reasonFor(out, "w2"));
    }

    static Stream<Arguments> blockingPods() {
        return Stream.of(
                Arguments.of("safe-to-evict=false", (Function<MockCluster, Pod>) c -> c.createPod(
                        c.podBuilder("default", "p", "w1", "ReplicaSet").editMetadata()
                                .addToAnnotations(NodeLabels.SAFE_TO_EVICT, "false").endMetadata().build())),
                Arguments.of("do-not-disrupt", (Function<MockCluster, Pod>) c -> c.createPod(
                        c.podBuilder("default", "p", "w1", "ReplicaSet").editMetadata()
                                .addToAnnotations(NodeLabels.DO_NOT_DISRUPT, "true").endMetadata().build())),
                Arguments.of("StatefulSet", (Function<MockCluster, Pod>) c -> c.pod("db", "pg-0", "w1", "StatefulSet")),
                Arguments.of("kube-system Deployment", (Function<MockCluster, Pod>) c -> c.pod("kube-system",
                        "coredns-1", "w1", "ReplicaSet")),
                Arguments.of("no controller", (Function<MockCluster, Pod>) c -> c.pod("default", "bare", "w1", null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingPods")
    void select_rejectsNode_holdingABlockingPod(String rule, Function<MockCluster, Pod> blocker) {
        // GIVEN w1 holding one blocking pod, w2 empty but newer (so w1 would win without the pod)
        cluster.worker("w1", "i-1", true);
        cluster.createNode(cluster.nodeBuilder("w2", "i-2", true).editMetadata()
                .addToLabels(NodeLabels.MANAGED, "true").withCreationTimestamp("2026-11-02T00:00:00Z").endMetadata()
                .build());
        blocker.apply(cluster);

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN w1 is rejected with the rule named, and w2 is chosen
        assertEquals(Code.BLOCKING_PODS, reasonFor(out, "w1"), out.toString());
        assertEquals("w2", out.chosen().name());
    }

    @Test
    void select_skipsDaemonSetAndMirrorPods_whenJudgingANode() {
        // GIVEN w1 with a DaemonSet pod and a mirror (static) pod only, and a busy w2
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("kube-system", "svclb-w1", "w1", "DaemonSet");
        cluster.createPod(cluster.podBuilder("kube-system", "static-w1", "w1", "Node").editMetadata()
                .addToAnnotations(NodeLabels.MIRROR_POD, "hash").endMetadata().build());
        cluster.pod("default", "web-1", "w2", "ReplicaSet");

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN w1 is chosen with nothing to evict
        assertEquals(new ChosenNode("w1", "i-1", 0, "scale-down"), out.chosen());
    }

    @Test
    void select_evictsStatefulSetPods_whenConfiguredTo() {
        // GIVEN a StatefulSet pod on w1 and rules that let StatefulSet pods move
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("db", "pg-0", "w1", "StatefulSet");
        cluster.pod("default", "web-1", "w2", "ReplicaSet");
        cluster.pod("default", "web-2", "w2", "ReplicaSet");

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations(new EvictionRules(false)).selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN w1 is chosen with one pod to evict
        assertEquals(new ChosenNode("w1", "i-1", 1, "scale-down"), out.chosen());
    }

    @Test
    void select_rejectsNode_whosePodsDoNotFit_usingRequestsFromTheApi() {
        // GIVEN w1 running a 1500m pod and w2 running a 1000m pod: neither can take the other's
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.createPod(cluster.podBuilder("default", "big", "w1", "ReplicaSet").editSpec().editFirstContainer()
                .editResources().addToRequests("cpu", new Quantity("1500m")).endResources().endContainer().endSpec()
                .build());
        cluster.createPod(cluster.podBuilder("default", "steady", "w2", "ReplicaSet").editSpec().editFirstContainer()
                .editResources().addToRequests("cpu", new Quantity("1")).endResources().endContainer().endSpec()
                .build());

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN none is, with the pod and its requests named
        assertFalse(out.found());
        assertNull(out.chosen());
        assertEquals(Code.PODS_WOULD_NOT_FIT, reasonFor(out, "w1"));
        assertEquals(Code.PODS_WOULD_NOT_FIT, reasonFor(out, "w2"));
        assertTrue(out.rejected().getFirst().rejectedBecause().contains("default/big"), out.toString());
    }

    @Test
    void select_withThePolicysCandidates_takesEachWhosePodsFit_andPassesOverTheRestForAWhile() {
        // GIVEN two empty workers, w3 and w4 each running a 1500m pod, and w5 with room for one of them
        cluster.master("master", "i-master");
        cluster.worker("e1", "i-e1", true);
        cluster.worker("e2", "i-e2", true);
        cluster.worker("w3", "i-3", true);
        cluster.worker("w4", "i-4", true);
        cluster.worker("w5", "i-5", true);
        for (String node : List.of("w3", "w4")) {
            cluster.createPod(cluster.podBuilder("default", "big-" + node, node, "ReplicaSet").editSpec()
                    .editFirstContainer().editResources().addToRequests("cpu", new Quantity("1500m")).endResources()
                    .endContainer().endSpec().build());
        }
        cluster.pod("kube-system", "svclb-e1", "e1", "DaemonSet");

        // WHEN the decision's candidates are e1, e2, w3 and w4
        SelectScaleDownTargetInput ours = cluster.everyWorkerOurs(null);
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(new SelectScaleDownTargetInput(
                "test", null, null, ours.fleet(), null, List.of("e1", "e2", "w3", "w4")));

        // THEN e1, e2 and w3 go side by side; w4's pod would have no place once w3's took w5's room
        assertTrue(out.found());
        assertEquals(List.of(new ChosenNode("e1", "i-e1", 0, "scale-down"), new ChosenNode("e2", "i-e2", 0, "scale-down"),
                new ChosenNode("w3", "i-3", 1, "scale-down")), out.nodes());
        assertEquals(out.nodes().getFirst(), out.chosen());
        assertEquals(Code.PODS_WOULD_NOT_FIT, reasonFor(out, "w4"));
        assertEquals(List.of("i-4"), out.unremovable().stream().map(b -> b.instanceId()).toList());
        assertEquals(cluster.clock.instant().plus(dev.k3sautoscaler.core.state.OutcomeRules.UNREMOVABLE_RECHECK),
                out.unremovable().getFirst().until());
        assertTrue(out.reason().startsWith("remove e1 (empty), e2 (empty), w3 (1 pod to evict)"), out.reason());
    }

    @Test
    void select_considersOnlyTheRequestedNode_butStillAppliesTheRules() {
        // GIVEN w1 (busy) and w2 (empty); an operator asks for w1, then for the master, then for a typo
        cluster.master("master", "i-master");
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");

        // WHEN / THEN w1 is chosen although w2 would have been preferred
        SelectScaleDownTargetOutput forced = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs("w1"));
        assertEquals(new ChosenNode("w1", "i-1", 1, "scale-down"), forced.chosen());
        assertEquals(List.of(), forced.rejected());

        // WHEN / THEN the master is still refused
        SelectScaleDownTargetOutput master = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs("master"));
        assertFalse(master.found());
        assertEquals(List.of(Code.CONTROL_PLANE), master.rejected().stream().map(RejectedNode::code).toList());

        // WHEN / THEN an unknown node is a clear outcome
        SelectScaleDownTargetOutput typo = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs("w9"));
        assertFalse(typo.found());
        assertEquals("node w9 does not exist", typo.reason());
    }
}
