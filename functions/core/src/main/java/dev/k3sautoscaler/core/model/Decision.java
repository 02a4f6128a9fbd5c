package dev.k3sautoscaler.core.model;

import java.util.Comparator;
import java.util.List;

/**
 * What to do, and why: the reason and the hold-backs as typed facts, worded by {@link DecisionWording}
 * into the lines an operator reads in the Step Functions console.
 *
 * @param count          workers to add or remove (0 for NOOP)
 * @param why            the action and the numbers behind it
 * @param currentWorkers workers counted for the bounds (registered workers plus launches in flight)
 * @param targetWorkers  workers after the action
 * @param heldBack       what held back other actions (e.g. pods unschedulable held back a scale-down), may be empty
 * @param tooLargeForWorker unschedulable pods that no worker could ever hold; reported, never scaled for
 * @param atMaxCapacity  more capacity was needed than MAX_WORKERS allows
 * @param scaleDown      every worker's scale-down verdict and the per-node timers ({@link ScaleDownPlan#NONE}
 *                       when the policy does not judge workers one by one)
 */
public record Decision(
        ScalingAction action,
        int count,
        ScaleTrigger trigger,
        DecisionReason why,
        int currentWorkers,
        int targetWorkers,
        List<HoldBack> heldBack,
        List<PodRequest> tooLargeForWorker,
        boolean atMaxCapacity,
        ScaleDownPlan scaleDown) {

    public Decision {
        scaleDown = scaleDown == null ? ScaleDownPlan.NONE : scaleDown;
        heldBack = heldBack == null ? List.of() : List.copyOf(heldBack);
        tooLargeForWorker = tooLargeForWorker == null ? List.of() : List.copyOf(tooLargeForWorker);
        if (why == null) {
            throw new IllegalArgumentException("a decision always carries a reason");
        }
        if ((action == ScalingAction.NOOP) != (count == 0) || count < 0) {
            throw new IllegalArgumentException("count " + count + " does not fit action " + action);
        }
    }

    public Decision(ScalingAction action, int count, ScaleTrigger trigger, DecisionReason why, int currentWorkers,
                    int targetWorkers, List<HoldBack> heldBack, List<PodRequest> tooLargeForWorker, boolean atMaxCapacity) {
        this(action, count, trigger, why, currentWorkers, targetWorkers, heldBack, tooLargeForWorker, atMaxCapacity,
                ScaleDownPlan.NONE);
    }

    public Decision withScaleDown(ScaleDownPlan plan) {
        return new Decision(action, count, trigger, why, currentWorkers, targetWorkers, heldBack, tooLargeForWorker,
                atMaxCapacity, plan);
    }

    /**
     * How many too-large pods the step data names: 500 pods waiting in vain (the most CollectMetrics passes)
     * would otherwise carry about 50 KB through the tick, twice (the decision and the status) — a fifth of
     * Step Functions' 256 KiB for a list whose length the hold-back line already states.
     */
    public static final int NAMED_TOO_LARGE = 20;

    /** The first {@link #NAMED_TOO_LARGE} too-large pods by name: what step data carries of them. */
    public List<PodRequest> tooLargeNamed() {
        return tooLargeForWorker.stream().sorted(Comparator.comparing(PodRequest::qualifiedName))
                .limit(NAMED_TOO_LARGE).toList();
    }

    public boolean isNoop() {
        return action == ScalingAction.NOOP;
    }

    /** The one line an operator reads: the action and the numbers behind it. */
    public String reason() {
        return DecisionWording.reason(why);
    }

    public DecisionReason.Code reasonCode() {
        return why.code();
    }

    /** What held back other actions, one line each. */
    public List<String> blocked() {
        return heldBack.stream().map(DecisionWording::holdBack).toList();
    }

    public List<HoldBack.Code> blockedCodes() {
        return heldBack.stream().map(HoldBack::code).toList();
    }
}
