package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateItemCodec.number;
import static dev.k3sautoscaler.state.StateItemCodec.string;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.state.StateTableSchema.EventLog;
import dev.k3sautoscaler.state.StateTableSchema.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads without taking the lock: the snapshot LoadState and Decide start from, and the event log. */
public final class StateReader extends StateProtocol {
    public StateReader(StateAccess state) {
        super(state);
    }

    /** The state and who holds the lock, without taking it. */
    public LoadStateOutput load() {
        Map<String, AttributeValue> item = state.readItem();
        long now = state.nowSeconds();
        String owner = string(item.get(State.LOCK_OWNER));
        long until = number(item.get(State.LOCK_UNTIL), 0);
        boolean locked = owner != null && until > now;
        ScalingState scaling = StateItemCodec.read(item);
        long token = number(item.get(State.FENCING_TOKEN), 0);
        String reason = (locked ? "locked by " + owner + " until " + Instant.ofEpochSecond(until) : "unlocked")
                + "; " + scaling.pendingLaunches().size() + " launches in flight, "
                + scaling.consecutiveFailures() + " consecutive failures" + (scaling.paused() ? ", PAUSED: " + scaling.pausedReason() : "");
        return new LoadStateOutput(scaling, locked, locked ? owner : null, locked ? Instant.ofEpochSecond(until) : null,
                token, StateAccess.version(item), reason);
    }

    /** The newest {@code limit} events of this cluster, newest first. */
    public List<EventRecord> recentEvents(int limit) {
        var response = DynamoErrors.call("read event log", () -> state.dynamo().query(r -> r
                .tableName(state.settings().eventLogTable())
                .keyConditionExpression("#cluster = :cluster")
                .expressionAttributeNames(Map.of("#cluster", EventLog.CLUSTER_ID))
                .expressionAttributeValues(Map.of(":cluster", AttributeValue.fromS(clusterId())))
                .scanIndexForward(false)
                .limit(limit)
                .consistentRead(true)));
        return response.items().stream().map(StateReader::eventRecord).toList();
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
}
