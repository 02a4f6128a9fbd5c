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
public record RecordOutcomeOutput(boolean applied, String eventKey, ScalingState state, String reason,
                           SnsNotification notification) {

    public RecordOutcomeOutput(boolean applied, String eventKey, ScalingState state, String reason) {
        this(applied, eventKey, state, reason, null);
    }

    public RecordOutcomeOutput withNotification(SnsNotification notice) {
        return new RecordOutcomeOutput(applied, eventKey, state, reason, notice);
    }
}
