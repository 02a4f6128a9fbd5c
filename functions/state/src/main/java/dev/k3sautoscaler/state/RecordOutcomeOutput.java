package dev.k3sautoscaler.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.Outcome;

/**
 * RecordOutcome's answer (also its step output, and BreakLock's).
 *
 * @param applied      false when this exact outcome was already recorded (a retried step): nothing applied twice
 * @param eventKey     the event-log sort key written (null when not applied)
 * @param state        the scaling state after the outcome
 * @param reason       one line for the operator
 * @param notification the notice the workflow publishes to SNS (docs/notifications.md); null from the store itself
 * @param failure      a scale-down of several workers where an error ended one: the execution ends with it
 *                     after the lock is released (absent otherwise)
 */
public record RecordOutcomeOutput(boolean applied, String eventKey, ScalingState state, String reason,
                                  SnsNotification notification,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Failure failure) {

    /** Shaped like a Catch's error output, so the workflow's failure path reads it unchanged. */
    public record Failure(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {
    }

    public RecordOutcomeOutput(boolean applied, String eventKey, ScalingState state, String reason) {
        this(applied, eventKey, state, reason, null, null);
    }

    public RecordOutcomeOutput withNotification(SnsNotification notice) {
        return new RecordOutcomeOutput(applied, eventKey, state, reason, notice, failure);
    }

    /** The first failed removal of {@code outcome}, if any, as the failure the execution ends with. */
    public RecordOutcomeOutput withFailureOf(Outcome outcome) {
        Failure first = outcome.firstFailedRemoval()
                .map(r -> new Failure(r.error() != null ? r.error() : "States.TaskFailed", r.node() + ": " + r.reason()))
                .orElse(null);
        return new RecordOutcomeOutput(applied, eventKey, state, reason, notification, first);
    }
}
