package dev.k3sautoscaler.testkit.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

class DisruptionBudgetsTest {
    @Test
    void disruptionsAllowed_followPolicyV1Arithmetic() {
        assertEquals(1, DisruptionBudgets.disruptionsAllowed(2, null, 3, 3));
        assertEquals(0, DisruptionBudgets.disruptionsAllowed(2, null, 2, 3));
        assertEquals(1, DisruptionBudgets.disruptionsAllowed(null, 1, 5, 5));
        assertEquals(0, DisruptionBudgets.disruptionsAllowed(null, 1, 4, 5));
        assertEquals(3, DisruptionBudgets.disruptionsAllowed(null, null, 3, 3), "neither bound: nothing to keep");
    }

    @Test
    void bounds_areCountsOrPercentagesRoundedUp() {
        assertEquals(2, DisruptionBudgets.bound(new IntOrString(2), 10));
        assertEquals(2, DisruptionBudgets.bound(new IntOrString("50%"), 3));
        assertEquals(null, DisruptionBudgets.bound(null, 3));
    }
}
