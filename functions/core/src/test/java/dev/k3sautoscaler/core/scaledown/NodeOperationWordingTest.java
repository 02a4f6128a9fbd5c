package dev.k3sautoscaler.core.scaledown;

import dev.k3sautoscaler.core.words.WordingTables;
import static dev.k3sautoscaler.core.scaledown.DrainPurpose.REBALANCE;
import static dev.k3sautoscaler.core.scaledown.DrainPurpose.SCALE_DOWN;
import static dev.k3sautoscaler.core.scaledown.DrainPurpose.SPOT_INTERRUPTION;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of CordonNode, UncordonNode and DeleteNode: the only test that pins how they read. */
class NodeOperationWordingTest {

    static Stream<Arguments> cordons() {
        return Stream.of(
                row(new CordonOutcome.Cordoned("w1", SCALE_DOWN, false), "cordoned w1 for scale-down"
                        + " (spec.unschedulable=true, taint k3s-autoscaler/draining:NoSchedule)"),
                row(new CordonOutcome.Cordoned("w1", SPOT_INTERRUPTION, true), "cordoned w1 for spot-interruption"
                        + " (spec.unschedulable=true, taint k3s-autoscaler/draining:NoSchedule); it was already"
                        + " unschedulable, so UncordonNode will leave it cordoned"),
                row(new CordonOutcome.AlreadyCordoned("w1", SCALE_DOWN),
                        "w1 was already cordoned for scale-down: nothing to do"),
                row(new CordonOutcome.TookOver("w1", SCALE_DOWN, SPOT_INTERRUPTION),
                        "took w1 over from its scale-down drain for spot-interruption; that drain stops as preempted"),
                row(new CordonOutcome.LeftToHigherClaim("w1", SPOT_INTERRUPTION, REBALANCE),
                        "w1 is claimed by a spot-interruption drain, which outranks rebalance: left to it"));
    }

    static Stream<Arguments> uncordons() {
        return Stream.of(
                row(new UncordonOutcome.Uncordoned("w1", true),
                        "uncordoned w1: removed taint k3s-autoscaler/draining and set spec.unschedulable=false"),
                row(new UncordonOutcome.Uncordoned("w1", false), "uncordoned w1: removed taint k3s-autoscaler/draining;"
                        + " spec.unschedulable left true (it was cordoned before us)"),
                row(new UncordonOutcome.NodeGone("w1 (i-1)"), "w1 (i-1) no longer exists: nothing to uncordon"),
                row(new UncordonOutcome.NotOurs("w1"), "w1 carries no cordon of ours: left as it is"),
                row(new UncordonOutcome.ClaimedByOther("w1", SPOT_INTERRUPTION),
                        "w1 is claimed by a spot-interruption drain now: left cordoned for it"));
    }

    static Stream<Arguments> deletes() {
        return Stream.of(
                row(new DeleteOutcome.Deleted("w1"), "deleted Node w1 (K3s has no cloud controller to do it)"),
                row(new DeleteOutcome.AlreadyGone("instance i-1"), "instance i-1 is already gone"),
                row(new DeleteOutcome.GoneWhileDeleting("w1"), "w1 was already gone"));
    }

    private static Arguments row(Object outcome, String expected) {
        return Arguments.of(outcome, expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("cordons")
    void everyCordon_readsAsPinned(CordonOutcome outcome, String expected) {
        assertEquals(expected, NodeOperationWording.cordon(outcome));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("uncordons")
    void everyUncordon_readsAsPinned(UncordonOutcome outcome, String expected) {
        assertEquals(expected, NodeOperationWording.uncordon(outcome));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("deletes")
    void everyDelete_readsAsPinned(DeleteOutcome outcome, String expected) {
        assertEquals(expected, NodeOperationWording.delete(outcome));
    }

    @Test
    void theTables_coverEveryCode() {
                                WordingTables.assertCoversEveryCode(cordons(), CordonOutcome.class, CordonOutcome::code, CordonOutcome.Code.class);
        WordingTables.assertCoversEveryCode(uncordons(), UncordonOutcome.class, UncordonOutcome::code, UncordonOutcome.Code.class);
        WordingTables.assertCoversEveryCode(deletes(), DeleteOutcome.class, DeleteOutcome::code, DeleteOutcome.Code.class);
    }
}
