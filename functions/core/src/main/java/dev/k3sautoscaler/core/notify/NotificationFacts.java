package dev.k3sautoscaler.core.notify;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.state.Outcome;
import java.time.Duration;

/**
 * Everything a notice says, gathered by the step that records the outcome.
 *
 * @param clusterId      the cluster
 * @param execution      the execution name (the console link an operator follows)
 * @param outcome        what was recorded
 * @param request        the validated execution input (null for a record made outside an actuation)
 * @param workersBefore  workers counted when the action was decided (null when nothing was decided)
 * @param workersAfter   workers planned after the action (null when nothing was decided)
 * @param atMaxCapacity  the decision wanted more than MAX_WORKERS allows
 * @param decisionReason the decision's one line (null when nothing was decided)
 * @param duration       since the execution started (null when unknown)
 */
public record NotificationFacts(
        String clusterId,
        String execution,
        Outcome outcome,
        ControlRequest request,
        Integer workersBefore,
        Integer workersAfter,
        boolean atMaxCapacity,
        String decisionReason,
        Duration duration) {
}
