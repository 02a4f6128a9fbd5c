package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ReportMark;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The tick's records on the state LoadState read ({@code basis}): written against that version
 * without reading the item again, and read again only when someone wrote it meanwhile. The calls are
 * counted on a real client against DynamoDB Local.
 */
class RecordOnLoadedStateIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final VirtualClock clock = new VirtualClock(T0);
    private final Calls calls = new Calls();
    private final StateAccess state = new StateAccess(countingClient(calls),
            new StateSettings(LocalState.newClusterId(), LocalState.STATE_TABLE, LocalState.EVENT_LOG_TABLE,
                    LocalState.RETENTION, LocalState.LOCK_TTL), clock);
    private final StateReader reader = new StateReader(state);
    private final OutcomeLog outcomes = new OutcomeLog(state);
    private final LoadStateHandler load = new LoadStateHandler(reader);
    private final RecordOutcomeHandler record = new RecordOutcomeHandler(outcomes);

    /** Counts the client's calls by operation name. */
    private static final class Calls implements ExecutionInterceptor {
        private final Map<String, AtomicInteger> byOperation = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            byOperation.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    name -> new AtomicInteger()).incrementAndGet();
        }

        int of(String operation) {
            AtomicInteger count = byOperation.get(operation);
            return count == null ? 0 : count.get();
        }

        void reset() {
            byOperation.clear();
        }
    }

    private static DynamoDbClient countingClient(Calls calls) {
        LocalState.dynamo(); // the tables
        return dev.k3sautoscaler.runtime.AwsClients.build(
                DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(calls)),
                LocalDynamoDb.REGION, LocalDynamoDb.CREDENTIALS, LocalDynamoDb.shared().endpoint());
    }

    private static JsonNode call(JsonStepHandler<?, ?> handler, JsonNode input) {
        try {
            return StepJson.MAPPER.readTree(handler.invoke(StepJson.MAPPER.writeValueAsString(input),
                    LocalLambdaContext.forFunction("state-test")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode loadState() {
        return call(load, StepJson.MAPPER.createObjectNode().put("execution", "tick-1"));
    }

    /** As the tick's ASL passes it: the execution, the outcome, and {"version", "state"} of LoadState's answer. */
    private static ObjectNode recordInput(String execution, JsonNode loaded, JsonNode outcome) {
        ObjectNode input = StepJson.MAPPER.createObjectNode().put("execution", execution);
        input.set("outcome", outcome);
        ObjectNode basis = input.putObject("basis");
        basis.set("version", loaded.get("version"));
        basis.set("state", loaded.get("state"));
        return input;
    }

    private static JsonNode unneeded(String... nodes) {
        List<UnneededNode> unneeded = java.util.Arrays.stream(nodes)
                .map(node -> new UnneededNode(node, "i-" + node, T0.minusSeconds(120))).toList();
        ObjectNode outcome = StepJson.MAPPER.createObjectNode().put("action", "UNNEEDED").put("result", "SUCCEEDED")
                .put("reason", "per-node scale-down timers");
        outcome.set("unneededNodes", StepJson.MAPPER.valueToTree(unneeded));
        return outcome;
    }

    /** A state with every field set, written as a Spot drain and an operator's pause would. */
    private void givenAStateWithEveryField() {
        outcomes.record("spot-1", null, new dev.k3sautoscaler.core.state.Outcome(
                dev.k3sautoscaler.core.state.OutcomeAction.SPOT_DRAIN, dev.k3sautoscaler.core.state.OutcomeResult.SUCCEEDED,
                1, List.of("i-9"), "spot interruption of i-9", null,
                List.of(), List.of(), List.of(new UnavailableOffering("m6a.large", "eu-west-1a", "spot",
                        T0.plusSeconds(1800), "spot interruption")), List.of(), List.of(), List.of()));
        outcomes.record("tick-0", null, new dev.k3sautoscaler.core.state.Outcome(
                dev.k3sautoscaler.core.state.OutcomeAction.UNNEEDED, dev.k3sautoscaler.core.state.OutcomeResult.SUCCEEDED,
                0, List.of(), "per-node scale-down timers", null, List.of(), List.of(), List.of(),
                List.of(new UnneededNode("w-1", "i-1", T0.minusSeconds(60))), List.of(), List.of()));
    }

    @Test
    void aTickRecord_onTheStateLoadStateRead_readsTheItemNoMore() {
        givenAStateWithEveryField();
        JsonNode loaded = loadState();
        calls.reset();

        JsonNode recorded = call(record, recordInput("tick-1", loaded, unneeded("w-1", "w-2")));

        assertTrue(recorded.get("applied").asBoolean(), recorded.toString());
        assertEquals(0, calls.of("GetItem"), "the state LoadState read is the one written against");
        assertEquals(1, calls.of("TransactWriteItems"));
        // AND nothing of the loaded state was lost on the way through the workflow's JSON
        ScalingState stored = reader.load().state();
        assertEquals(List.of("w-1", "w-2"), stored.unneededNodes().stream().map(UnneededNode::node).toList());
        assertEquals("spot interruption", stored.unavailableOfferings().getFirst().reason());
        assertEquals(StepJson.MAPPER.valueToTree(stored), recorded.get("state"));
    }

    @Test
    void aStaleBasis_someoneWroteSinceLoadState_isReadAgain_andBothChangesStay() {
        givenAStateWithEveryField();
        JsonNode loaded = loadState();
        // GIVEN a Spot drain recorded after the tick's LoadState
        outcomes.record("spot-2", null, dev.k3sautoscaler.core.state.Outcome.of(
                dev.k3sautoscaler.core.state.OutcomeAction.PAUSE, dev.k3sautoscaler.core.state.OutcomeResult.SUCCEEDED,
                0, "maintenance window"));
        calls.reset();

        JsonNode recorded = call(record, recordInput("tick-1", loaded, unneeded("w-3")));

        assertTrue(recorded.get("applied").asBoolean(), recorded.toString());
        assertEquals(1, calls.of("GetItem"), "the version moved: read again, apply again");
        ScalingState stored = reader.load().state();
        assertTrue(stored.paused(), "the write in between stays");
        assertEquals(List.of("w-3"), stored.unneededNodes().stream().map(UnneededNode::node).toList());
    }

    @Test
    void aJoinRecordedWithoutABasis_readsTheStateOnce() {
        // GIVEN a launch in flight since T0, and the actuation's join check 95 s later (it passes no basis)
        ScalingLease lock = new ScalingLease(state);
        Lease lease = lock.acquire("actuation-1").lease();
        outcomes.record("actuation-1", lease, new dev.k3sautoscaler.core.state.Outcome(
                dev.k3sautoscaler.core.state.OutcomeAction.SCALE_UP, dev.k3sautoscaler.core.state.OutcomeResult.SUCCEEDED,
                1, List.of("i-1"), "scale-up +1", null, List.of(new PendingLaunch("i-1", "m6a.large", "eu-west-1a", T0)),
                List.of(), List.of(), List.of(), List.of(), List.of()));
        lock.release(lease);
        clock.advance(java.time.Duration.ofSeconds(95));
        ObjectNode joined = StepJson.MAPPER.createObjectNode().put("execution", "actuation-1");
        joined.set("outcome", StepJson.MAPPER.valueToTree(new dev.k3sautoscaler.core.state.Outcome(
                dev.k3sautoscaler.core.state.OutcomeAction.JOIN_CHECK, dev.k3sautoscaler.core.state.OutcomeResult.SUCCEEDED,
                1, List.of("i-1"), "1 of 1 workers Ready", null, List.of(), List.of("i-1"), List.of(), List.of(),
                List.of(), List.of())));
        calls.reset();

        JsonNode recorded = call(record, joined);

        // (the latency metric itself is read along the whole workflow by the end-to-end MetricsIT)
        assertTrue(recorded.get("applied").asBoolean(), recorded.toString());
        assertEquals(1, calls.of("GetItem"), "the state the join is applied to has the launch times");
        assertEquals(0, recorded.at("/state/pendingLaunches").size());
    }

    @Test
    void aRetriedRecord_onItsBasis_isNotAppliedTwice() {
        JsonNode loaded = loadState();
        ObjectNode input = recordInput("tick-1", loaded, unneeded("w-1"));

        JsonNode first = call(record, input);
        JsonNode retried = call(record, input);

        assertTrue(first.get("applied").asBoolean());
        assertFalse(retried.get("applied").asBoolean(), retried.toString());
        assertEquals(1, reader.recentEvents(10).size());
    }

    @Test
    void aLeasedRecord_onABasis_whoseLeaseIsGone_endsInLockLost_andWritesNothing() {
        ScalingLease lock = new ScalingLease(state);
        Lease lease = lock.acquire("actuation-1").lease();
        JsonNode loaded = loadState();
        clock.advance(LocalState.LOCK_TTL);
        lock.acquire("actuation-2");
        ObjectNode input = recordInput("actuation-1", loaded, StepJson.MAPPER.valueToTree(
                dev.k3sautoscaler.core.state.Outcome.of(dev.k3sautoscaler.core.state.OutcomeAction.NOOP,
                        dev.k3sautoscaler.core.state.OutcomeResult.SUCCEEDED, 0, "nothing to do")));
        input.set("lease", StepJson.MAPPER.valueToTree(lease));

        assertThrows(LockLost.class, () -> call(record, input));
        assertEquals(0, reader.recentEvents(10).size());
    }

    @Test
    void aBasisWithoutItsStateOrWithANegativeVersion_isRefusedByName() {
        ObjectNode noState = recordInput("tick-1", loadState(), unneeded("w-1"));
        ((ObjectNode) noState.get("basis")).remove("state");
        ObjectNode negative = recordInput("tick-1", loadState(), unneeded("w-1"));
        ((ObjectNode) negative.get("basis")).put("version", -1);

        InvalidStepInput missing = assertThrows(InvalidStepInput.class, () -> call(record, noState));
        InvalidStepInput below = assertThrows(InvalidStepInput.class, () -> call(record, negative));

        assertTrue(missing.getMessage().contains("basis.state"), missing.getMessage());
        assertTrue(below.getMessage().contains("basis.version"), below.getMessage());
        assertEquals(0, reader.recentEvents(10).size());
    }

    @Test
    void everyFieldOfTheState_survivesTheItemAndTheWorkflowsJson_andWritesTheSameItem() {
        // GIVEN a state with every field set, as the item holds it
        ScalingState full = new ScalingState(T0.minusSeconds(600), T0.minusSeconds(300), T0.minusMillis(1_234),
                2, List.of(new PendingLaunch("i-1", "m6a.large", "eu-west-1a", T0.minusSeconds(45))),
                List.of(new UnavailableOffering("c6a.large", "eu-west-1b", "spot", T0.plusSeconds(900), "capacity → none")),
                true, "maintenance: \"night\"", ScalingAction.SCALE_DOWN,
                List.of(new BlockedNode("i-7", "PodDisruptionBudget shop/cart", T0.plusSeconds(1800))),
                List.of(new UnneededNode("w-2", "i-2", T0.minusSeconds(240)), new UnneededNode("w-3", null, T0)),
                new ReportMark("3f9a", T0.minusSeconds(30)));
        Map<String, AttributeValue> item = itemOf(full);

        // WHEN it is read, passed through the workflow as JSON and read back
        ScalingState read = StateItemCodec.read(item);
        ScalingState throughJson;
        try {
            throughJson = StepJson.MAPPER.readValue(StepJson.MAPPER.writeValueAsString(read), ScalingState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        // THEN it is the same state, and it would write the same attributes
        assertEquals(full, throughJson);
        assertEquals(itemOf(full), itemOf(throughJson));
    }

    private static Map<String, AttributeValue> itemOf(ScalingState scaling) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String clauses = StateItemCodec.updateClauses(scaling, names, values);
        Map<String, AttributeValue> item = new HashMap<>();
        names.forEach((placeholder, attribute) -> {
            AttributeValue value = values.get(":" + placeholder.substring(1));
            if (value != null) {
                item.put(attribute, value);
            }
        });
        assertFalse(clauses.isBlank());
        return item;
    }
}
