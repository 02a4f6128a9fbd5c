package dev.k3sautoscaler.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.errors.IdempotencyInProgress;
import dev.k3sautoscaler.errors.IdempotencyPayloadMismatch;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.PayloadHash;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.state.StateTableSchema.Idempotency;
import dev.k3sautoscaler.state.StateTables;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The idempotency store on DynamoDB Local, driven through a step whose side effect is a counter. */
class IdempotentStepIT {
    private static final String TABLE = "k3s-autoscaler-idempotency";
    private static final DynamoDbClient DYNAMO = localTables();
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    /** Each test its own execution names, so records never collide across tests. */
    private static final AtomicLong RUNS = new AtomicLong();

    private final String execution = "actuation-" + RUNS.incrementAndGet() + "-" + System.nanoTime();
    private final VirtualClock clock = new VirtualClock(T0);
    private final IdempotencyStore store = new IdempotencyStore(DYNAMO, new IdempotencySettings(TABLE), clock);
    private final CountingLaunchHandler handler = new CountingLaunchHandler(store);

    /** The JVM's shared DynamoDB Local with the autoscaler's tables, the idempotency table among them. */
    private static DynamoDbClient localTables() {
        DynamoDbClient dynamo = LocalDynamoDb.shared().client();
        StateTables.createIfMissing(dynamo, "k3s-autoscaler-state", "k3s-autoscaler-events", TABLE);
        return dynamo;
    }

