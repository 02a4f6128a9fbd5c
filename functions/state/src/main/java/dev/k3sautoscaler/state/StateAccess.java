package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateItemCodec.number;

import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.errors.StateStoreUnavailable;
import dev.k3sautoscaler.runtime.PayloadHash;
import dev.k3sautoscaler.state.StateTableSchema.EventLog;
import dev.k3sautoscaler.state.StateTableSchema.State;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * What the protocols on the cluster's state item share ({@link ScalingLease}, {@link OutcomeLog},
 * {@link LockBreaker}, {@link StateReader}): the client, the settings and the clock, the consistent
 * read of the item, and the one way an outcome is written — the item's update and its event-log
 * entry in one transaction, ordered by the item's version. Built once per Lambda (or simulation)
 * and shared by the pieces it uses.
 */
public final class StateAccess {
    private static final Logger LOG = LoggerFactory.getLogger(StateAccess.class);
    /** Optimistic retries of a state write when a lockless Spot record races it; more means something is looping. */
    static final int MAX_WRITE_ATTEMPTS = 5;
    /** Sortable event time: fixed width so string order is time order (Instant.toString drops zero millis). */
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Characters of the outcome hash in the event key: tells apart two outcomes of one execution in one millisecond. */
    private static final int EVENT_KEY_HASH_CHARS = 8;
    /** The start of every outcome's update: a new version, and which outcome, who and when. */
    static final String VERSIONED_SET = "SET #version = :next, #outcome = :outcome, #by = :by, #at = :at";

    private final DynamoDbClient dynamo;
    private final StateSettings settings;
    private final Clock clock;

    public StateAccess(DynamoDbClient dynamo, StateSettings settings, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** For Lambda: settings from the environment, the client from AwsClients, the system clock. */
    public static StateAccess fromEnvironment(Map<String, String> environment) {
        StateSettings settings = StateSettings.fromEnvironment(environment);
        return new StateAccess(StateClients.fromEnvironment(environment), settings, Clock.systemUTC());
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

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The cluster's state item, read consistently; empty when the cluster was never acted on. */
    Map<String, AttributeValue> readItem() {
        var response = DynamoErrors.call("read state", () -> dynamo.getItem(r -> r
                .tableName(settings.stateTable())
                .key(stateKey())
                .consistentRead(true)));
        return response.hasItem() ? response.item() : Map.of();
    }

    /** The item's version: every state write adds one; 0 for a cluster never acted on. */
    static long version(Map<String, AttributeValue> item) {
        return number(item.get(State.STATE_VERSION), 0);
    }

    Map<String, AttributeValue> stateKey() {
        return Map.of(State.CLUSTER_ID, AttributeValue.fromS(clusterId()));
    }

    /** Lease times are whole epoch seconds. */
    long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    /** Event times are milliseconds: the event key's resolution. */
    Instant nowMillis() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** What makes two record calls "the same outcome": a retried step repeats all three. */
    private record OutcomeIdentity(String execution, Long fencingToken, Outcome outcome) {
    }

    static String outcomeId(String execution, Long fencingToken, Outcome outcome) {
        return PayloadHash.of(new OutcomeIdentity(execution, fencingToken, outcome));
    }

    static String eventKey(Instant now, String execution, String outcomeId) {
        return EVENT_TIME.format(now) + "#" + execution + "#" + outcomeId.substring(0, EVENT_KEY_HASH_CHARS);
    }

    /**
     * Fills the names and values of {@link #VERSIONED_SET} and returns its condition: the item is
     * still at the version read (absent for a new cluster), so a concurrent write makes this one fail.
     */
    static String versioned(Map<String, AttributeValue> item, String outcomeId, String execution, Instant now,
                            Map<String, String> names, Map<String, AttributeValue> values) {
        return versioned(version(item), outcomeId, execution, now, names, values);
    }

    /** As {@link #versioned(Map, String, String, Instant, Map, Map)}, at a version read earlier. */
    static String versioned(long version, String outcomeId, String execution, Instant now,
                            Map<String, String> names, Map<String, AttributeValue> values) {
        names.put("#version", State.STATE_VERSION);
        names.put("#outcome", State.LAST_OUTCOME_ID);
        names.put("#by", State.UPDATED_BY);
        names.put("#at", State.UPDATED_AT);
        values.put(":next", number(version + 1));
        values.put(":outcome", AttributeValue.fromS(outcomeId));
        values.put(":by", AttributeValue.fromS(execution));
        values.put(":at", AttributeValue.fromS(now.toString()));
        if (version == 0) {
            return "attribute_not_exists(#version)";
        }
        values.put(":version", number(version));
        return "#version = :version";
    }

    Update stateUpdate(String update, String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        return Update.builder()
                .tableName(settings.stateTable())
                .key(stateKey())
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    Put eventPut(String eventKey, Instant now, String execution, Lease lease, Outcome outcome) {
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

    /**
     * The state item's update and its event, in one transaction. False when a condition failed or
     * the transaction conflicted (someone wrote the item meanwhile: the caller re-reads and tries
     * again); any other failure is a named error.
     */
    boolean writeWithEvent(String what, int attempt, Update stateUpdate, Put event) {
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

    static StateStoreUnavailable changedEveryAttempt(String what) {
        return new StateStoreUnavailable(what + ": the state item changed during each of " + MAX_WRITE_ATTEMPTS
                + " attempts; retry", null);
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
}
