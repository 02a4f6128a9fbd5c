package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.lifecycle.NodeReadiness;
import dev.k3sautoscaler.kube.CheckWorkersJoinedOutput;
import dev.k3sautoscaler.kube.InstanceJoin;
import dev.k3sautoscaler.kube.JoinStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckWorkersJoinedIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @Test
    void checkJoin_reportsReadyNotReadyAndMissing_perInstance() {
        // GIVEN one launched instance Ready, one registered but NotReady, one not registered, plus the master
        cluster.master("master", "i-master");
        cluster.worker("ip-10-0-1-5", "i-ready", true);
        cluster.worker("ip-10-0-1-6", "i-booting", false);

        // WHEN the three launched instances are checked
        CheckWorkersJoinedOutput out = cluster.operations().checkJoin(List.of("i-ready", "i-booting", "i-absent"), null);

        // THEN each has its own status, node name and detail
        assertEquals(List.of(JoinStatus.READY, JoinStatus.NOT_READY, JoinStatus.MISSING),
                out.instances().stream().map(InstanceJoin::status).toList());
        assertEquals(Arrays.asList(NodeReadiness.Code.READY, NodeReadiness.Code.JOINING, null),
                out.instances().stream().map(InstanceJoin::readiness).toList());
        assertEquals(Arrays.asList("ip-10-0-1-5", "ip-10-0-1-6", null),
                out.instances().stream().map(InstanceJoin::nodeName).toList());
        assertEquals(List.of("i-ready"), out.ready());
        assertEquals(List.of("i-booting"), out.notReady());
        assertEquals(List.of("i-absent"), out.missing());
        assertFalse(out.allReady());
        assertEquals(List.of(), out.overdue());
        assertTrue(out.reason().startsWith("1 of 3 Ready;"), out.reason());
    }

    @Test
    void checkJoin_isAllReady_whenEveryInstanceIsReady() {
        // GIVEN two Ready workers launched 95 s ago
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        Instant launchedAt = cluster.clock.instant().minusSeconds(95);

        // WHEN checked
        CheckWorkersJoinedOutput out = cluster.operations().checkJoin(List.of("i-1", "i-2"), launchedAt);

        // THEN all are Ready
        assertTrue(out.allReady());
        assertEquals("all 2 launched nodes are Ready 95 s after launch", out.reason());
    }

    @Test
    void checkJoin_listsOverdueInstances_afterTheJoinTimeout() {
        // GIVEN an instance that never registered, launched exactly JOIN_TIMEOUT ago, and one Ready
        cluster.worker("w1", "i-1", true);
        Instant launchedAt = cluster.clock.instant();
        cluster.clock.advance(MockCluster.JOIN_TIMEOUT.minus(Duration.ofSeconds(1)));
        assertEquals(List.of(), cluster.operations().checkJoin(List.of("i-1", "i-lost"), launchedAt).overdue());
        cluster.clock.advance(Duration.ofSeconds(1));

        // WHEN checked at the timeout
        CheckWorkersJoinedOutput out = cluster.operations().checkJoin(List.of("i-1", "i-lost"), launchedAt);

        // THEN only the missing one is overdue, and the reason says so
        assertEquals(List.of("i-lost"), out.overdue());
        assertTrue(out.reason().endsWith("past the 600 s join timeout: i-lost"), out.reason());
    }

    @Test
    void checkJoin_callsANodeThatWasNeverReady_joining_notLost() {
        // GIVEN a launched instance whose Node registered moments ago and has not posted Ready yet
        String registered = cluster.clock.instant().toString();
        cluster.createNode(cluster.nodeBuilder("ip-10-0-1-7", "i-joining", false)
                .editMetadata().withCreationTimestamp(registered).addToLabels("k3s-autoscaler/managed", "true")
                .endMetadata()
                .editStatus().withConditions(new io.fabric8.kubernetes.api.model.NodeConditionBuilder()
                        .withType("Ready").withStatus("Unknown").withReason("NodeStatusUnknown")
                        .withMessage("Kubelet stopped posting node status.").withLastTransitionTime(registered).build())
                .endStatus().build());

        // WHEN checked
        CheckWorkersJoinedOutput out = cluster.operations().checkJoin(List.of("i-joining"), cluster.clock.instant());

        // THEN it is joining, not a node whose kubelet was lost
        assertEquals(NodeReadiness.Code.JOINING, out.instances().getFirst().readiness());
        String detail = out.instances().getFirst().detail();
        assertTrue(detail.startsWith("joining"), detail);
        assertFalse(detail.contains("stopped posting"), detail);
    }
}
