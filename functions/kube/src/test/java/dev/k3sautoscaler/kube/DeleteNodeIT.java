package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.DeleteOutcome;
import dev.k3sautoscaler.errors.NodeNotManaged;
import dev.k3sautoscaler.kube.DeleteNodeOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeleteNodeIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @Test
    void delete_removesTheNode_andSucceedsAgainWhenItIsAlreadyGone() {
        // GIVEN a worker whose instance was terminated
        cluster.worker("w1", "i-1", true);

        // WHEN it is deleted twice (a Step Functions retry after a lost response)
        DeleteNodeOutput first = cluster.operations().delete(new NodeRef("w1", "i-1"));
        DeleteNodeOutput second = cluster.operations().delete(new NodeRef("w1", "i-1"));

        // THEN the Node is gone and the second call is a success that says so
        assertNull(cluster.node("w1"));
        assertTrue(first.deleted());
        assertEquals(DeleteOutcome.Code.DELETED, first.outcome(), first.reason());
        assertFalse(second.deleted());
        assertTrue(second.alreadyGone());
        assertEquals(DeleteOutcome.Code.ALREADY_GONE, second.outcome(), second.reason());
    }

    @Test
    void delete_treatsA404FromTheDeleteItself_asAlreadyGone() {
        // GIVEN a node that disappears between our read and our delete
        cluster.worker("w1", "i-1", true);
        cluster.server().expect().delete().withPath("/api/v1/nodes/w1").andReturn(404,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}").once();

        // WHEN deleted
        DeleteNodeOutput out = cluster.operations().delete(new NodeRef("w1", null));

        // THEN it is reported already gone, not as an error
        assertTrue(out.alreadyGone());
        assertEquals(DeleteOutcome.Code.GONE_WHILE_DELETING, out.outcome(), out.reason());
    }

    @Test
    void delete_findsTheNodeByInstanceId() {
        // GIVEN a worker known to the workflow only by instance id
        cluster.worker("ip-10-0-1-5", "i-1", true);

        // WHEN deleted by instance id
        DeleteNodeOutput out = cluster.operations().delete(new NodeRef(null, "i-1"));

        // THEN the right Node went
        assertEquals("ip-10-0-1-5", out.nodeName());
        assertNull(cluster.node("ip-10-0-1-5"));
    }

    @Test
    void delete_refusesTheMaster() {
        // GIVEN the master
        cluster.master("master", "i-master");

        // WHEN / THEN it is refused and stays
        assertThrows(NodeNotManaged.class, () -> cluster.operations().delete(new NodeRef("master", null)));
        assertNotNull(cluster.node("master"));
    }
}
