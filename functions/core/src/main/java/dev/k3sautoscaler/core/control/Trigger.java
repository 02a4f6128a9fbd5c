package dev.k3sautoscaler.core.control;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why an actuation execution was started: its {@code trigger} input field. The first three come from
 * the tick and EventBridge; the rest are started by an operator (docs/operations-manual-controls.md)
 * and must say who asked ({@code requestedBy}).
 */
public enum Trigger {
    SCALE("scale", false, Set.of("requestedBy", "expected", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID")),
    // Started by the tick, which names the execution and links it to itself (the console's "started by").
    SPOT_INTERRUPTION("spot-interruption", false, Set.of("instanceId", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID")),
    REBALANCE("rebalance", false, Set.of("instanceId", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID")),
    FORCE_SCALE_UP("force-scale-up", true, Set.of("count", "requestedBy", "reason")),
    FORCE_SCALE_DOWN("force-scale-down", true, Set.of("nodeName", "requestedBy", "reason")),
    PAUSE("pause", true, Set.of("requestedBy", "reason")),
    RESUME("resume", true, Set.of("requestedBy", "reason")),
    BREAK_LOCK("break-lock", true, Set.of("requestedBy", "reason"));

    private final String value;
    private final boolean manual;
    private final Set<String> fields;

    Trigger(String value, boolean manual, Set<String> fields) {
        this.value = value;
        this.manual = manual;
        this.fields = fields;
    }

    /** The input value, e.g. {@code force-scale-up}. */
    public String value() {
        return value;
    }

    /** Started by an operator: {@code requestedBy} is required and the request is written to the event log. */
    public boolean manual() {
        return manual;
    }

    /** The input fields this trigger accepts besides {@code trigger}; anything else is a typo to report. */
    public Set<String> fields() {
        return fields;
    }

    public static Optional<Trigger> fromValue(String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst();
    }

    public static List<String> allValues() {
        return Arrays.stream(values()).map(Trigger::value).toList();
    }
}
