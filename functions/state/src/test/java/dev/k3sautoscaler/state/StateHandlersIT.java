package dev.k3sautoscaler.state;

import dev.k3sautoscaler.workflow.VirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.state.OutcomeResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The state steps as the workflow calls them: JSON in, JSON out, on DynamoDB Local. The inputs are
 * the shared fixtures in src/test/resources/events/, which pin the record ↔ ASL contract.
 */
class StateHandlersIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String EXECUTION = "actuation-20260301T1200Z";

    private final VirtualClock clock = new VirtualClock(T0);
    private final StateAccess state = LocalState.access(clock);
    private final ScalingLease lock = new ScalingLease(state);
    private final StateReader reader = new StateReader(state);
    private final AcquireLockHandler acquire = new AcquireLockHandler(lock);
    private final LeaseFence fence = new LeaseFence(lock);
    private final ReleaseLockHandler release = new ReleaseLockHandler(lock);
    private final RecordOutcomeHandler record = new RecordOutcomeHandler(new OutcomeLog(state));
    private final LoadStateHandler load = new LoadStateHandler(reader);

    /** The lease every fixture carries (the one acquire-lock.json's execution is granted first). */
    private static Lease fixtureLease() {
        try {
            return StepJson.MAPPER.treeToValue(read(fixture("release-lock.json")).get("lease"), Lease.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String fixture(String name) {
        try (InputStream in = StateHandlersIT.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode call(JsonStepHandler<?, ?> handler, String json) {
        try {
            return StepJson.MAPPER.readTree(handler.invoke(json, LocalLambdaContext.forFunction("state-test")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void acquireRecordRenewRelease_throughJson_followTheDocumentedContract() {
        // WHEN the actuation acquires
        JsonNode acquired = call(acquire, fixture("acquire-lock.json"));

        // THEN the output carries the lease and the state the ASL passes on
        assertTrue(acquired.get("acquired").asBoolean());
        assertEquals(EXECUTION, acquired.at("/lease/owner").asText());
        assertEquals(1, acquired.at("/lease/fencingToken").asLong());
        assertEquals("2026-03-01T12:05:00Z", acquired.at("/lease/expiresAt").asText());
        assertEquals(0, acquired.at("/state/consecutiveFailures").asInt());
        assertFalse(acquired.at("/state/paused").asBoolean());
        assertEquals("ACQUIRED", acquired.get("outcome").asText(), acquired.get("reason").asText());

        // WHEN it records a partial scale-up, then the join check, a leased step renewing in between
        JsonNode scaleUp = call(record, fixture("record-outcome-scale-up.json"));
        clock.advance(Duration.ofSeconds(240));
        fence.confirm(fixtureLease());
        JsonNode joined = call(record, fixture("record-outcome-join-check.json"));

        // THEN the state moved as the outcome rules say, and each answer explains itself
        assertTrue(scaleUp.get("applied").asBoolean());
        assertEquals(2, scaleUp.at("/state/pendingLaunches").size());
        assertEquals("i-0a1", scaleUp.at("/state/pendingLaunches/0/instanceId").asText());
        assertEquals(1, scaleUp.at("/state/consecutiveFailures").asInt(), "PARTIAL counts a failure");
        assertEquals("2026-03-01T12:00:00Z", scaleUp.at("/state/lastScaleUpAt").asText());
        assertEquals("eu-west-1b", scaleUp.at("/state/unavailableOfferings/0/availabilityZone").asText());
        assertTrue(scaleUp.get("eventKey").asText().startsWith("2026-03-01T12:00:00.000Z#" + EXECUTION + "#"));
        assertEquals("2026-03-01T12:09:00Z", reader.load().lockExpiresAt().toString(), "the fence extended the lease");
        assertEquals(0, joined.at("/state/pendingLaunches").size());
        assertEquals(0, joined.at("/state/consecutiveFailures").asInt());
        assertEquals(0, joined.at("/state/unavailableOfferings").size(), "the offering expired at 12:03");

        // WHEN it releases, twice (the failure path may repeat it)
        JsonNode released = call(release, fixture("release-lock.json"));
        JsonNode again = call(release, fixture("release-lock.json"));

        // THEN the first releases and the second says it was already done
        assertTrue(released.get("released").asBoolean());
        assertEquals("RELEASED", released.get("status").asText());
        assertEquals("2026-03-01T12:04:00Z", released.get("releasedAt").asText());
        assertFalse(again.get("released").asBoolean());
        assertEquals("ALREADY_RELEASED", again.get("status").asText());
    }

    @Test
    void aScaleDownOfSeveral_isRecordedAsTheMapEndedIt_andNamesTheErrorTheExecutionEndsWith() {
        call(acquire, fixture("acquire-lock.json"));

        JsonNode recorded = call(record, fixture("record-outcome-scale-down-several.json"));

        // THEN one removal, one failure counted, the failed and the aborted worker passed over
        assertTrue(recorded.get("applied").asBoolean(), recorded.toString());
        assertEquals("2026-03-01T12:00:00Z", recorded.at("/state/lastScaleDownAt").asText());
        assertEquals(1, recorded.at("/state/consecutiveFailures").asInt());
        assertEquals("SCALE_DOWN", recorded.at("/state/failedAction").asText());
        assertEquals(List.of("i-0b2", "i-0c3"), java.util.stream.StreamSupport.stream(
                recorded.at("/state/blockedNodes").spliterator(), false).map(n -> n.get("instanceId").asText()).toList());
        assertEquals("dev.k3sautoscaler.errors.KubernetesApiUnavailable", recorded.at("/failure/Error").asText());
        assertEquals("w-2: the Kubernetes API did not answer", recorded.at("/failure/Cause").asText());
        EventRecord event = reader.recentEvents(1).getFirst();
        assertEquals(OutcomeResult.PARTIAL, event.result());
        assertEquals(1, event.count());
        assertTrue(event.reason().endsWith("; not removed: w-2 (failed: the Kubernetes API did not answer);"
                + " w-3 (aborted: PodDisruptionBudget shop/cart allows no eviction)"), event.reason());
        // AND a plain record carries no failure field at all
        assertFalse(call(record, fixture("record-outcome-join-check.json")).has("failure"));
    }

    @Test
    void acquire_whenBusy_answersWithTheHolder_notAnError() {
        lock.acquire("other-execution");

        JsonNode busy = call(acquire, fixture("acquire-lock.json"));

        assertFalse(busy.get("acquired").asBoolean());
        assertEquals("other-execution", busy.get("heldBy").asText());
        assertEquals("2026-03-01T12:05:00Z", busy.get("heldUntil").asText());
        assertFalse(busy.has("lease"));
        assertFalse(busy.has("state"));
    }

    @Test
    void recordAndRenew_withAStaleLease_endInLockLost() {
        // GIVEN the fixture's lease (token 1) expired and another execution holds token 2
        lock.acquire(EXECUTION);
        clock.advance(LocalState.LOCK_TTL);
        lock.acquire("next-execution");

        // WHEN / THEN the record and the fence of a leased step are refused by name
        assertThrows(LockLost.class, () -> call(record, fixture("record-outcome-failure.json")));
        assertThrows(LockLost.class, () -> fence.confirm(fixtureLease()));
        JsonNode release = call(this.release, fixture("release-lock.json"));
        assertEquals("SUPERSEDED", release.get("status").asText());
    }

    @Test
    void spotDrain_recordsWithoutALease() {
        JsonNode recorded = call(record, fixture("record-outcome-spot-drain.json"));

        assertTrue(recorded.get("applied").asBoolean(), recorded.toString());
        assertEquals("spot", recorded.at("/state/unavailableOfferings/0/capacityType").asText());
    }

    @Test
    void loadState_reportsStateAndHolder_withoutLocking() {
        lock.acquire("other-execution");

        JsonNode snapshot = call(load, fixture("load-state.json"));

        assertTrue(snapshot.get("locked").asBoolean());
        assertEquals("other-execution", snapshot.get("lockOwner").asText());
        assertEquals(0, snapshot.at("/state/consecutiveFailures").asInt());
        assertTrue(snapshot.get("reason").asText().startsWith("locked by other-execution"));
    }

    static Stream<Arguments> badInputs() {
        ObjectNode noLease = (ObjectNode) read(fixture("record-outcome-scale-up.json"));
        noLease.remove("lease");
        ObjectNode wrongToken = (ObjectNode) read(fixture("release-lock.json"));
        ((ObjectNode) wrongToken.get("lease")).put("fencingToken", "one");
        ObjectNode unknownAction = (ObjectNode) read(fixture("record-outcome-failure.json"));
        ((ObjectNode) unknownAction.get("outcome")).put("action", "EXPLODE");
        ObjectNode emptyOutcome = (ObjectNode) read(fixture("record-outcome-failure.json"));
        emptyOutcome.putObject("outcome");
        ObjectNode noToken = (ObjectNode) read(fixture("release-lock.json"));
        ((ObjectNode) noToken.get("lease")).remove("fencingToken");
        return Stream.of(
                Arguments.of("acquire-lock", "{}", List.of("execution is required")),
                Arguments.of("acquire-lock", "not json", List.of("not valid JSON")),
                Arguments.of("acquire-lock", "[1, 2]", List.of("must be a JSON object")),
                Arguments.of("load-state", "{\"execution\": {\"name\": \"x\"}}", List.of("field execution")),
                Arguments.of("release-lock", "{\"execution\": \"e\"}", List.of("lease is required")),
                Arguments.of("release-lock", wrongToken.toString(), List.of("lease.fencingToken")),
                Arguments.of("release-lock", noToken.toString(), List.of("lease.fencingToken is required")),
                Arguments.of("record-outcome", noLease.toString(), List.of("lease is required")),
                Arguments.of("record-outcome", unknownAction.toString(), List.of("outcome.action")),
                Arguments.of("record-outcome", emptyOutcome.toString(),
                        List.of("outcome.action is required", "outcome.result is required", "outcome.reason is required")),
                Arguments.of("record-outcome", "{\"execution\": \"e\", \"lease\": {\"owner\": \"e\", \"fencingToken\": 1}}",
                        List.of("outcome is required")));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badInputs")
    void badInput_endsInInvalidStepInput_namingEveryProblem_neverANullPointer(String step, String json,
                                                                              List<String> named) {
        JsonStepHandler<?, ?> handler = switch (step) {
            case "acquire-lock" -> acquire;
            case "load-state" -> load;
            case "release-lock" -> release;
            case "record-outcome" -> record;
            default -> throw new IllegalArgumentException(step);
        };

        InvalidStepInput error = assertThrows(InvalidStepInput.class, () -> call(handler, json));

        for (String problem : named) {
            assertTrue(error.getMessage().contains(problem), error.getMessage() + " should name: " + problem);
        }
        assertEquals(0, reader.load().fencingToken(), "bad input never touches the store");
    }

    private static JsonNode read(String json) {
        try {
            return StepJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
