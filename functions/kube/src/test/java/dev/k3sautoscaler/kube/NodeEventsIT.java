package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The events the node steps leave on a worker as they act on it, where kubectl describe node shows them. */
class NodeEventsIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private List<Event> nodeEvents() {
        return cluster.admin().events().v1().events().inNamespace(ClusterEvent.NODE_EVENT_NAMESPACE).list().getItems();
    }

    private Event only(String reason) {
        List<Event> matching = nodeEvents().stream().filter(e -> e.getReason().equals(reason)).toList();
        assertEquals(1, matching.size(), () -> reason + " in " + nodeEvents());
        return matching.getFirst();
    }

    @Test
    void scaleDown_cordonAndDelete_sayWhatTheyDo_andWhatItSaves() {
        cluster.worker("w1", "i-1", true);

        CordonNodeOutput cordon = cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);
        cluster.operations().delete(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        List<Event> events = nodeEvents();
        assertEquals(2, events.size(), events::toString);
        events.forEach(event -> {
            assertEquals("ScaleDown", event.getReason());
            assertEquals("Normal", event.getType());
            assertEquals(ClusterEvent.CONTROLLER, event.getReportingController());
            assertEquals("w1", event.getRegarding().getUid(), "a Node's events name it by its name, as the kubelet's do");
            assertEquals("Node", event.getRegarding().getKind());
            assertTrue(event.getNote().contains("saves $0.0208/hour (≈ $15.18/month)"), event.getNote());
        });
        assertTrue(events.stream().anyMatch(e -> e.getNote().startsWith(cordon.reason())), events::toString);
        assertEquals(List.of("Cordon", "Delete"), events.stream().map(Event::getAction).sorted().toList());
    }

    @Test
    void spotInterruption_isAWarning_andItsDeleteSavesNothing() {
        cluster.worker("w1", "i-1", true);

        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SPOT_INTERRUPTION);
        cluster.operations().delete(new NodeRef("w1", null), DrainPurpose.SPOT_INTERRUPTION);

        Event interruption = only("SpotInterruption");
        assertEquals("Warning", interruption.getType());
        assertTrue(interruption.getNote().contains("EC2 reclaims this Spot instance"), interruption.getNote());
        Event deleted = only("ScaleDown");
        assertTrue(!deleted.getNote().contains("saves"), deleted.getNote());
    }

    @Test
    void aDrainBlockedByABudget_isOneWarningPerDrain_notOnePerPass() {
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);
        cluster.evictionAnswers("default", "web-1", 429, 3);
        Instant startedAt = cluster.clock.instant();

        for (int pass = 0; pass < 3; pass++) {
            cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN, startedAt);
        }

        Event blocked = only("DrainBlocked");
        assertEquals("Warning", blocked.getType());
        assertTrue(blocked.getNote().contains("default/web-1"), blocked.getNote());
        assertTrue(blocked.getNote().contains("PodDisruptionBudget"), blocked.getNote());
    }

    @Test
    void aDrainBlocked_namesTheBudget_theApiServersRefusalNames() {
        // GIVEN a worker whose only web pod a budget keeps (minAvailable 1)
        cluster.worker("w1", "i-1", true);
        cluster.createPod(cluster.podBuilder("shop", "web-1", "w1", "ReplicaSet").editMetadata()
                .addToLabels("app", "web").endMetadata().build());
        cluster.admin().policy().v1().podDisruptionBudget().inNamespace("shop").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("web-pdb").endMetadata().withNewSpec().withMinAvailable(new IntOrString(1))
                .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN a pass runs into it
        DrainNodeOutput pass = cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN,
                cluster.clock.instant());

        // THEN the pod and its budget are named where kubectl describe node shows them
        assertEquals(List.of("shop/web-1"), pass.blockedByPdb());
        Event blocked = only("DrainBlocked");
        assertTrue(blocked.getNote().contains("shop/web-1 (PodDisruptionBudget web-pdb)"), blocked.getNote());
        assertTrue(!blocked.getNote().contains("kubectl get pdb"), blocked.getNote());
    }

    @Test
    void aDrainGivenBack_isScaleDownFailed() {
        cluster.worker("w1", "i-1", true);
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        UncordonNodeOutput uncordon = cluster.operations().uncordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        Event failed = only("ScaleDownFailed");
        assertEquals("Warning", failed.getType());
        assertTrue(failed.getNote().startsWith(uncordon.reason()), failed.getNote());
        assertTrue(failed.getNote().endsWith("the node keeps running"), failed.getNote());
    }

    @Test
    void anEventTheApiRefuses_neverFailsTheStep() {
        // GIVEN an API server that refuses every event (an older manifest without the events rule)
        cluster.worker("w1", "i-1", true);
        cluster.server().expect().post().withPath("/apis/events.k8s.io/v1/namespaces/default/events")
                .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":403}").always();

        // WHEN the node is cordoned
        CordonNodeOutput cordon = cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // THEN the cordon happened all the same
        assertTrue(Boolean.TRUE.equals(cluster.node("w1").getSpec().getUnschedulable()), cordon.reason());
        assertEquals(List.of(), nodeEvents());
    }
}