    private JsonNode launch(String availabilityZone, int count) {
        String input = "{\"execution\": \"" + execution + "\", \"availabilityZone\": \"" + availabilityZone
                + "\", \"count\": " + count + "}";
        try {
            return StepJson.MAPPER.readTree(handler.invoke(input, LocalLambdaContext.forFunction("launch-instances")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void samePayloadTwice_runsTheSideEffectOnce_andReplaysTheStoredResult() {
        // WHEN the same launch request arrives twice (a Step Functions retry after a timeout)
        JsonNode first = launch("eu-west-1a", 2);
        clock.advance(Duration.ofSeconds(30));
        JsonNode second = launch("eu-west-1a", 2);

        // THEN one side effect; the retry gets the first result, marked as replayed
        assertEquals(1, handler.sideEffects.get());
        assertEquals(1, first.get("launchNumber").asInt());
        assertFalse(first.get("replayed").asBoolean());
        assertEquals(1, second.get("launchNumber").asInt());
        assertTrue(second.get("replayed").asBoolean());
    }

    @Test
    void differentPayload_runsTheSideEffectAgain() {
        launch("eu-west-1a", 2);

        JsonNode other = launch("eu-west-1b", 2);

        assertEquals(2, handler.sideEffects.get());
        assertEquals(2, other.get("launchNumber").asInt());
        assertFalse(other.get("replayed").asBoolean());
    }

    @Test
    void duplicateWhileTheFirstIsRunning_endsInIdempotencyInProgress_whichIsRetryable() {
        // GIVEN a duplicate arrives while the first invocation's side effect is running
        AtomicReference<RuntimeException> duplicate = new AtomicReference<>();
        handler.duringNextSideEffect(() -> {
            try {
                launch("eu-west-1a", 1);
            } catch (RuntimeException e) {
                duplicate.set(e);
            }
        });

        // WHEN the first completes
        launch("eu-west-1a", 1);

        // THEN the duplicate was refused with a retryable error, and its retry now gets the result
        IdempotencyInProgress inProgress = asInProgress(duplicate.get());
        assertTrue(inProgress.retryable());
        assertTrue(launch("eu-west-1a", 1).get("replayed").asBoolean());
        assertEquals(1, handler.sideEffects.get());
    }

    private static IdempotencyInProgress asInProgress(RuntimeException error) {
        assertTrue(error instanceof IdempotencyInProgress, "expected IdempotencyInProgress, got " + error);
        return (IdempotencyInProgress) error;
    }

    @Test
    void aCrashedInvocationsClaim_blocksUntilItsInProgressExpiry_thenTheRetryRuns() {
        // GIVEN an invocation claimed the key and died before completing (no result, no cleanup)
        String id = CountingLaunchHandler.STEP + "#" + PayloadHash.of(new CountingLaunchHandler.LaunchKey(execution, "eu-west-1a", 1));
        String validation = PayloadHash.of(new CountingLaunchHandler.LaunchKey(execution, "eu-west-1a", 1));
        store.claim(id, validation, T0.plus(IdempotentStep.DEFAULT_EXPIRY), T0.plus(CountingLaunchHandler.IN_PROGRESS_TIMEOUT));

        // WHEN a retry comes before the claim lapses, and another after
        assertThrows(IdempotencyInProgress.class, () -> launch("eu-west-1a", 1));
        clock.advance(CountingLaunchHandler.IN_PROGRESS_TIMEOUT.plusMillis(1));
        JsonNode afterExpiry = launch("eu-west-1a", 1);

        // THEN the first is refused and the second runs the side effect
        assertFalse(afterExpiry.get("replayed").asBoolean());
        assertEquals(1, handler.sideEffects.get());
    }

    @Test
    void aFailedSideEffect_leavesNoRecord_soTheRetryRunsIt() {
        handler.duringNextSideEffect(() -> {
            throw new IllegalStateException("RunInstances timed out");
        });
        assertThrows(IllegalStateException.class, () -> launch("eu-west-1a", 1));

        JsonNode retry = launch("eu-west-1a", 1);

        assertFalse(retry.get("replayed").asBoolean());
        assertEquals(1, handler.sideEffects.get());
    }

    @Test
    void anExpiredResult_isNotReplayed_andTheSideEffectRunsAgain() {
        launch("eu-west-1a", 1);
        clock.advance(IdempotentStep.DEFAULT_EXPIRY.plusSeconds(1));

        JsonNode later = launch("eu-west-1a", 1);

        assertFalse(later.get("replayed").asBoolean());
        assertEquals(2, handler.sideEffects.get());
    }

    @Test
    void sameKey_withADifferentValidationPayload_isRefused() {
        IdempotentStep<String> step = new IdempotentStep<>(store, "terminate-instance", String.class,
                Duration.ofSeconds(60), IdempotentStep.DEFAULT_EXPIRY);
        step.run(execution, Map.of("instanceId", "i-1"), () -> "terminated i-1");

        IdempotencyPayloadMismatch mismatch = assertThrows(IdempotencyPayloadMismatch.class,
                () -> step.run(execution, Map.of("instanceId", "i-2"), () -> "terminated i-2"));

        assertFalse(mismatch.retryable());
    }

    @Test
    void records_usePowertoolsSchema() {
        JsonNode result = launch("eu-west-1a", 3);
        String id = CountingLaunchHandler.STEP + "#" + PayloadHash.of(new CountingLaunchHandler.LaunchKey(execution, "eu-west-1a", 3));

        Map<String, AttributeValue> item = DYNAMO.getItem(r -> r.tableName(TABLE)
                .key(Map.of(Idempotency.ID, AttributeValue.fromS(id)))).item();

        assertEquals(Idempotency.STATUS_COMPLETED, item.get(Idempotency.STATUS).s());
        assertEquals(Long.toString(T0.plus(IdempotentStep.DEFAULT_EXPIRY).getEpochSecond()), item.get(Idempotency.EXPIRATION).n());
        assertEquals("{\"launchNumber\":1,\"availabilityZone\":\"eu-west-1a\",\"count\":3}", item.get(Idempotency.DATA).s());
        assertEquals(64, item.get(Idempotency.VALIDATION).s().length());
        assertEquals(1, result.get("launchNumber").asInt());
    }

    @Test
    void settings_requireTheTableName() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> IdempotencySettings.fromEnvironment(Map.of()));

        assertEquals(List.of("IDEMPOTENCY_TABLE is missing (expected a DynamoDB table name)"), error.problems());
    }
}
