package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.model.ScalingState;

/**
 * RecordOutcome's answer (also its step output).
 *
 * @param applied  false when this exact outcome was already recorded (a retried step): nothing applied twice
 * @param eventKey the event-log sort key written (null when not applied)
 * @param state    the scaling state after the outcome
 * @param reason   one line for the operator
 */
public record RecordResult(boolean applied, String eventKey, ScalingState state, String reason) {
}
