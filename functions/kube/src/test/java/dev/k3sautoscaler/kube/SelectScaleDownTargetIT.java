package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.Rejection;
import dev.k3sautoscaler.kube.Outputs.ChosenNode;
import dev.k3sautoscaler.kube.Outputs.SelectScaleDownTargetOutput;
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

    private static String reasonFor(SelectScaleDownTargetOutput out, String node) {
        return out.rejected().stream().filter(r -> r.node().equals(node)).map(Rejection::rejectedBecause)
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
        assertEquals("control-plane node: never removed", reasonFor(out, "master"));
        assertTrue(reasonFor(out, "w1").startsWith("eligible, but w3 is preferred (2 evictable pods vs 0"));
        assertEquals("remove w3 (i-3): 0 pods to evict, all fit on the other workers; 3 other nodes not chosen",
                out.reason());
    }

    static Stream<Arguments> blockingPods() {
        return Stream.of(
                Arguments.of("safe-to-evict=false", (Function<MockCluster, Pod>) c -> c.createPod(
                        c.podBuilder("default", "p", "w1", "ReplicaSet").editMetadata()
                                .addToAnnotations(NodeLabels.SAFE_TO_EVICT, "false").endMetadata().build()),
                        "blocking pods: default/p (cluster-autoscaler.kubernetes.io/safe-to-evict=false)"),
                Arguments.of("do-not-disrupt", (Function<MockCluster, Pod>) c -> c.createPod(
                        c.podBuilder("default", "p", "w1", "ReplicaSet").editMetadata()
                                .addToAnnotations(NodeLabels.DO_NOT_DISRUPT, "true").endMetadata().build()),
                        "blocking pods: default/p (karpenter.sh/do-not-disrupt=true)"),
                Arguments.of("StatefulSet", (Function<MockCluster, Pod>) c -> c.pod("db", "pg-0", "w1", "StatefulSet"),
                        "blocking pods: db/pg-0 (StatefulSet pod)"),
                Arguments.of("kube-system Deployment", (Function<MockCluster, Pod>) c -> c.pod("kube-system",
                        "coredns-1", "w1", "ReplicaSet"),
                        "blocking pods: kube-system/coredns-1 (kube-system pod that is not a DaemonSet)"),
                Arguments.of("no controller", (Function<MockCluster, Pod>) c -> c.pod("default", "bare", "w1", null),
                        "blocking pods: default/bare (no controller: nothing would recreate it)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingPods")
    void select_rejectsNode_holdingABlockingPod(String rule, Function<MockCluster, Pod> blocker, String reason) {
        // GIVEN w1 holding one blocking pod, w2 empty but newer (so w1 would win without the pod)
        cluster.worker("w1", "i-1", true);
        cluster.createNode(cluster.nodeBuilder("w2", "i-2", true).editMetadata()
                .addToLabels(NodeLabels.MANAGED, "true").withCreationTimestamp("2026-11-02T00:00:00Z").endMetadata()
                .build());
        blocker.apply(cluster);

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));

        // THEN w1 is rejected with the rule named, and w2 is chosen
        assertEquals(reason, reasonFor(out, "w1"));
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
        assertEquals("its pods would not fit on the other workers: default/big needs 1500m CPU and 64Mi memory",
                reasonFor(out, "w1"));
        assertEquals("its pods would not fit on the other workers: default/steady needs 1000m CPU and 64Mi memory",
                reasonFor(out, "w2"));
        assertTrue(out.reason().startsWith("no node can be removed safely: w1: its pods would not fit"), out.reason());
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
        assertEquals(List.of(new Rejection("master", "control-plane node: never removed")), master.rejected());

        // WHEN / THEN an unknown node is a clear outcome
        SelectScaleDownTargetOutput typo = cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs("w9"));
        assertFalse(typo.found());
        assertEquals("node w9 does not exist", typo.reason());
    }
}
