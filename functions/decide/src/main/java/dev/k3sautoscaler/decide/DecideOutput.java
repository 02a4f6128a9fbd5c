package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import java.util.List;

/**
 * Output of the Decide step: the decision's fields, its reason and hold-backs worded for the console
 * ({@code reason}, {@code blocked}, which the ASL passes on) and as codes for machines
 * ({@code reasonCode}, {@code blockedCodes}, one per {@code blocked} line, in the same order).
 *
 * @param actuationName a deterministic execution name for the actuation the tick starts
 *                      ({@code scale-up-20261123-1200}): a repeated tick in the same minute gets
 *                      ExecutionAlreadyExists instead of a second actuation
 * @param policy        which policy decided ({@code default} or {@code seed-baseline})
 */
public record DecideOutput(
        ScalingAction action,
        int count,
        ScaleTrigger trigger,
        String reason,
        String reasonCode,
        int currentWorkers,
        int targetWorkers,
        List<String> blocked,
        List<String> blockedCodes,
        List<PodRequest> tooLargeForWorker,
        boolean atMaxCapacity,
        boolean noop,
        String actuationName,
        String policy) {

    static DecideOutput of(Decision decision, String actuationName, String policy) {
        return new DecideOutput(decision.action(), decision.count(), decision.trigger(), decision.reason(),
                decision.reasonCode().name(), decision.currentWorkers(), decision.targetWorkers(), decision.blocked(),
                decision.blockedCodes().stream().map(HoldBack.Code::name).toList(), decision.tooLargeForWorker(),
                decision.atMaxCapacity(), decision.isNoop(), actuationName, policy);
    }
}
