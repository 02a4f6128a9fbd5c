package dev.k3sautoscaler.core.control;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the tick is started with when it is to observe and decide. The tick's first Choice takes only
 * these as such ticks: an empty input cannot be told from an empty array in a Choice, and an array
 * must end InvalidTickInput, not run as a tick (docs/workflow.md).
 */
public final class TickInput {
    /** Names the unschedulable-pods fast path in the input, so its ticks read apart from the schedule's. */
    public static final String ALERT_SOURCE = "unschedulable-pods-alert";

    /** The EventBridge Scheduler schedule's input. */
    public static final Map<String, String> SCHEDULE = Map.of("trigger", Trigger.SCALE.value());

    /**
     * The input template of the fast path's EventBridge Pipe (SQS → tick), one per queued alert. Pipes
     * hands Step Functions the batch as a JSON array, even of one message, so the tick receives
     * {@code [ALERT, …]} and reads its first element. Ordered: it is rendered into the Pipe's
     * template, which must not change from one synth to the next.
     */
    public static final Map<String, String> ALERT = ordered("trigger", Trigger.SCALE.value(), "source", ALERT_SOURCE);

    private TickInput() {
    }

    private static Map<String, String> ordered(String k1, String v1, String k2, String v2) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return Collections.unmodifiableMap(map);
    }
}
