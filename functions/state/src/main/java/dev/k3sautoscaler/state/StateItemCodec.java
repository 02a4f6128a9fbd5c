package dev.k3sautoscaler.state;

import static dev.k3sautoscaler.state.StateTableSchema.State.*;

import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.core.model.ReportMark;
import dev.k3sautoscaler.core.model.UnneededNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * ScalingState ↔ the state item's attributes. Instants are ISO-8601 strings (readable in the
 * DynamoDB console, lossless); lists are native L-of-M so an operator can read them there too.
 * Absent attributes read as the initial state, so a new cluster needs no seeding.
 */
final class StateItemCodec {
    private StateItemCodec() {
    }

    static ScalingState read(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return ScalingState.initial();
        }
        return new ScalingState(
                instant(item.get(LAST_SCALE_UP_AT)),
                instant(item.get(LAST_SCALE_DOWN_AT)),
                instant(item.get(LAST_FAILURE_AT)),
                (int) number(item.get(CONSECUTIVE_FAILURES), 0),
                list(item.get(PENDING_LAUNCHES)).stream().map(StateItemCodec::pendingLaunch).toList(),
                list(item.get(UNAVAILABLE_OFFERINGS)).stream().map(StateItemCodec::offering).toList(),
                item.containsKey(PAUSED) && Boolean.TRUE.equals(item.get(PAUSED).bool()),
                string(item.get(PAUSED_REASON)),
                failedAction(string(item.get(FAILED_ACTION))),
                list(item.get(BLOCKED_NODES)).stream().map(StateItemCodec::blockedNode).toList(),
                list(item.get(UNNEEDED_NODES)).stream().map(StateItemCodec::unneededNode).toList(),
                reported(item.get(REPORTED)));
    }

    /**
     * The SET and REMOVE clauses that write {@code state} (null values are removed, never stored as
     * NULL), with their placeholder names/values added to the given maps.
     */
    static String updateClauses(ScalingState state, Map<String, String> names, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(LAST_SCALE_UP_AT, instant(state.lastScaleUpAt()));
        attributes.put(LAST_SCALE_DOWN_AT, instant(state.lastScaleDownAt()));
        attributes.put(LAST_FAILURE_AT, instant(state.lastFailureAt()));
        attributes.put(CONSECUTIVE_FAILURES, number(state.consecutiveFailures()));
        attributes.put(PENDING_LAUNCHES, AttributeValue.fromL(state.pendingLaunches().stream().map(StateItemCodec::pendingLaunch).toList()));
        attributes.put(UNAVAILABLE_OFFERINGS, AttributeValue.fromL(state.unavailableOfferings().stream().map(StateItemCodec::offering).toList()));
        attributes.put(PAUSED, AttributeValue.fromBool(state.paused()));
        attributes.put(PAUSED_REASON, string(state.pausedReason()));
        attributes.put(FAILED_ACTION, state.failedAction() == null ? null : string(state.failedAction().name()));
        attributes.put(BLOCKED_NODES, AttributeValue.fromL(state.blockedNodes().stream().map(StateItemCodec::blockedNode).toList()));
        attributes.put(UNNEEDED_NODES, AttributeValue.fromL(state.unneededNodes().stream().map(StateItemCodec::unneededNode).toList()));
        attributes.put(REPORTED, reported(state.reported()));
        StringBuilder set = new StringBuilder();
        StringBuilder remove = new StringBuilder();
        int index = 0;
        for (var entry : attributes.entrySet()) {
            String name = "#s" + index;
            names.put(name, entry.getKey());
            if (entry.getValue() == null) {
                remove.append(remove.isEmpty() ? "" : ", ").append(name);
            } else {
                String value = ":s" + index;
                values.put(value, entry.getValue());
                set.append(", ").append(name).append(" = ").append(value);
            }
            index++;
        }
        return set + (remove.isEmpty() ? "" : " REMOVE " + remove);
    }

    private static AttributeValue reported(ReportMark mark) {
        return mark == null ? null : AttributeValue.fromM(Map.of(DIGEST, string(mark.digest()), AT, instant(mark.at())));
    }

    /** A mark that cannot be read is no mark: the next tick reports again, which is harmless. */
    private static ReportMark reported(AttributeValue value) {
        if (value == null || value.m() == null || value.m().isEmpty()) {
            return null;
        }
        String digest = string(value.m().get(DIGEST));
        Instant at = instant(value.m().get(AT));
        return digest == null || digest.isBlank() || at == null ? null : new ReportMark(digest, at);
    }

    private static AttributeValue pendingLaunch(PendingLaunch launch) {
        Map<String, AttributeValue> map = new HashMap<>();
        putIfPresent(map, INSTANCE_ID, string(launch.instanceId()));
        putIfPresent(map, INSTANCE_TYPE, string(launch.instanceType()));
        putIfPresent(map, AVAILABILITY_ZONE, string(launch.availabilityZone()));
        putIfPresent(map, LAUNCHED_AT, instant(launch.launchedAt()));
        return AttributeValue.fromM(map);
    }

    private static PendingLaunch pendingLaunch(AttributeValue value) {
        Map<String, AttributeValue> map = value.m();
        return new PendingLaunch(string(map.get(INSTANCE_ID)), string(map.get(INSTANCE_TYPE)),
                string(map.get(AVAILABILITY_ZONE)), instant(map.get(LAUNCHED_AT)));
    }

    private static AttributeValue offering(UnavailableOffering offering) {
        Map<String, AttributeValue> map = new HashMap<>();
        putIfPresent(map, INSTANCE_TYPE, string(offering.instanceType()));
        putIfPresent(map, AVAILABILITY_ZONE, string(offering.availabilityZone()));
        putIfPresent(map, CAPACITY_TYPE, string(offering.capacityType()));
        putIfPresent(map, UNTIL, instant(offering.until()));
        putIfPresent(map, REASON, string(offering.reason()));
        return AttributeValue.fromM(map);
    }

    private static UnavailableOffering offering(AttributeValue value) {
        Map<String, AttributeValue> map = value.m();
        return new UnavailableOffering(string(map.get(INSTANCE_TYPE)), string(map.get(AVAILABILITY_ZONE)),
                string(map.get(CAPACITY_TYPE)), instant(map.get(UNTIL)), string(map.get(REASON)));
    }

    /**
     * The direction of the failures, or null when absent or unreadable (an edited item): null backs
     * off both directions, the safe reading of a value nobody can trust.
     */
    static ScalingAction failedAction(String value) {
        return java.util.Arrays.stream(ScalingAction.values()).filter(a -> a.name().equals(value)).findFirst()
                .orElse(null);
    }

    private static AttributeValue blockedNode(BlockedNode node) {
        Map<String, AttributeValue> map = new HashMap<>();
        putIfPresent(map, INSTANCE_ID, string(node.instanceId()));
        putIfPresent(map, REASON, string(node.reason()));
        putIfPresent(map, UNTIL, instant(node.until()));
        return AttributeValue.fromM(map);
    }

    private static BlockedNode blockedNode(AttributeValue value) {
        Map<String, AttributeValue> map = value.m();
        return new BlockedNode(string(map.get(INSTANCE_ID)), string(map.get(REASON)), instant(map.get(UNTIL)));
    }

    private static AttributeValue unneededNode(UnneededNode node) {
        Map<String, AttributeValue> map = new HashMap<>();
        putIfPresent(map, NODE, string(node.node()));
        putIfPresent(map, INSTANCE_ID, string(node.instanceId()));
        putIfPresent(map, SINCE, instant(node.since()));
        return AttributeValue.fromM(map);
    }

    private static UnneededNode unneededNode(AttributeValue value) {
        Map<String, AttributeValue> map = value.m();
        return new UnneededNode(string(map.get(NODE)), string(map.get(INSTANCE_ID)), instant(map.get(SINCE)));
    }

    private static void putIfPresent(Map<String, AttributeValue> map, String key, AttributeValue value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    static AttributeValue string(String value) {
        return value == null ? null : AttributeValue.fromS(value);
    }

    static String string(AttributeValue value) {
        return value == null ? null : value.s();
    }

    static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static long number(AttributeValue value, long absent) {
        return value == null || value.n() == null ? absent : Long.parseLong(value.n());
    }

    static AttributeValue instant(Instant value) {
        return value == null ? null : AttributeValue.fromS(value.toString());
    }

    static Instant instant(AttributeValue value) {
        return value == null || value.s() == null ? null : Instant.parse(value.s());
    }

    private static List<AttributeValue> list(AttributeValue value) {
        return value == null || !value.hasL() ? List.of() : value.l();
    }
}
