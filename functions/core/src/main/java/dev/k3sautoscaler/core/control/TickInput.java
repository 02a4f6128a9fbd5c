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
    /** How long an alert's tick waits before it observes (its Wait state's SecondsPath). */
    public static final String WAIT_SECONDS = "waitSeconds";
    /**
     * The longest such wait. The tick is an Express execution (at most 5 minutes) whose own run
     * needs up to its 2-minute timeout after the wait; the tick's Choice refuses anything longer.
     */
    public static final int MAX_WAIT_SECONDS = 180;

    /** The EventBridge Scheduler schedule's input. */
    public static final Map<String, String> SCHEDULE = Map.of("trigger", Trigger.SCALE.value());

    private TickInput() {
    }

    /**
     * The fast path's input: a scale tick that first waits {@code waitSeconds} (PENDING_UP_SEC: the
     * alert fires at the first evaluation that sees a pod, and the tick counts a pod only once it
     * has waited that long). Ordered, so the rendered JSON is the same every time.
     */
    public static Map<String, Object> alert(int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException(WAIT_SECONDS + " must be 0.." + MAX_WAIT_SECONDS + ", got " + waitSeconds);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("trigger", Trigger.SCALE.value());
        map.put("source", ALERT_SOURCE);
        map.put(WAIT_SECONDS, waitSeconds);
        return Collections.unmodifiableMap(map);
    }
}
