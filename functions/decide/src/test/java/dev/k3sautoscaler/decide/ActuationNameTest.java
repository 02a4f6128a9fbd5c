package dev.k3sautoscaler.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActuationNameTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:34:56Z");

    private static ScalingState inFlight(PendingLaunch... launches) {
        return new ScalingState(null, null, null, 0, List.of(launches), List.of(), false, null);
    }

    private static PendingLaunch launch(String instanceId, String launchedAt) {
        return new PendingLaunch(instanceId, "t3.small", "us-east-1a", Instant.parse(launchedAt));
    }

    @Test
    void nothingInFlight_isNamedByWhatItDoesAndTheMinute() {
        assertEquals("scale-up-20261123-1234", ActuationName.of(ScalingAction.SCALE_UP, NOW, inFlight()));
        assertEquals("scale-down-20261123-1234", ActuationName.of(ScalingAction.SCALE_DOWN, NOW, inFlight()));
    }

    @Test
    void ticksThatReadTheSameState_getTheSameName_soOneActuationStarts() {
        ScalingState seen = inFlight(launch("i-0a", "2026-11-23T12:34:10Z"));

        assertEquals(ActuationName.of(ScalingAction.SCALE_UP, NOW, seen),
                ActuationName.of(ScalingAction.SCALE_UP, NOW.plusSeconds(3), seen));
    }

    @Test
    void aTickThatSawAnEarlierActuationsLaunch_isNamedAfterTheNewestLaunch() {
        ScalingState seen = inFlight(launch("i-0b", "2026-11-23T12:34:20Z"), launch("i-0a", "2026-11-23T12:34:10Z"),
                launch("i-0c", "2026-11-23T12:34:20Z"));

        String name = ActuationName.of(ScalingAction.SCALE_UP, NOW, seen);

        assertEquals("scale-up-20261123-1234-after-i-0c", name);
        assertNotEquals(ActuationName.of(ScalingAction.SCALE_UP, NOW, inFlight()), name);
    }

    @Test
    void aLaunchRecordedWithoutItsTime_countsAsTheOldest_insteadOfFailingTheDecision() {
        ScalingState seen = inFlight(new PendingLaunch("i-0old", "t3.small", "us-east-1a", null),
                launch("i-0new", "2026-11-23T12:34:20Z"));

        assertEquals("scale-up-20261123-1234-after-i-0new", ActuationName.of(ScalingAction.SCALE_UP, NOW, seen));
    }

    @Test
    void theLongestName_fitsStepFunctionsExecutionNames() {
        String name = ActuationName.of(ScalingAction.SCALE_DOWN, NOW, inFlight(launch("i-0123456789abcdef0", "2026-11-23T12:34:10Z")));

        assertTrue(name.length() <= 80, name);
        assertTrue(name.matches("[A-Za-z0-9_-]+"), name);
    }
}
