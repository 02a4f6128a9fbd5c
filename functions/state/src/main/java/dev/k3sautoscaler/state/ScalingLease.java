package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateItemCodec.number;
import static dev.k3sautoscaler.state.StateItemCodec.string;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.LeaseOutcome;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.state.StateTableSchema.State;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The scaling lock as the holder sees it: acquire, renew (also the {@link LeaseFence}) and release,
 * each one conditional write on the cluster's state item; the conditions and why each exists are in
 * docs/state.md. An operator's override is {@link LockBreaker}.
 *
 * <p>Lease times are whole epoch seconds. A release sets {@code lock_until} to the release time
 * (and removes the owner) instead of deleting it, so "the next lease starts no earlier than the
 * previous one ended" holds by the acquire condition alone.
 */
public final class ScalingLease extends StateProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ScalingLease.class);
    /** Only the current owner with the current fencing token matches; any acquisition since changed the token. */
    static final String LEASE_IS_CURRENT = "#owner = :owner AND #token = :token";

    public ScalingLease(StateAccess state) {
        super(state);
    }

    /**
     * Takes the lock for {@code owner} if no live lease exists (never held, released, or expired),
     * or if {@code owner} already holds it (a retried AcquireLock whose first answer was lost).
     * Returns the new lease and the state, or who holds the lock and until when.
     */
    public AcquireLockOutput acquire(String owner) {
        long now = state.nowSeconds();
        long until = now + state.settings().lockTtl().toSeconds();
        Map<String, String> names = Map.of("#owner", State.LOCK_OWNER, "#until", State.LOCK_UNTIL,
                "#acquired", State.LOCK_ACQUIRED_AT, "#token", State.FENCING_TOKEN);
        Map<String, AttributeValue> values = Map.of(":owner", AttributeValue.fromS(owner), ":now", number(now),
                ":until", number(until), ":zero", number(0), ":one", number(1));
        try {
            UpdateItemResponse response = DynamoErrors.call("acquire lock", () -> state.dynamo().updateItem(r -> r
                    .tableName(state.settings().stateTable())
                    .key(state.stateKey())
                    .updateExpression("SET #owner = :owner, #until = :until, #acquired = :now, "
                            + "#token = if_not_exists(#token, :zero) + :one")
                    .conditionExpression("attribute_not_exists(#until) OR #until <= :now OR #owner = :owner")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            Map<String, AttributeValue> item = response.attributes();
            Lease lease = new Lease(owner, number(item.get(State.FENCING_TOKEN), 0), Instant.ofEpochSecond(until));
            ScalingState scaling = StateItemCodec.read(item);
            LOG.info("lock acquired: token {} until {}", lease.fencingToken(), lease.expiresAt());
            return AcquireLockOutput.acquired(lease, scaling);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = e.hasItem() ? e.item() : state.readItem();
            String holder = string(item.get(State.LOCK_OWNER));
            Instant heldUntil = Instant.ofEpochSecond(number(item.get(State.LOCK_UNTIL), now));
            LeaseOutcome busy = holder == null
                    ? new LeaseOutcome.BusyReleasedLater(heldUntil, Instant.ofEpochSecond(now))
                    : new LeaseOutcome.Busy(holder, heldUntil, number(item.get(State.FENCING_TOKEN), 0));
            AcquireLockOutput result = AcquireLockOutput.busy(holder, heldUntil, busy);
            LOG.info(result.reason());
            return result;
        }
    }

    /**
     * Extends the lease to now + LOCK_TTL_SEC, only for its owner with the current fencing token.
     *
     * @throws LockLost when the lease was released or another execution acquired the lock since
     */
    public RenewResult renew(Lease lease) {
        long until = state.nowSeconds() + state.settings().lockTtl().toSeconds();
        try {
            DynamoErrors.call("renew lock", () -> state.dynamo().updateItem(r -> r
                    .tableName(state.settings().stateTable())
                    .key(state.stateKey())
                    .updateExpression("SET #until = :until")
                    .conditionExpression(LEASE_IS_CURRENT)
                    .expressionAttributeNames(Map.of("#owner", State.LOCK_OWNER, "#token", State.FENCING_TOKEN,
                            "#until", State.LOCK_UNTIL))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(lease.owner()),
                            ":token", number(lease.fencingToken()), ":until", number(until)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        } catch (ConditionalCheckFailedException e) {
            throw lockLost("renew", lease, e.hasItem() ? e.item() : state.readItem());
        }
        Lease renewed = new Lease(lease.owner(), lease.fencingToken(), Instant.ofEpochSecond(until));
        LOG.info("lock renewed: token {} until {}", renewed.fencingToken(), renewed.expiresAt());
        return RenewResult.of(renewed);
    }

    /**
     * Releases the lease if it is still the current one. Idempotent: an already released or
     * superseded lease is reported, and never releases another execution's lock.
     */
    public ReleaseLockOutput release(Lease lease) {
        long now = state.nowSeconds();
        try {
            Map<String, AttributeValue> released = releaseIf(LEASE_IS_CURRENT, now, Map.of("#token", State.FENCING_TOKEN),
                    Map.of(":owner", AttributeValue.fromS(lease.owner()), ":token", number(lease.fencingToken())));
            return released(released, now, false);
        } catch (ConditionalCheckFailedException e) {
            ReleaseLockOutput result = notReleased(lease, e.hasItem() ? e.item() : state.readItem());
            LOG.info(result.reason());
            return result;
        }
    }

    /**
     * Releases whatever lease {@code owner} holds, whatever its token: for an execution whose
     * AcquireLock answers were all lost (the lock may be its own, it cannot know the token). Safe
     * because the owner is the execution's name, unique per execution: no one else's lock matches.
     */
    public ReleaseLockOutput releaseHeldBy(String owner) {
        long now = state.nowSeconds();
        try {
            Map<String, AttributeValue> released = releaseIf("#owner = :owner", now, Map.of(),
                    Map.of(":owner", AttributeValue.fromS(owner)));
            return released(released, now, true);
        } catch (ConditionalCheckFailedException e) {
            return ReleaseLockOutput.notReleased(new LeaseOutcome.OwnerHoldsNone(owner));
        }
    }

    /** Frees the lock when {@code condition} holds: the owner removed, {@code until = now}. Returns the item as it was. */
    private Map<String, AttributeValue> releaseIf(String condition, long now, Map<String, String> names,
                                                  Map<String, AttributeValue> values) {
        Map<String, String> allNames = new HashMap<>(names);
        allNames.putAll(Map.of("#owner", State.LOCK_OWNER, "#until", State.LOCK_UNTIL));
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":now", number(now));
        return DynamoErrors.call("release lock", () -> state.dynamo().updateItem(r -> r
                .tableName(state.settings().stateTable())
                .key(state.stateKey())
                .updateExpression("SET #until = :now REMOVE #owner")
                .conditionExpression(condition)
                .expressionAttributeNames(allNames)
                .expressionAttributeValues(allValues)
                .returnValues(ReturnValue.ALL_OLD)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))).attributes();
    }

    private static ReleaseLockOutput released(Map<String, AttributeValue> before, long now, boolean answerLost) {
        // How long this lease held the lock (acquired_at is written by every acquisition).
        long token = number(before.get(State.FENCING_TOKEN), 0);
        long heldFor = Math.max(0, now - number(before.get(State.LOCK_ACQUIRED_AT), now));
        LOG.info("lock released: token {} after {} s{}", token, heldFor, answerLost ? ", its acquisition's answer lost" : "");
        return ReleaseLockOutput.released(new LeaseOutcome.Released(token, heldFor, answerLost), Instant.ofEpochSecond(now));
    }

    private static ReleaseLockOutput notReleased(Lease lease, Map<String, AttributeValue> item) {
        long current = number(item.get(State.FENCING_TOKEN), 0);
        String holder = string(item.get(State.LOCK_OWNER));
        if (current > lease.fencingToken()) {
            return ReleaseLockOutput.notReleased(new LeaseOutcome.Superseded(lease.fencingToken(), current, holder));
        }
        if (current == lease.fencingToken() && holder == null) {
            return ReleaseLockOutput.notReleased(new LeaseOutcome.AlreadyReleased(lease.fencingToken()));
        }
        return ReleaseLockOutput.notReleased(new LeaseOutcome.NotHeld(lease.fencingToken(), lease.owner(), current));
    }

    /** The item as read still carries this lease: same owner, same fencing token. */
    static boolean isCurrent(Lease lease, Map<String, AttributeValue> item) {
        return lease.owner().equals(string(item.get(State.LOCK_OWNER)))
                && lease.fencingToken() == number(item.get(State.FENCING_TOKEN), 0);
    }

    static LockLost lockLost(String operation, Lease lease, Map<String, AttributeValue> item) {
        long current = number(item.get(State.FENCING_TOKEN), 0);
        String holder = string(item.get(State.LOCK_OWNER));
        String now = holder == null ? "the lock is free" : "the lock is held by " + holder;
        LockLost lost = new LockLost("cannot " + operation + ": lease token " + lease.fencingToken() + " of "
                + lease.owner() + " is no longer current (" + now + ", token " + current + "); nothing written");
        LOG.warn(lost.getMessage());
        return lost;
    }
}
