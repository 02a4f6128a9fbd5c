package dev.k3sautoscaler.core.control;

import java.util.Map;

/**
 * What the schedule starts the tick with. The tick's first Choice takes only this as a schedule
 * tick: an empty input cannot be told from an empty array in a Choice, and an array must end
 * InvalidTickInput, not run as a tick (docs/workflow.md).
 */
public final class TickInput {
    public static final Map<String, String> SCHEDULE = Map.of("trigger", Trigger.SCALE.value());

    private TickInput() {
    }
}
