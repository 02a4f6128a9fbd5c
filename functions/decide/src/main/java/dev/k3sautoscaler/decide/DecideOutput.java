package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ReportMark;
import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.DecisionPricing;
import dev.k3sautoscaler.core.report.WorkerPrice;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScaleDownPlan;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.model.WorkerVerdict;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Output of the Decide step: the decision's fields, its reason and hold-backs worded for the console
 * ({@code reason}, {@code blocked}, which the ASL passes on) and as codes for machines
 * ({@code reasonCode}, {@code blockedCodes}, one per {@code blocked} line, in the same order).
 *
 * @param actuationName a deterministic execution name for the actuation the tick starts
 *                      ({@code scale-up-20261123-1200}): a repeated tick in the same minute gets
 *                      ExecutionAlreadyExists instead of a second actuation
 * @param policy        which policy decided ({@code default} or {@code seed-baseline})
 * @param scaleDownNodes  the workers a SCALE_DOWN removes (SelectScaleDownTarget considers only these), empty ones first
 * @param workers         every worker's scale-down verdict, one line each ({@code "w-3: unneeded since …"})
 * @param workerCodes     the code of each line, in the same order ({@code REMOVED} or an unremovable reason)
 * @param unneeded        the per-node scale-down timers after this tick
 * @param unneededChanged they differ from the state's: the tick records them (a quiet tick writes nothing)
 * @param keptUnneeded    the workers unneeded now but kept, counted by their code (what stands between the
 *                        cluster and its floor: the timer, a limit, a window, a pod that blocks)
 * @param costChangeUsdPerHour what the action adds to the bill (positive) or saves (negative), USD per hour;
 *                        {@code reason} says it in words
 * @param reportDue       the tick has something new to tell the cluster (or the last report is old): the tick
 *                        runs ReportToCluster with {@code report} and records {@code reportMark}
 * @param report          what to tell the cluster; only when due (a quiet tick carries none). Without each
 *                        worker's status: those are {@code workers} and {@code workerCodes}, which the tick hands
 *                        ReportToCluster beside it (carried twice, they would be a third of the tick's data)
 * @param reportMark      the mark to record once the report is written; only when due
 * @param tooLargeForWorker the first {@link dev.k3sautoscaler.core.model.Decision#NAMED_TOO_LARGE} pods no worker
 *                        could hold, by name ({@code blocked} counts them all)
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
        String policy,
        List<String> scaleDownNodes,
        List<String> workers,
        List<String> workerCodes,
        List<UnneededNode> unneeded,
        boolean unneededChanged,
        Map<String, Integer> keptUnneeded,
        double costChangeUsdPerHour,
        boolean reportDue,
        ClusterReport report,
        ReportMark reportMark) {

    static DecideOutput of(Decision decision, String actuationName, String policy, WorkerPrice price,
                           ClusterReport report) {
        ScaleDownPlan plan = decision.scaleDown();
        List<WorkerVerdict> removed = plan.removed().stream()
                .sorted(Comparator.comparing((WorkerVerdict w) -> !w.empty())).toList();
        boolean due = report != null && report.due();
        return new DecideOutput(decision.action(), decision.count(), decision.trigger(),
                DecisionPricing.reason(decision, price),
                decision.reasonCode().name(), decision.currentWorkers(), decision.targetWorkers(), decision.blocked(),
                decision.blockedCodes().stream().map(HoldBack.Code::name).toList(), decision.tooLargeNamed(),
                decision.atMaxCapacity(), decision.isNoop(), actuationName, policy,
                removed.stream().map(WorkerVerdict::node).toList(),
                plan.workers().stream().map(WorkerVerdict::line).toList(),
                plan.workers().stream().map(WorkerVerdict::code).toList(),
                plan.unneeded(), plan.unneededChanged(),
                plan.workers().stream().filter(WorkerVerdict::keptWhileUnneeded).collect(Collectors.toMap(
                        WorkerVerdict::code, w -> 1, Integer::sum, TreeMap::new)),
                DecisionPricing.costChangeUsdPerHour(decision, price), due, due ? report.withNodes(List.of()) : null,
                due ? new ReportMark(report.digest(), report.status().time()) : null);
    }
}
