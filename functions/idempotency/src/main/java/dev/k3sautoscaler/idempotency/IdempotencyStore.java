package dev.k3sautoscaler.idempotency;

import static dev.k3sautoscaler.state.StateTableSchema.Idempotency.*;

import dev.k3sautoscaler.state.DynamoErrors;
import dev.k3sautoscaler.state.StateClients;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Idempotency records on DynamoDB in Powertools for AWS Lambda's schema and semantics: a record is
 * claimed INPROGRESS with a conditional put, becomes COMPLETED with the stored result, and is
 * EXPIRED (free to claim again) once {@code expiration} has passed; an INPROGRESS record whose
 * {@code in_progress_expiration} has passed belongs to a crashed invocation and may be claimed too.
 * Used through {@link IdempotentStep}.
 */
public final class IdempotencyStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public IdempotencyStore(DynamoDbClient dynamo, IdempotencySettings settings, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(settings, "settings").table();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** For Lambda: IDEMPOTENCY_TABLE from the environment, the client from AwsClients, the system clock. */
    public static IdempotencyStore fromEnvironment(Map<String, String> environment) {
        IdempotencySettings settings = IdempotencySettings.fromEnvironment(environment);
        return new IdempotencyStore(StateClients.fromEnvironment(environment), settings, Clock.systemUTC());
    }

    Clock clock() {
        return clock;
    }

    /** What claiming a key found. */
    sealed interface Claim permits Claimed, Found {
    }

    /** The key was free (absent, expired, or a crashed invocation's): the caller runs the side effect. */
    record Claimed() implements Claim {
    }

    /** A record exists and is live. */
    record Found(String status, String data, String validation, Instant inProgressUntil) implements Claim {
    }

    Claim claim(String id, String validation, Instant expiration, Instant inProgressUntil) {
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ID, AttributeValue.fromS(id));
        item.put(STATUS, AttributeValue.fromS(STATUS_IN_PROGRESS));
        item.put(EXPIRATION, number(expiration.getEpochSecond()));
        item.put(IN_PROGRESS_EXPIRATION, number(inProgressUntil.toEpochMilli()));
        item.put(VALIDATION, AttributeValue.fromS(validation));
        try {
            DynamoErrors.call("claim idempotency key", () -> dynamo.putItem(r -> r
                    .tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#id) OR #expiration < :now"
                            + " OR (#status = :inProgress AND #inProgressExpiration < :nowMillis)")
                    .expressionAttributeNames(Map.of("#id", ID, "#expiration", EXPIRATION, "#status", STATUS,
                            "#inProgressExpiration", IN_PROGRESS_EXPIRATION))
                    .expressionAttributeValues(Map.of(":now", number(now.getEpochSecond()),
                            ":nowMillis", number(now.toEpochMilli()),
                            ":inProgress", AttributeValue.fromS(STATUS_IN_PROGRESS)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return new Claimed();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() ? e.item() : read(id);
            return new Found(string(existing.get(STATUS)), string(existing.get(DATA)), string(existing.get(VALIDATION)),
                    existing.containsKey(IN_PROGRESS_EXPIRATION)
                            ? Instant.ofEpochMilli(Long.parseLong(existing.get(IN_PROGRESS_EXPIRATION).n())) : null);
        }
    }

    void complete(String id, String validation, String data, Instant expiration) {
        DynamoErrors.call("store idempotent result", () -> dynamo.putItem(r -> r
                .tableName(table)
                .item(Map.of(ID, AttributeValue.fromS(id),
                        STATUS, AttributeValue.fromS(STATUS_COMPLETED),
                        DATA, AttributeValue.fromS(data),
                        VALIDATION, AttributeValue.fromS(validation),
                        EXPIRATION, number(expiration.getEpochSecond())))));
    }

    /** A failed side effect leaves no record, so the step's retry runs it again (Powertools does the same). */
    void release(String id) {
        DynamoErrors.call("delete idempotency record", () -> dynamo.deleteItem(r -> r
                .tableName(table)
                .key(Map.of(ID, AttributeValue.fromS(id)))));
    }

    private Map<String, AttributeValue> read(String id) {
        var response = DynamoErrors.call("read idempotency record", () -> dynamo.getItem(r -> r
                .tableName(table).key(Map.of(ID, AttributeValue.fromS(id))).consistentRead(true)));
        return response.hasItem() ? response.item() : Map.of();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String string(AttributeValue value) {
        return value == null ? null : value.s();
    }
}
