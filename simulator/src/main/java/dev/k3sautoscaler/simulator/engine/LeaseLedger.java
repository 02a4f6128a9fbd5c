package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The lock's lease operations and the actuating steps' side effects, each at the instant its handler
 * really ran (a hung invocation's side effect lands when it lands, a lost result still did its work)
 * — not when Step Functions heard about it. {@link Invariants} reads it for
 * {@link Invariants.Name#NO_SIDE_EFFECT_UNDER_LOST_LEASE}.
 */
public final class LeaseLedger {
    /** The steps that change EC2 or the cluster, and so must only run under a current lease. */
    public static final Set<String> ACTUATING = Set.of("launch-workers", "terminate-workers", "cordon-node",
            "uncordon-node", "drain-node", "delete-node");

    public enum Kind { ACQUIRED, RENEWED, RELEASED, SIDE_EFFECT }

    /** One operation, in the order the handlers completed. */
    public record Entry(Duration at, String execution, String function, Kind kind) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** A handler of {@code function} ran to completion for {@code execution} at {@code at} with {@code output}. */
    void completed(Duration at, String execution, String function, JsonNode output) {
        Kind kind = switch (function) {
            case "acquire-lock" -> output.path("acquired").asBoolean(false) ? Kind.ACQUIRED : null;
            case "renew-lock" -> Kind.RENEWED; // a renewal that found the lease gone throws LockLost instead
            // Past ReleaseLock the execution acts lockless, whatever the release found (released, superseded, …).
            case "release-lock" -> Kind.RELEASED;
            default -> ACTUATING.contains(function) ? Kind.SIDE_EFFECT : null;
        };
        if (kind != null) {
            entries.add(new Entry(at, execution, function, kind));
        }
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }
}
