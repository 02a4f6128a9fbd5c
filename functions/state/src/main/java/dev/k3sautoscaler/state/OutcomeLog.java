package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateItemCodec.number;
import static dev.k3sautoscaler.state.StateItemCodec.string;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeRules;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.state.StateTableSchema.State;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * RecordOutcome's writes: what a step did, applied to the scaling state by
 * {@link OutcomeRules} (cooldowns, failure memory, launches in flight, unavailable offerings,
 * blocked nodes) and appended to the event log, in one transaction, under the lease or — for the
 * lockless actions — ordered by the state version alone.
 */
public final class OutcomeLog extends StateProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeLog.class);

    public OutcomeLog(StateAccess state) {
        super(state);
    }

    /**
     * Applies {@code outcome} to the state and appends it to the event log, atomically. With a
     * lease, the write happens only while that lease is current; without one (Spot drains, which
     * never wait for the lock) only the {@link OutcomeAction#lockless()} actions are accepted and the write is ordered by the state
     * version (also PAUSE, RESUME: an operator's pause must work while an actuation holds the
     * lock). A retried call with the same outcome is recognized and not applied twice.
     *
     * @throws LockLost when the lease is no longer current
     */
    public RecordOutcomeOutput record(String execution, Lease lease, Outcome outcome) {
        if (lease == null && !outcome.action().lockless()) {
            throw new IllegalArgumentException(outcome.action() + " is recorded under a lease; only SPOT_DRAIN, PAUSE "
                    + "and RESUME may omit it");
        }
        String outcomeId = StateAccess.outcomeId(execution, lease == null ? null : lease.fencingToken(), outcome);
        for (int attempt = 1; attempt <= StateAccess.MAX_WRITE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = state.readItem();
            if (lease != null && !ScalingLease.isCurrent(lease, item)) {
                throw ScalingLease.lockLost("record", lease, item);
            }
            ScalingState before = StateItemCodec.read(item);
            if (outcomeId.equals(string(item.get(State.LAST_OUTCOME_ID)))) {
                return new RecordOutcomeOutput(false, null, before,
                        "already recorded: " + outcome.action() + " " + outcome.result() + " (a retried step); not applied twice");
            }
            Instant now = state.nowMillis();
            ScalingState after = OutcomeRules.apply(before, outcome, now);
            String eventKey = StateAccess.eventKey(now, execution, outcomeId);
            // On a conflict the lease or the state version changed under us: re-read, which tells which one.
            if (state.writeWithEvent("record outcome", attempt, stateUpdate(item, lease, after, outcomeId, execution, now),
                    state.eventPut(eventKey, now, execution, lease, outcome))) {
                LOG.info("recorded {} {} as {}", outcome.action(), outcome.result(), eventKey);
                return new RecordOutcomeOutput(true, eventKey, after,
                        "recorded " + outcome.action() + " " + outcome.result() + ": " + outcome.reason());
            }
        }
        throw StateAccess.changedEveryAttempt("record outcome");
    }

    private Update stateUpdate(Map<String, AttributeValue> item, Lease lease, ScalingState after, String outcomeId,
                               String execution, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = StateAccess.versioned(item, outcomeId, execution, now, names, values);
        String update = StateAccess.VERSIONED_SET + StateItemCodec.updateClauses(after, names, values);
        if (lease != null) {
            condition += " AND " + ScalingLease.LEASE_IS_CURRENT;
            names.put("#owner", State.LOCK_OWNER);
            names.put("#token", State.FENCING_TOKEN);
            values.put(":owner", AttributeValue.fromS(lease.owner()));
            values.put(":token", number(lease.fencingToken()));
        }
        return state.stateUpdate(update, condition, names, values);
    }
}
