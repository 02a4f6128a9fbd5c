package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.model.ScalingState;

/**
 * RecordOutcome's answer (also its step output, and BreakLock's).
 *
 * @param applied      false when this exact outcome was already recorded (a retried step): nothing applied twice
 * @param eventKey     the event-log sort key written (null when not applied)
 * @param state        the scaling state after the outcome
 * @param reason       one line for the operator
 * @param notification the notice the workflow publishes to SNS (docs/notifications.md); null from the store itself
 */
public record RecordResult(boolean applied, String eventKey, ScalingState state, String reason,
                           SnsNotification notification) {

    public RecordResult(boolean applied, String eventKey, ScalingState state, String reason) {
        this(applied, eventKey, state, reason, null);
    }

    public RecordResult withNotification(SnsNotification notice) {
        return new RecordResult(applied, eventKey, state, reason, notice);
    }
}
