package dev.k3sautoscaler.core.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.lifecycle.NodeReadiness.Code;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeReadinessTest {
    private static final Instant REGISTERED = Instant.parse("2026-11-23T12:00:00Z");
    private static final Instant LATER = Instant.parse("2026-11-23T12:05:00Z");

    @Test
    void aNodeNotReadySinceItRegistered_isJoining_andOneThatWasReady_isNotReady() {
        assertEquals(Code.READY, NodeReadiness.of(true, REGISTERED, LATER, "KubeletReady", "ok").code());
        assertEquals(Code.JOINING, NodeReadiness.of(false, REGISTERED, REGISTERED, "NodeStatusUnknown", "x").code());
        assertEquals(Code.JOINING, NodeReadiness.of(false, REGISTERED, null, "KubeletNotReady", "x").code());
        assertEquals(Code.JOINING, NodeReadiness.of(false, REGISTERED, null, null, null).code());
        assertEquals(Code.NOT_READY, NodeReadiness.of(false, REGISTERED, LATER, "NodeStatusUnknown", "x").code());
    }

    /** The golden wording of every readiness. */
    @Test
    void everyReadiness_readsAsPinned() {
        assertEquals("Ready", new NodeReadiness(Code.READY, "KubeletReady", "kubelet is posting ready status").detail());
        assertEquals("joining: not Ready yet (its kubelet has not posted a status yet)",
                new NodeReadiness(Code.JOINING, "NodeStatusUnknown", "Kubelet stopped posting node status.").detail());
        assertEquals("joining: not Ready yet (KubeletNotReady: container runtime network not ready)",
                new NodeReadiness(Code.JOINING, "KubeletNotReady", "container runtime network not ready").detail());
        assertEquals("joining: not Ready yet (no Ready condition reported yet)",
                new NodeReadiness(Code.JOINING, null, null).detail());
        assertEquals("NodeStatusUnknown: Kubelet stopped posting node status.",
                new NodeReadiness(Code.NOT_READY, "NodeStatusUnknown", "Kubelet stopped posting node status.").detail());
        assertEquals("NotReady", new NodeReadiness(Code.NOT_READY, null, null).detail());
    }
}
