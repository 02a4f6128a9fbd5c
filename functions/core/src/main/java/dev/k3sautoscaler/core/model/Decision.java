package dev.k3sautoscaler.core.model;

import java.util.List;

/**
 * What to do, and why in words an operator reads in the Step Functions console.
 *
 * @param count          workers to add or remove (0 for NOOP)
 * @param reason         one line: the action and the numbers behind it
 * @param currentWorkers workers counted for the bounds (registered workers plus launches in flight)
 * @param targetWorkers  workers after the action
 * @param blocked        what held back other actions ("scale-down: 3 pods unschedulable"), may be empty
 * @param tooLargeForWorker unschedulable pods that no worker could ever hold; reported, never scaled for
 * @param atMaxCapacity  more capacity was needed than MAX_WORKERS allows
 */
public record Decision(
        ScalingAction action,
        int count,
        ScaleTrigger trigger,
        String reason,
        int currentWorkers,
        int targetWorkers,
        List<String> blocked,
        List<PodRequest> tooLargeForWorker,
        boolean atMaxCapacity) {

    public Decision {
        blocked = blocked == null ? List.of() : List.copyOf(blocked);
        tooLargeForWorker = tooLargeForWorker == null ? List.of() : List.copyOf(tooLargeForWorker);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a decision always carries a reason");
        }
        if ((action == ScalingAction.NOOP) != (count == 0) || count < 0) {
            throw new IllegalArgumentException("count " + count + " does not fit action " + action);
        }
    }

    public boolean isNoop() {
        return action == ScalingAction.NOOP;
    }
}
