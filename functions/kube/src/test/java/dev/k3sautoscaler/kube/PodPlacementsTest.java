package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.k3sautoscaler.core.scaledown.Placement;
import dev.k3sautoscaler.core.scaledown.Placement.Operator;
import dev.k3sautoscaler.core.scaledown.Placement.Requirement;
import dev.k3sautoscaler.core.scaledown.Placement.Toleration;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodPlacementsTest {

    @Test
    void whatTheSimulationModels_isReadFromTheSpec() {
        // GIVEN a spec with a selector, node affinity, tolerations and hostname anti-affinity
        PodSpec spec = new PodSpecBuilder().addToNodeSelector("disk", "ssd")
                .withNewAffinity()
                .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                .addNewMatchExpression().withKey("zone").withOperator("In").withValues("a", "b").endMatchExpression()
                .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
                .withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey("kubernetes.io/hostname").withNewLabelSelector().addToMatchLabels("app", "web")
                .endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                .endAffinity()
                .addNewToleration().withKey("dedicated").withOperator("Equal").withValue("gpu").withEffect("NoSchedule").endToleration()
                .addNewToleration().withOperator("Exists").endToleration()
                .build();

        // WHEN
        Placement placement = PodPlacements.of(spec);

        // THEN
        assertEquals(new Placement(Map.of("disk", "ssd"), List.of(List.of(new Requirement("zone", Operator.IN, List.of("a", "b")))),
                List.of(new Toleration("dedicated", false, "gpu", "NoSchedule"), new Toleration(null, true, null, null)),
                List.of(Map.of("app", "web")), null), placement);
    }

    @Test
    void whatItDoesNotModel_isNamed() {
        assertEquals("a topology spread constraint that must be satisfied", PodPlacements.of(new PodSpecBuilder()
                .addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("zone").withWhenUnsatisfiable("DoNotSchedule")
                .endTopologySpreadConstraint().build()).unmodelled());
        assertEquals("node affinity operator Gt", PodPlacements.of(new PodSpecBuilder().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().addNewMatchExpression()
                .withKey("cpus").withOperator("Gt").withValues("4").endMatchExpression().endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build()).unmodelled());
        assertEquals("required pod anti-affinity other than matchLabels on kubernetes.io/hostname", PodPlacements.of(
                new PodSpecBuilder().withNewAffinity().withNewPodAntiAffinity().addNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .withTopologyKey("topology.kubernetes.io/zone").withNewLabelSelector().addToMatchLabels("app", "web")
                        .endLabelSelector().endRequiredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                        .endAffinity().build()).unmodelled());
        // A spread constraint that may be unsatisfied binds nothing: the scheduler may ignore it, so may the simulation.
        assertNull(PodPlacements.of(new PodSpecBuilder().addNewTopologySpreadConstraint().withMaxSkew(1).withTopologyKey("zone")
                .withWhenUnsatisfiable("ScheduleAnyway").endTopologySpreadConstraint().build()).unmodelled());
    }
}
