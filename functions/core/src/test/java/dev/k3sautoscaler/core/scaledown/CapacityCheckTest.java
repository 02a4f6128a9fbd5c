package dev.k3sautoscaler.core.scaledown;

import static dev.k3sautoscaler.core.scaledown.Cluster.cordoned;
import static dev.k3sautoscaler.core.scaledown.Cluster.phase;
import static dev.k3sautoscaler.core.scaledown.Cluster.sized;
import static dev.k3sautoscaler.core.scaledown.Cluster.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CapacityCheckTest {
    private final NodeView draining = cordoned(worker("w1", 0), List.of(NodeLabels.DRAINING_TAINT));
    private final NodeView full = worker("w2", 1);
    private final NodeView lost = cordoned(worker("w3", 2), List.of());

    /** A pod waiting to be scheduled (no node yet). */
    private static PodView waiting(String name, long cpuMillis) {
        return phase(sized(name, null, cpuMillis, 64), "Pending");
    }

    @Test
    void neededAgain_whenWaitingPodsFitOnlyOnTheDrainingNode() {
        // GIVEN w2 nearly full, w3 lost (cordoned), and a pod waiting that only w1 could hold
        List<PodView> pods = List.of(sized("big", "w2", 1800, 64), waiting("web-new", 600));

        // WHEN checked
        Optional<PodView> needed = CapacityCheck.neededAgain(draining, List.of(draining, full, lost), pods);

        // THEN the drain must stop, naming the pod
        assertTrue(needed.isPresent());
        assertEquals("default/web-new", needed.get().qualifiedName());
    }

    @Test
    void notNeeded_whenTheOtherNodesHoldWhatWaits() {
        // GIVEN a waiting pod that fits on w2 (a just-evicted pod before the scheduler binds it)
        List<PodView> pods = List.of(waiting("web-new", 600));

        // WHEN / THEN the drain goes on
        assertEquals(Optional.empty(), CapacityCheck.neededAgain(draining, List.of(draining, full, lost), pods));
    }

    @Test
    void notNeeded_whenWhatWaitsFitsNowhere_thisNodeIncluded() {
        // GIVEN a pod larger than any worker
        List<PodView> pods = List.of(sized("big", "w2", 1800, 64), waiting("huge", 50_000));

        // WHEN / THEN keeping this node would not help it: the drain goes on (a scale-up is the answer)
        assertEquals(Optional.empty(), CapacityCheck.neededAgain(draining, List.of(draining, full, lost), pods));
    }

    @Test
    void notNeeded_forBoundOrFinishedPods() {
        // GIVEN pods that are bound, or Pending but already on a node
        List<PodView> pods = List.of(sized("big", "w2", 1800, 64), phase(sized("starting", "w2", 100, 64), "Pending"));

        // WHEN / THEN nothing waits
        assertEquals(Optional.empty(), CapacityCheck.neededAgain(draining, List.of(draining, full, lost), pods));
    }
}
