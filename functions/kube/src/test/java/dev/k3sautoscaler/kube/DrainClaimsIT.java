package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.CordonOutcome;
import dev.k3sautoscaler.core.scaledown.DrainOutcome;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.UncordonOutcome;
import dev.k3sautoscaler.kube.CordonNodeOutput;
import dev.k3sautoscaler.kube.DrainNodeOutput;
import dev.k3sautoscaler.kube.UncordonNodeOutput;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One owner per cordon: who cordoned a node, who may take it over, and who may give it back. */
class DrainClaimsIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private final NodeRef w1 = new NodeRef("w1", null);

    private int evictions() throws InterruptedException {
        return (int) cluster.autoscalerRequests().stream().filter(r -> r.getPath().endsWith("/eviction")).count();
    }

    private boolean cordoned(String name) {
        Node node = cluster.node(name);
        return Boolean.TRUE.equals(node.getSpec().getUnschedulable())
                && node.getSpec().getTaints().stream().anyMatch(t -> NodeLabels.DRAINING_TAINT.equals(t.getKey()));
    }

    @Test
    void spotInterruption_takesOverAScaleDownsNode_whoseDrainStopsAsPreempted_andNeverUncordonsIt() throws Exception {
        // GIVEN a scale-down's cordon on w1, which runs a pod
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.operations().cordon(w1, DrainPurpose.SCALE_DOWN);

        // WHEN a Spot interruption drain claims the node
        CordonNodeOutput spot = cluster.operations().cordon(new NodeRef(null, "i-1"), DrainPurpose.SPOT_INTERRUPTION);

        // THEN it owns the node; the scale-down's next pass stops without evicting, and its uncordon leaves it cordoned
        assertEquals(CordonOutcome.Code.TOOK_OVER, spot.outcome(), spot.reason());
        assertEquals("spot-interruption", cluster.node("w1").getMetadata().getAnnotations().get(NodeLabels.DRAIN_PURPOSE));
        DrainNodeOutput pass = cluster.operations().drainPass(w1, DrainPurpose.SCALE_DOWN, null);
        assertTrue(pass.preempted(), pass.reason());
        assertEquals(DrainOutcome.Code.PREEMPTED_BY_CLAIM, pass.outcome(), pass.reason());
        assertEquals(0, evictions());
        UncordonNodeOutput uncordon = cluster.operations().uncordon(w1, DrainPurpose.SCALE_DOWN);
        assertFalse(uncordon.changed(), uncordon.reason());
        assertEquals(UncordonOutcome.Code.CLAIMED_BY_OTHER, uncordon.outcome(), uncordon.reason());
        assertTrue(cordoned("w1"), "still cordoned for the Spot drain");
    }

    @Test
    void scaleDownCordon_leavesASpotClaimAlone() {
        // GIVEN a node claimed by a Spot interruption drain
        cluster.worker("w1", "i-1", true);
        cluster.operations().cordon(w1, DrainPurpose.SPOT_INTERRUPTION);

        // WHEN a scale-down tries to cordon it
        CordonNodeOutput out = cluster.operations().cordon(w1, DrainPurpose.SCALE_DOWN);

        // THEN the claim stays the Spot drain's
        assertEquals(CordonOutcome.Code.LEFT_TO_HIGHER_CLAIM, out.outcome(), out.reason());
        assertEquals("spot-interruption", cluster.node("w1").getMetadata().getAnnotations().get(NodeLabels.DRAIN_PURPOSE));
    }

    @Test
    void drain_stopsBeforeEvicting_whenPodsWaitForRoomOnlyThisNodeHas() throws Exception {
        // GIVEN w1 being drained, w2 nearly full, w3 lost (cordoned by someone), and a pod waiting for 600m
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.worker("w3", "i-3", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.createPod(cluster.podBuilder("default", "batch", "w2", "Job").editSpec().editFirstContainer()
                .editResources().addToRequests("cpu", new Quantity("1800m")).endResources().endContainer().endSpec()
                .build());
        Node lost = cluster.node("w3");
        lost.getSpec().setUnschedulable(true);
        cluster.admin().nodes().resource(lost).update();
        cluster.createPod(cluster.podBuilder("default", "web-2", null, "ReplicaSet").editSpec().editFirstContainer()
                .editResources().addToRequests("cpu", new Quantity("600m")).endResources().endContainer().endSpec()
                .editStatus().withPhase("Pending").endStatus().build());
        cluster.operations().cordon(w1, DrainPurpose.SCALE_DOWN);

        // WHEN a drain pass runs
        DrainNodeOutput pass = cluster.operations().drainPass(w1, DrainPurpose.SCALE_DOWN, null);

        // THEN it stops, names the waiting pod, and evicted nothing
        assertTrue(pass.neededAgain(), pass.reason());
        assertFalse(pass.empty());
        assertEquals(DrainOutcome.Code.NEEDED_AGAIN, pass.outcome(), pass.reason());
        assertEquals(0, evictions());
    }

    @Test
    void drain_marksTheNodeDrained_whenEmpty_andTheUncordonClearsEveryMark() {
        // GIVEN an empty worker cordoned for a scale-down
        cluster.worker("w1", "i-1", true);
        cluster.operations().cordon(w1, DrainPurpose.SCALE_DOWN);

        // WHEN the drain finds it empty
        DrainNodeOutput pass = cluster.operations().drainPass(w1, DrainPurpose.SCALE_DOWN, null);

        // THEN the node says so (the reconcile reads it if the termination fails); an uncordon clears the claim
        assertTrue(pass.empty());
        var annotations = cluster.node("w1").getMetadata().getAnnotations();
        assertNotNull(annotations.get(NodeLabels.DRAINED_AT));
        assertEquals(cluster.clock.instant().toString(), annotations.get(NodeLabels.DRAIN_CLAIMED_AT));
        cluster.operations().uncordon(w1, DrainPurpose.SCALE_DOWN);
        var after = cluster.node("w1").getMetadata().getAnnotations();
        assertNull(after.get(NodeLabels.DRAINED_AT));
        assertNull(after.get(NodeLabels.DRAIN_PURPOSE));
        assertFalse(Boolean.TRUE.equals(cluster.node("w1").getSpec().getUnschedulable()));
        assertEquals(List.of(), cluster.node("w1").getSpec().getTaints() == null ? List.of()
                : cluster.node("w1").getSpec().getTaints());
    }
}
