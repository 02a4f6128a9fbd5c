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
        return apply(execution, lease, outcome, null).output();
    }

    /**
     * What a record answered, and the state the outcome was applied to (null when it was not applied):
     * its launches in flight are the ones a join's latency is measured from.
     */
    record Recorded(RecordOutcomeOutput output, ScalingState before) {
    }

    /**
     * As {@link #record(String, Lease, Outcome)}; with a {@code basis} — the state the execution read
     * earlier — the first write goes against it without reading the item. That write's condition holds
     * only at the basis's version (and, with a lease, only while it is current); when it fails, the
     * item is read and the outcome applied again as without a basis, which also tells a lost lease and
     * a retried call apart.
     */
    Recorded apply(String execution, Lease lease, Outcome outcome, StateBasis basis) {
        if (lease == null && !outcome.action().lockless()) {
            throw new IllegalArgumentException(outcome.action() + " is recorded under a lease; only SPOT_DRAIN, PAUSE "
                    + "and RESUME may omit it");
        }
        String outcomeId = StateAccess.outcomeId(execution, lease == null ? null : lease.fencingToken(), outcome);
        if (basis != null) {
            RecordOutcomeOutput written = write(execution, lease, outcome, outcomeId, basis, 0);
            if (written != null) {
                return new Recorded(written, basis.state());
            }
        }
        for (int attempt = 1; attempt <= StateAccess.MAX_WRITE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = state.readItem();
            if (lease != null && !ScalingLease.isCurrent(lease, item)) {
                throw ScalingLease.lockLost("record", lease, item);
            }
            StateBasis current = new StateBasis(StateAccess.version(item), StateItemCodec.read(item));
            if (outcomeId.equals(string(item.get(State.LAST_OUTCOME_ID)))) {
                return new Recorded(new RecordOutcomeOutput(false, null, current.state(),
                        "already recorded: " + outcome.action() + " " + outcome.result() + " (a retried step); not applied twice"),
                        null);
            }
            RecordOutcomeOutput written = write(execution, lease, outcome, outcomeId, current, attempt);
            if (written != null) {
                return new Recorded(written, current.state());
            }
        }
        throw StateAccess.changedEveryAttempt("record outcome");
    }

    /** One conditional write of {@code outcome} applied to {@code before}; null when the condition failed. */
    private RecordOutcomeOutput write(String execution, Lease lease, Outcome outcome, String outcomeId, StateBasis before,
                                      int attempt) {
        Instant now = state.nowMillis();
        ScalingState after = OutcomeRules.apply(before.state(), outcome, now);
        String eventKey = StateAccess.eventKey(now, execution, outcomeId);
        // On a conflict the lease or the state version changed under us: the caller re-reads, which tells which one.
        if (!state.writeWithEvent("record outcome", attempt, stateUpdate(before.version(), lease, after, outcomeId, execution, now),
                state.eventPut(eventKey, now, execution, lease, outcome))) {
            return null;
        }
        LOG.info("recorded {} {} as {}", outcome.action(), outcome.result(), eventKey);
        return new RecordOutcomeOutput(true, eventKey, after,
                "recorded " + outcome.action() + " " + outcome.result() + ": " + outcome.reason());
    }

    private Update stateUpdate(long version, Lease lease, ScalingState after, String outcomeId,
                               String execution, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = StateAccess.versioned(version, outcomeId, execution, now, names, values);
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
