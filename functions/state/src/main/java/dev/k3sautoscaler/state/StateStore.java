package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateItemCodec.number;
import static dev.k3sautoscaler.state.StateItemCodec.string;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.core.state.OutcomeRules;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.errors.StateStoreUnavailable;
import dev.k3sautoscaler.state.StateTableSchema.EventLog;
import dev.k3sautoscaler.state.StateTableSchema.State;
import dev.k3sautoscaler.state.idempotency.PayloadHash;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The cluster's state item and event log on DynamoDB: the scaling lock (acquire, renew, release),
 * recording outcomes under the lease, and reading state and events. Every lock transition is one
 * conditional write; the conditions and why each exists are in docs/state.md.
 *
 * <p>Lease times are whole epoch seconds. A release sets {@code lock_until} to the release time
 * (and removes the owner) instead of deleting it, so "the next lease starts no earlier than the
 * previous one ended" holds by the acquire condition alone.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    /** Optimistic retries of a state write when a lockless Spot record races it; more means something is looping. */
    static final int MAX_WRITE_ATTEMPTS = 5;
    /** Sortable event time: fixed width so string order is time order (Instant.toString drops zero millis). */
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Characters of the outcome hash in the event key: tells apart two outcomes of one execution in one millisecond. */
    private static final int EVENT_KEY_HASH_CHARS = 8;
    /** Only the current owner with the current fencing token matches; any acquisition since changed the token. */
    private static final String LEASE_IS_CURRENT = "#owner = :owner AND #token = :token";

    private final DynamoDbClient dynamo;
    private final StateSettings settings;
    private final Clock clock;

    public StateStore(DynamoDbClient dynamo, StateSettings settings, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** For Lambda: settings from the environment, the client from AwsClients, the system clock. */
    public static StateStore fromEnvironment(Map<String, String> environment) {
        StateSettings settings = StateSettings.fromEnvironment(environment);
        return new StateStore(StateClients.fromEnvironment(environment), settings, Clock.systemUTC());
    }

    public StateSettings settings() {
        return settings;
    }

    /** The clock leases and events are stamped with (durations measured against them use it too). */
    public Clock clock() {
        return clock;
    }

    public String clusterId() {
        return settings.clusterId();
    }

    /**
     * Takes the lock for {@code owner} if no live lease exists (never held, released, or expired),
     * or if {@code owner} already holds it (a retried AcquireLock whose first answer was lost).
     * Returns the new lease and the state, or who holds the lock and until when.
     */
    public AcquireResult acquire(String owner) {
        long now = nowSeconds();
        long until = now + settings.lockTtl().toSeconds();
        Map<String, String> names = Map.of("#owner", State.LOCK_OWNER, "#until", State.LOCK_UNTIL,
                "#acquired", State.LOCK_ACQUIRED_AT, "#token", State.FENCING_TOKEN);
        Map<String, AttributeValue> values = Map.of(":owner", AttributeValue.fromS(owner), ":now", number(now),
                ":until", number(until), ":zero", number(0), ":one", number(1));
        try {
            UpdateItemResponse response = DynamoErrors.call("acquire lock", () -> dynamo.updateItem(r -> r
                    .tableName(settings.stateTable())
                    .key(stateKey())
                    .updateExpression("SET #owner = :owner, #until = :until, #acquired = :now, "
                            + "#token = if_not_exists(#token, :zero) + :one")
                    .conditionExpression("attribute_not_exists(#until) OR #until <= :now OR #owner = :owner")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            Map<String, AttributeValue> item = response.attributes();
            Lease lease = new Lease(owner, number(item.get(State.FENCING_TOKEN), 0), Instant.ofEpochSecond(until));
            ScalingState state = StateItemCodec.read(item);
            LOG.info("lock acquired: token {} until {}", lease.fencingToken(), lease.expiresAt());
            return AcquireResult.acquired(lease, state, "lock acquired (token " + lease.fencingToken()
                    + ", until " + lease.expiresAt() + ")");
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = e.hasItem() ? e.item() : readItem();
            String holder = string(item.get(State.LOCK_OWNER));
            Instant heldUntil = Instant.ofEpochSecond(number(item.get(State.LOCK_UNTIL), now));
            String reason = holder == null
                    // Released at a time this call's clock has not reached: clocks of two Lambdas differ by a fraction of a second.
                    ? "lock busy: released at " + heldUntil + ", later than this call's clock " + Instant.ofEpochSecond(now)
                    : "lock busy: held by " + holder + " until " + heldUntil
                            + " (token " + number(item.get(State.FENCING_TOKEN), 0) + ")";
            LOG.info(reason);
            return AcquireResult.busy(holder, heldUntil, reason);
        }
    }

    /**
     * Extends the lease to now + LOCK_TTL_SEC, only for its owner with the current fencing token.
     *
     * @throws LockLost when the lease was released or another execution acquired the lock since
     */
    public RenewResult renew(Lease lease) {
        long until = nowSeconds() + settings.lockTtl().toSeconds();
        try {
            DynamoErrors.call("renew lock", () -> dynamo.updateItem(r -> r
                    .tableName(settings.stateTable())
                    .key(stateKey())
                    .updateExpression("SET #until = :until")
                    .conditionExpression(LEASE_IS_CURRENT)
                    .expressionAttributeNames(Map.of("#owner", State.LOCK_OWNER, "#token", State.FENCING_TOKEN,
                            "#until", State.LOCK_UNTIL))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(lease.owner()),
                            ":token", number(lease.fencingToken()), ":until", number(until)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        } catch (ConditionalCheckFailedException e) {
            throw lockLost("renew", lease, e.hasItem() ? e.item() : readItem());
        }
        Lease renewed = new Lease(lease.owner(), lease.fencingToken(), Instant.ofEpochSecond(until));
        LOG.info("lock renewed: token {} until {}", renewed.fencingToken(), renewed.expiresAt());
        return new RenewResult(renewed, "lock renewed until " + renewed.expiresAt() + " (token " + renewed.fencingToken() + ")");
    }

    /**
     * Releases the lease if it is still the current one. Idempotent: an already released or
     * superseded lease is reported, and never releases another execution's lock.
     */
    public ReleaseResult release(Lease lease) {
        long now = nowSeconds();
        try {
            Map<String, AttributeValue> released = releaseIf(LEASE_IS_CURRENT, now, Map.of("#token", State.FENCING_TOKEN),
                    Map.of(":owner", AttributeValue.fromS(lease.owner()), ":token", number(lease.fencingToken())));
            return released(released, now, "");
        } catch (ConditionalCheckFailedException e) {
            ReleaseResult result = notReleased(lease, e.hasItem() ? e.item() : readItem());
            LOG.info(result.reason());
            return result;
        }
    }

    /**
     * Releases whatever lease {@code owner} holds, whatever its token: for an execution whose
     * AcquireLock answers were all lost (the lock may be its own, it cannot know the token). Safe
     * because the owner is the execution's name, unique per execution: no one else's lock matches.
     */
    public ReleaseResult releaseHeldBy(String owner) {
        long now = nowSeconds();
        try {
            Map<String, AttributeValue> released = releaseIf("#owner = :owner", now, Map.of(),
                    Map.of(":owner", AttributeValue.fromS(owner)));
            return released(released, now, ", its acquisition's answer lost");
        } catch (ConditionalCheckFailedException e) {
            return new ReleaseResult(false, ReleaseResult.Status.NOT_HELD, null, null,
                    "nothing released: " + owner + " holds no lease");
        }
    }

    /** Frees the lock when {@code condition} holds: the owner removed, {@code until = now}. Returns the item as it was. */
    private Map<String, AttributeValue> releaseIf(String condition, long now, Map<String, String> names,
                                                  Map<String, AttributeValue> values) {
        Map<String, String> allNames = new java.util.HashMap<>(names);
        allNames.putAll(Map.of("#owner", State.LOCK_OWNER, "#until", State.LOCK_UNTIL));
        Map<String, AttributeValue> allValues = new java.util.HashMap<>(values);
        allValues.put(":now", number(now));
        return DynamoErrors.call("release lock", () -> dynamo.updateItem(r -> r
                .tableName(settings.stateTable())
                .key(stateKey())
                .updateExpression("SET #until = :now REMOVE #owner")
                .conditionExpression(condition)
                .expressionAttributeNames(allNames)
                .expressionAttributeValues(allValues)
                .returnValues(ReturnValue.ALL_OLD)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))).attributes();
    }

    private static ReleaseResult released(Map<String, AttributeValue> before, long now, String note) {
        // How long this lease held the lock (acquired_at is written by every acquisition).
        long token = number(before.get(State.FENCING_TOKEN), 0);
        long heldFor = Math.max(0, now - number(before.get(State.LOCK_ACQUIRED_AT), now));
        LOG.info("lock released: token {} after {} s{}", token, heldFor, note);
        return new ReleaseResult(true, ReleaseResult.Status.RELEASED, Instant.ofEpochSecond(now), heldFor,
                "lock released (token " + token + ", held " + heldFor + " s" + note + ")");
    }

    private static ReleaseResult notReleased(Lease lease, Map<String, AttributeValue> item) {
        long current = number(item.get(State.FENCING_TOKEN), 0);
        String holder = string(item.get(State.LOCK_OWNER));
        if (current > lease.fencingToken()) {
            return new ReleaseResult(false, ReleaseResult.Status.SUPERSEDED, null, null, "nothing released: token "
                    + lease.fencingToken() + " was superseded by token " + current
                    + (holder == null ? " (since released)" : " held by " + holder));
        }
        if (current == lease.fencingToken() && holder == null) {
            return new ReleaseResult(false, ReleaseResult.Status.ALREADY_RELEASED, null, null,
                    "already released (token " + lease.fencingToken() + "); nothing to do");
        }
        return new ReleaseResult(false, ReleaseResult.Status.NOT_HELD, null, null, "nothing released: no lease token "
                + lease.fencingToken() + " for " + lease.owner() + " (current token " + current + ")");
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
    public RecordResult record(String execution, Lease lease, Outcome outcome) {
        if (lease == null && !outcome.action().lockless()) {
            throw new IllegalArgumentException(outcome.action() + " is recorded under a lease; only SPOT_DRAIN, PAUSE "
                    + "and RESUME may omit it");
        }
        String outcomeId = PayloadHash.of(new OutcomeIdentity(execution, lease == null ? null : lease.fencingToken(), outcome));
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = readItem();
            if (lease != null && !leaseIsCurrent(lease, item)) {
                throw lockLost("record", lease, item);
            }
            ScalingState before = StateItemCodec.read(item);
            if (outcomeId.equals(string(item.get(State.LAST_OUTCOME_ID)))) {
                return new RecordResult(false, null, before,
                        "already recorded: " + outcome.action() + " " + outcome.result() + " (a retried step); not applied twice");
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            ScalingState after = OutcomeRules.apply(before, outcome, now);
            String eventKey = EVENT_TIME.format(now) + "#" + execution + "#" + outcomeId.substring(0, EVENT_KEY_HASH_CHARS);
            // On a conflict the lease or the state version changed under us: re-read, which tells which one.
            if (writeWithEvent("record outcome", attempt, stateUpdate(item, lease, after, outcomeId, execution, now),
                    eventPut(eventKey, now, execution, lease, outcome))) {
                LOG.info("recorded {} {} as {}", outcome.action(), outcome.result(), eventKey);
                return new RecordResult(true, eventKey, after,
                        "recorded " + outcome.action() + " " + outcome.result() + ": " + outcome.reason());
            }
        }
        throw changedEveryAttempt("record outcome");
    }

    /**
     * The state item's update and its event, in one transaction. False when a condition failed or
     * the transaction conflicted (someone wrote the item meanwhile: the caller re-reads and tries
     * again); any other failure is a named error.
     */
    private boolean writeWithEvent(String what, int attempt, Update stateUpdate, Put event) {
        try {
            DynamoErrors.call(what, () -> dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(stateUpdate).build(),
                    TransactWriteItem.builder().put(event).build())));
            return true;
        } catch (TransactionCanceledException e) {
            if (!onlyConditionOrConflict(e)) {
                throw DynamoErrors.translate(what, e);
            }
            LOG.info("state changed during {} (attempt {}): {}", what, attempt, e.cancellationReasons());
            return false;
        }
    }

    private static StateStoreUnavailable changedEveryAttempt(String what) {
        return new StateStoreUnavailable(what + ": the state item changed during each of " + MAX_WRITE_ATTEMPTS
                + " attempts; retry", null);
    }

    /** What makes two record calls "the same outcome": a retried step repeats all three. */
    private record OutcomeIdentity(String execution, Long fencingToken, Outcome outcome) {
    }

    private Update stateUpdate(Map<String, AttributeValue> item, Lease lease, ScalingState after, String outcomeId,
                               String execution, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        long version = number(item.get(State.STATE_VERSION), 0);
        names.put("#version", State.STATE_VERSION);
        names.put("#outcome", State.LAST_OUTCOME_ID);
        names.put("#by", State.UPDATED_BY);
        names.put("#at", State.UPDATED_AT);
        values.put(":next", number(version + 1));
        values.put(":outcome", AttributeValue.fromS(outcomeId));
        values.put(":by", AttributeValue.fromS(execution));
        values.put(":at", AttributeValue.fromS(now.toString()));
        String update = "SET #version = :next, #outcome = :outcome, #by = :by, #at = :at"
                + StateItemCodec.updateClauses(after, names, values);
        String condition;
        if (version == 0) {
            condition = "attribute_not_exists(#version)";
        } else {
            condition = "#version = :version";
            values.put(":version", number(version));
        }
        if (lease != null) {
            condition += " AND " + LEASE_IS_CURRENT;
            names.put("#owner", State.LOCK_OWNER);
            names.put("#token", State.FENCING_TOKEN);
            values.put(":owner", AttributeValue.fromS(lease.owner()));
            values.put(":token", number(lease.fencingToken()));
        }
        return Update.builder()
                .tableName(settings.stateTable())
                .key(stateKey())
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    private Put eventPut(String eventKey, Instant now, String execution, Lease lease, Outcome outcome) {
        Map<String, AttributeValue> event = new LinkedHashMap<>();
        event.put(EventLog.CLUSTER_ID, AttributeValue.fromS(clusterId()));
        event.put(EventLog.EVENT_KEY, AttributeValue.fromS(eventKey));
        event.put(EventLog.AT, AttributeValue.fromS(now.toString()));
        event.put(EventLog.EXECUTION, AttributeValue.fromS(execution));
        event.put(EventLog.ACTION, AttributeValue.fromS(outcome.action().name()));
        event.put(EventLog.RESULT, AttributeValue.fromS(outcome.result().name()));
        event.put(EventLog.COUNT, number(outcome.count()));
        event.put(EventLog.INSTANCE_IDS, AttributeValue.fromL(outcome.instanceIds().stream().map(AttributeValue::fromS).toList()));
        event.put(EventLog.REASON, AttributeValue.fromS(outcome.reason()));
        if (outcome.error() != null) {
            event.put(EventLog.ERROR, AttributeValue.fromS(outcome.error()));
        }
        if (lease != null) {
            event.put(EventLog.FENCING_TOKEN, number(lease.fencingToken()));
        }
        event.put(EventLog.EXPIRES_AT, number(now.plus(settings.eventLogRetention()).getEpochSecond()));
        return Put.builder().tableName(settings.eventLogTable()).item(event).build();
    }

    private static boolean onlyConditionOrConflict(TransactionCanceledException e) {
        if (!e.hasCancellationReasons()) {
            return false;
        }
        for (CancellationReason reason : e.cancellationReasons()) {
            String code = reason.code();
            if (code != null && !"None".equals(code) && !"ConditionalCheckFailed".equals(code)
                    && !"TransactionConflict".equals(code)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the lease whatever its owner (an operator's break-lock) and writes who broke it, why,
     * and the previous holder and token to the event log, in one transaction. The fencing token is
     * kept, so the previous holder's next renew or record fails with LockLost and writes nothing.
     * Breaking a free lock is recorded too: the audit trail shows every request.
     */
    public RecordResult breakLock(String execution, String requestedBy, String why) {
        for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = readItem();
            long nowSeconds = nowSeconds();
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            String holder = string(item.get(State.LOCK_OWNER));
            long until = number(item.get(State.LOCK_UNTIL), 0);
            long token = number(item.get(State.FENCING_TOKEN), 0);
            String previous = holder == null
                    ? "nothing to break: the lock was free (token " + token + ")"
                    : (until > nowSeconds ? "lease of " : "expired lease of ") + holder + " (token " + token + ", until "
                            + Instant.ofEpochSecond(until) + ") removed";
            String reason = previous + "; by " + requestedBy + ": " + why;
            Outcome outcome = Outcome.of(OutcomeAction.LOCK_BROKEN, OutcomeResult.SUCCEEDED, 0, reason);
            String outcomeId = PayloadHash.of(new OutcomeIdentity(execution, token, outcome));
            String eventKey = EVENT_TIME.format(now) + "#" + execution + "#" + outcomeId.substring(0, EVENT_KEY_HASH_CHARS);
            Map<String, String> names = new HashMap<>(Map.of("#version", State.STATE_VERSION, "#outcome", State.LAST_OUTCOME_ID,
                    "#by", State.UPDATED_BY, "#at", State.UPDATED_AT, "#until", State.LOCK_UNTIL, "#owner", State.LOCK_OWNER,
                    "#token", State.FENCING_TOKEN));
            long version = number(item.get(State.STATE_VERSION), 0);
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":next", number(version + 1),
                    ":outcome", AttributeValue.fromS(outcomeId), ":by", AttributeValue.fromS(execution),
                    ":at", AttributeValue.fromS(now.toString()), ":until", number(Math.min(until == 0 ? nowSeconds : until, nowSeconds))));
            String condition = version == 0 ? "attribute_not_exists(#version)" : "#version = :version";
            if (version != 0) {
                values.put(":version", number(version));
            }
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
            Update update = Update.builder()
                    .tableName(settings.stateTable())
                    .key(stateKey())
                    .updateExpression("SET #version = :next, #outcome = :outcome, #by = :by, #at = :at, #until = :until REMOVE #owner")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .build();
            if (writeWithEvent("break lock", attempt, update, eventPut(eventKey, now, execution, null, outcome))) {
                LOG.warn("lock broken by {}: {}", requestedBy, reason);
                return new RecordResult(true, eventKey, StateItemCodec.read(item), "recorded LOCK_BROKEN: " + reason);
            }
        }
        throw changedEveryAttempt("break lock");
    }

    /** The state and who holds the lock, without taking it. */
    public StateSnapshot load() {
        Map<String, AttributeValue> item = readItem();
        long now = nowSeconds();
        String owner = string(item.get(State.LOCK_OWNER));
        long until = number(item.get(State.LOCK_UNTIL), 0);
        boolean locked = owner != null && until > now;
        ScalingState state = StateItemCodec.read(item);
        long token = number(item.get(State.FENCING_TOKEN), 0);
        String reason = (locked ? "locked by " + owner + " until " + Instant.ofEpochSecond(until) : "unlocked")
                + "; " + state.pendingLaunches().size() + " launches in flight, "
                + state.consecutiveFailures() + " consecutive failures" + (state.paused() ? ", PAUSED: " + state.pausedReason() : "");
        return new StateSnapshot(state, locked, locked ? owner : null, locked ? Instant.ofEpochSecond(until) : null,
                token, reason);
    }

    /** The newest {@code limit} events of this cluster, newest first. */
    public List<EventRecord> recentEvents(int limit) {
        var response = DynamoErrors.call("read event log", () -> dynamo.query(r -> r
                .tableName(settings.eventLogTable())
                .keyConditionExpression("#cluster = :cluster")
                .expressionAttributeNames(Map.of("#cluster", EventLog.CLUSTER_ID))
                .expressionAttributeValues(Map.of(":cluster", AttributeValue.fromS(clusterId())))
                .scanIndexForward(false)
                .limit(limit)
                .consistentRead(true)));
        return response.items().stream().map(StateStore::eventRecord).toList();
    }

    private static EventRecord eventRecord(Map<String, AttributeValue> item) {
        return new EventRecord(
                string(item.get(EventLog.EVENT_KEY)),
                Instant.parse(string(item.get(EventLog.AT))),
                string(item.get(EventLog.EXECUTION)),
                OutcomeAction.valueOf(string(item.get(EventLog.ACTION))),
                OutcomeResult.valueOf(string(item.get(EventLog.RESULT))),
                (int) number(item.get(EventLog.COUNT), 0),
                item.containsKey(EventLog.INSTANCE_IDS) ? item.get(EventLog.INSTANCE_IDS).l().stream().map(AttributeValue::s).toList() : List.of(),
                string(item.get(EventLog.REASON)),
                string(item.get(EventLog.ERROR)),
                item.containsKey(EventLog.FENCING_TOKEN) ? number(item.get(EventLog.FENCING_TOKEN), 0) : null,
                number(item.get(EventLog.EXPIRES_AT), 0));
    }

    private static boolean leaseIsCurrent(Lease lease, Map<String, AttributeValue> item) {
        return lease.owner().equals(string(item.get(State.LOCK_OWNER)))
                && lease.fencingToken() == number(item.get(State.FENCING_TOKEN), 0);
    }

    private static LockLost lockLost(String operation, Lease lease, Map<String, AttributeValue> item) {
        long current = number(item.get(State.FENCING_TOKEN), 0);
        String holder = string(item.get(State.LOCK_OWNER));
        String now = holder == null ? "the lock is free" : "the lock is held by " + holder;
        LockLost lost = new LockLost("cannot " + operation + ": lease token " + lease.fencingToken() + " of "
                + lease.owner() + " is no longer current (" + now + ", token " + current + "); nothing written");
        LOG.warn(lost.getMessage());
        return lost;
    }

    private Map<String, AttributeValue> readItem() {
        var response = DynamoErrors.call("read state", () -> dynamo.getItem(r -> r
                .tableName(settings.stateTable())
                .key(stateKey())
                .consistentRead(true)));
        return response.hasItem() ? response.item() : Map.of();
    }

    private Map<String, AttributeValue> stateKey() {
        return Map.of(State.CLUSTER_ID, AttributeValue.fromS(clusterId()));
    }

    private long nowSeconds() {
        return clock.instant().getEpochSecond();
    }
}
