package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.ScalingAction;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StateItemCodecTest {
    @Test
    void failedAction_unreadable_isUnknown_soBothDirectionsBackOff() {
        // GIVEN a state item whose failed_action someone edited by hand
        Map<String, AttributeValue> item = Map.of(
                StateTableSchema.State.CONSECUTIVE_FAILURES, AttributeValue.fromN("2"),
                StateTableSchema.State.LAST_FAILURE_AT, AttributeValue.fromS("2026-11-23T10:00:00Z"),
                StateTableSchema.State.FAILED_ACTION, AttributeValue.fromS("SCALE_SIDEWAYS"));

        // WHEN read / THEN it is read, not thrown on, and the failures hold back scale-ups too
        var state = StateItemCodec.read(item);
        assertNull(state.failedAction());
        assertTrue(state.failuresBlockScaleUp());
        assertEquals(ScalingAction.SCALE_DOWN, StateItemCodec.failedAction("SCALE_DOWN"));
    }
}
