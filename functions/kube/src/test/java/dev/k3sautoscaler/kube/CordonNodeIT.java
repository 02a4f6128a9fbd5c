package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.CordonOutcome;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.UncordonOutcome;
import dev.k3sautoscaler.errors.NodeNotFound;
import dev.k3sautoscaler.errors.NodeNotManaged;
import dev.k3sautoscaler.kube.CordonNodeOutput;
import dev.k3sautoscaler.kube.UncordonNodeOutput;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CordonNodeIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private List<String> taintKeys(String node) {
        List<Taint> taints = cluster.node(node).getSpec().getTaints();
        return taints == null ? List.of() : taints.stream().map(Taint::getKey).toList();
    }

    @Test
    void cordon_setsUnschedulableAndOurTaint_andIsIdempotent() {
        // GIVEN a schedulable worker
        cluster.worker("w1", "i-1", true);

        // WHEN it is cordoned twice
        CordonNodeOutput first = cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);
        CordonNodeOutput second = cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // THEN the node is unschedulable with exactly one taint of ours, and the second call changed nothing
        Node node = cluster.node("w1");
        assertTrue(node.getSpec().getUnschedulable());
        assertEquals(List.of(NodeLabels.DRAINING_TAINT), taintKeys("w1"));
        assertEquals("NoSchedule", node.getSpec().getTaints().getFirst().getEffect());
        assertFalse(first.alreadyCordoned());
        assertEquals("i-1", first.instanceId());
        assertTrue(second.alreadyCordoned());
        assertEquals(CordonOutcome.Code.CORDONED, first.outcome(), first.reason());
        assertEquals(CordonOutcome.Code.ALREADY_CORDONED, second.outcome(), second.reason());
    }

    @Test
    void cordon_keepsOtherTaints_andFindsTheNodeByInstanceId() {
        // GIVEN a worker with a taint of its own, known to the workflow only by instance id (Spot warning)
        cluster.createNode(cluster.nodeBuilder("w1", "i-1", true).editMetadata()
                .addToLabels(NodeLabels.MANAGED, "true").endMetadata().editSpec()
                .addNewTaint().withKey("gpu").withValue("true").withEffect("NoSchedule").endTaint().endSpec().build());

        // WHEN it is cordoned by instance id
        CordonNodeOutput out = cluster.operations().cordon(new NodeRef(null, "i-1"), DrainPurpose.SCALE_DOWN);

        // THEN both taints are there
        assertEquals("w1", out.nodeName());
        assertEquals(List.of("gpu", NodeLabels.DRAINING_TAINT), taintKeys("w1"));
    }

    @Test
    void cordon_refusesTheMasterAndUnmanagedNodes() {
        // GIVEN the master and a hand-made worker
        cluster.master("master", "i-master");
        cluster.createNode(cluster.nodeBuilder("byhand", "i-2", true).build());

        // WHEN / THEN both are refused and left untouched
        NodeNotManaged master = assertThrows(NodeNotManaged.class,
                () -> cluster.operations().cordon(new NodeRef("master", null), DrainPurpose.SCALE_DOWN));
        assertEquals("refusing to cordon master: it is a control-plane node", master.getMessage());
        assertThrows(NodeNotManaged.class, () -> cluster.operations().cordon(new NodeRef(null, "i-2"), DrainPurpose.SCALE_DOWN));
        assertNull(cluster.node("master").getSpec().getUnschedulable());
    }

    @Test
    void cordon_failsWithNodeNotFound_forUnknownOrMismatchedNodes() {
        // GIVEN one worker
        cluster.worker("w1", "i-1", true);

        // WHEN / THEN an unknown name, an unknown instance, and a name/instance mismatch are named errors
        assertEquals("cannot cordon w9: no such Node", assertThrows(NodeNotFound.class,
                () -> cluster.operations().cordon(new NodeRef("w9", null), DrainPurpose.SCALE_DOWN)).getMessage());
        assertEquals("cannot cordon instance i-9: no such Node", assertThrows(NodeNotFound.class,
                () -> cluster.operations().cordon(new NodeRef(null, "i-9"), DrainPurpose.SCALE_DOWN)).getMessage());
        assertTrue(assertThrows(NodeNotFound.class, () -> cluster.operations().cordon(new NodeRef("w1", "i-9"), DrainPurpose.SCALE_DOWN))
                .getMessage().startsWith("node w1 is instance i-1, not i-9"));
    }

    @Test
    void uncordon_undoesOurCordon() {
        // GIVEN a worker we cordoned
        cluster.worker("w1", "i-1", true);
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN it is uncordoned (abort path)
        UncordonNodeOutput out = cluster.operations().uncordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // THEN it is schedulable again and carries no mark of ours
        Node node = cluster.node("w1");
        assertFalse(node.getSpec().getUnschedulable());
        assertEquals(List.of(), taintKeys("w1"));
        assertFalse(node.getMetadata().getAnnotations() != null
                && node.getMetadata().getAnnotations().containsKey(NodeOperations.CORDONED_BY_US));
        assertTrue(out.changed());
    }

    @Test
    void uncordon_leavesAnOperatorsCordonInPlace() {
        // GIVEN a worker an operator cordoned before a Spot warning made us cordon it too
        cluster.createNode(cluster.nodeBuilder("w1", "i-1", true).editMetadata()
                .addToLabels(NodeLabels.MANAGED, "true").endMetadata().editSpec().withUnschedulable(true).endSpec()
                .build());
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN we uncordon
        UncordonNodeOutput out = cluster.operations().uncordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // THEN our taint is gone but the operator's cordon stays
        assertTrue(cluster.node("w1").getSpec().getUnschedulable());
        assertEquals(List.of(), taintKeys("w1"));
        assertEquals(UncordonOutcome.Code.UNCORDONED, out.outcome(), out.reason());
    }

    @Test
    void uncordon_isANoOp_forNodesWithoutOurCordon_andForMissingNodes() {
        // GIVEN an untouched worker
        cluster.worker("w1", "i-1", true);

        // WHEN / THEN nothing changes, and a vanished node is an outcome, not an error
        UncordonNodeOutput untouched = cluster.operations().uncordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);
        assertFalse(untouched.changed());
        assertEquals(UncordonOutcome.Code.NOT_OURS, untouched.outcome(), untouched.reason());
        UncordonNodeOutput gone = cluster.operations().uncordon(new NodeRef("w9", null), DrainPurpose.SCALE_DOWN);
        assertFalse(gone.found());
        assertEquals(UncordonOutcome.Code.NODE_GONE, gone.outcome(), gone.reason());
    }

    @Test
    void cordon_rereadsTheNode_whenItChangedBetweenReadAndPatch() {
        // GIVEN a worker whose first cordon patch meets a conflicting writer (409)
        cluster.worker("w1", "i-1", true);
        cluster.server().expect().patch().withPath("/api/v1/nodes/w1").andReturn(409,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":409}").once();

        // WHEN it is cordoned
        CordonNodeOutput out = cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // THEN the second attempt succeeds
        assertFalse(out.alreadyCordoned());
        assertTrue(cluster.node("w1").getSpec().getUnschedulable());
    }
}
