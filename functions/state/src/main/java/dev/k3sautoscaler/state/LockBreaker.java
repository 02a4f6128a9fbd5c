package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateItemCodec.number;
import static dev.k3sautoscaler.state.StateItemCodec.string;

import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.state.StateTableSchema.State;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An operator's break-lock: not a lease holder's move, so apart from {@link ScalingLease}. It is
 * written like an outcome (the item's update and a LOCK_BROKEN event in one transaction, ordered by
 * the state version), so the audit trail has every request.
 */
public final class LockBreaker extends StateProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(LockBreaker.class);

    public LockBreaker(StateAccess state) {
        super(state);
    }

    /**
     * Removes the lease whatever its owner and writes who broke it, why, and the previous holder and
     * token to the event log, in one transaction. The fencing token is kept, so the previous
     * holder's next renew or record fails with LockLost and writes nothing. Breaking a free lock is
     * recorded too: the audit trail shows every request.
     */
    public RecordOutcomeOutput breakLock(String execution, String requestedBy, String why) {
        for (int attempt = 1; attempt <= StateAccess.MAX_WRITE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = state.readItem();
            long nowSeconds = state.nowSeconds();
            Instant now = state.nowMillis();
            String holder = string(item.get(State.LOCK_OWNER));
            long until = number(item.get(State.LOCK_UNTIL), 0);
            long token = number(item.get(State.FENCING_TOKEN), 0);
            String previous = holder == null
                    ? "nothing to break: the lock was free (token " + token + ")"
                    : (until > nowSeconds ? "lease of " : "expired lease of ") + holder + " (token " + token + ", until "
                            + Instant.ofEpochSecond(until) + ") removed";
            String reason = previous + "; by " + requestedBy + ": " + why;
            Outcome outcome = Outcome.of(OutcomeAction.LOCK_BROKEN, OutcomeResult.SUCCEEDED, 0, reason);
            String outcomeId = StateAccess.outcomeId(execution, token, outcome);
            String eventKey = StateAccess.eventKey(now, execution, outcomeId);
            Map<String, String> names = new HashMap<>(Map.of("#until", State.LOCK_UNTIL, "#owner", State.LOCK_OWNER,
                    "#token", State.FENCING_TOKEN));
            Map<String, AttributeValue> values = new HashMap<>(Map.of(
                    ":until", number(Math.min(until == 0 ? nowSeconds : until, nowSeconds))));
            String condition = StateAccess.versioned(item, outcomeId, execution, now, names, values);
            // Nobody acquired or released in between: the recorded previous holder is the one removed.
            if (token == 0) {
                condition += " AND attribute_not_exists(#token)";
            } else {
                condition += " AND #token = :token";
                values.put(":token", number(token));
            }
            if (holder == null) {
                condition += " AND attribute_not_exists(#owner)";
            } else {
                condition += " AND #owner = :holder";
                values.put(":holder", AttributeValue.fromS(holder));
            }
            var update = state.stateUpdate(StateAccess.VERSIONED_SET + ", #until = :until REMOVE #owner", condition,
                    names, values);
            if (state.writeWithEvent("break lock", attempt, update, state.eventPut(eventKey, now, execution, null, outcome))) {
                LOG.warn("lock broken by {}: {}", requestedBy, reason);
                return new RecordOutcomeOutput(true, eventKey, StateItemCodec.read(item), "recorded LOCK_BROKEN: " + reason);
            }
        }
        throw StateAccess.changedEveryAttempt("break lock");
    }
}
