package dev.k3sautoscaler.core.report;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.DecisionWording;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ReportMark;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.model.WorkerVerdict;
import dev.k3sautoscaler.core.words.Words;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds what a tick tells the cluster from what it decided (pure: the kube step only writes it).
 * Every reason is worded here once; the event, the ConfigMap and the annotation say the same.
 */
public final class ClusterReporting {
    /** Pods named per tick: a burst of 1,000 is counted in the status and 50 of them get an event. */
    public static final int MAX_POD_NOTICES = 50;
    /**
     * While pods wait, the report is rewritten at least this often so each one's event counts it again;
     * a quiet cluster is reported only when something changes (a quiet tick invokes nothing).
     */
    public static final Duration REFRESH = Duration.ofMinutes(10);

    private ClusterReporting() {
    }

    /**
     * @param actuation the actuation the tick starts when the decision is not NOOP
     * @param lock      the lock as LoadState saw it
     * @param reported  what the cluster was told last (null: never)
     */
    public record Facts(String cluster, String execution, Instant now, ClusterMetrics metrics, ScalingState state,
                        Decision decision, String actuation, ClusterStatus.Lock lock, AutoscalerConfig config,
                        ReportMark reported) {
    }

    public static ClusterReport report(Facts facts) {
        WorkerPrice price = new WorkerPrice(facts.config().workerHourlyPriceUsd());
        List<NodeNotice> nodes = facts.decision().scaleDown().workers().stream().map(ClusterReporting::node).toList();
        List<PodNotice> pods = pods(facts, price);
        ClusterStatus status = status(facts, price, nodes);
        String digest = digest(status.digestFacts() + pods.stream()
                .map(pod -> pod.qualifiedName() + "=" + pod.code().story()).collect(Collectors.joining(",", "|", "")));
        ReportMark last = facts.reported();
        boolean due = last == null || !last.digest().equals(digest)
                || (!pods.isEmpty() && !facts.now().isBefore(last.at().plus(REFRESH)));
        return new ClusterReport(status, pods, digest, due);
    }

    /** The verdict's line, split as ReportToCluster splits it ({@link NodeNotice#fromLines}): the same notice either way. */
    static NodeNotice node(WorkerVerdict worker) {
        return NodeNotice.ofLine(worker.line(), worker.code());
    }

    // ---- pods ----

    static List<PodNotice> pods(Facts facts, WorkerPrice price) {
        ClusterMetrics metrics = facts.metrics();
        if (metrics == null || !metrics.available() || metrics.unschedulablePodRequests() == null) {
            return List.of();
        }
        Set<String> tooLarge = facts.decision().tooLargeForWorker().stream().map(PodRequest::qualifiedName)
                .collect(Collectors.toSet());
        PodNotice.Code waiting = waitingCode(facts);
        String note = note(waiting, facts, price);
        return metrics.unschedulablePodRequests().stream()
                .sorted(Comparator.comparing(PodRequest::qualifiedName))
                .limit(MAX_POD_NOTICES)
                .map(pod -> tooLarge.contains(pod.qualifiedName())
                        ? notice(pod, PodNotice.Code.TOO_LARGE_FOR_WORKER, tooLargeNote(pod, facts.config()))
                        : notice(pod, waiting, note))
                .toList();
    }

    private static PodNotice notice(PodRequest pod, PodNotice.Code code, String note) {
        String action = code == PodNotice.Code.TRIGGERED_SCALE_UP ? "ScaleUp" : "Evaluate";
        return new PodNotice(pod.namespace(), pod.name(), code,
                ClusterEvent.onPod(pod.namespace(), pod.name(), code.eventReason(), code.warning(), action, note));
    }

    /** Why a pod that some worker could hold did or did not trigger a scale-up this tick. */
    static PodNotice.Code waitingCode(Facts facts) {
        Decision decision = facts.decision();
        if (decision.action() == ScalingAction.SCALE_UP) {
            return facts.lock().held() ? PodNotice.Code.ACTUATION_RUNNING : PodNotice.Code.TRIGGERED_SCALE_UP;
        }
        DecisionReason.Code reason = decision.reasonCode();
        if (reason == DecisionReason.Code.AT_MAX_WORKERS || decision.atMaxCapacity()) {
            return PodNotice.Code.AT_MAX_WORKERS;
        }
        if (reason == DecisionReason.Code.PAUSED) {
            return PodNotice.Code.PAUSED;
        }
        if (reason == DecisionReason.Code.BACKING_OFF) {
            return unavailableOfferings(facts).isEmpty() ? PodNotice.Code.BACKING_OFF : PodNotice.Code.CAPACITY_UNAVAILABLE;
        }
        boolean launching = decision.heldBack().stream().map(HoldBack::code).anyMatch(code ->
                code == HoldBack.Code.PODS_FIT_LAUNCHING || code == HoldBack.Code.PODS_MAY_FIT_LAUNCHING
                        || code == HoldBack.Code.SCALE_UP_LAUNCHING);
        return launching ? PodNotice.Code.FITS_ON_LAUNCHING : PodNotice.Code.NO_SCALE_UP;
    }

    private static List<UnavailableOffering> unavailableOfferings(Facts facts) {
        return facts.state().unavailableOfferings().stream().filter(o -> o.isActive(facts.now())).toList();
    }

    private static String note(PodNotice.Code code, Facts facts, WorkerPrice price) {
        Decision decision = facts.decision();
        ScalingState state = facts.state();
        return switch (code) {
            case TRIGGERED_SCALE_UP -> "pod triggered scale-up: +" + Words.plural(decision.count(), "worker") + " ("
                    + decision.currentWorkers() + " → " + decision.targetWorkers() + ", max "
                    + facts.config().maxWorkers() + ") by actuation " + facts.actuation() + "; "
                    + price.adds(decision.count());
            case ACTUATION_RUNNING -> "pod didn't trigger a new scale-up: actuation " + facts.lock().holder()
                    + " holds the lock; the next tick decides again";
            case AT_MAX_WORKERS -> "pod didn't trigger scale-up: MAX_WORKERS reached (" + decision.currentWorkers()
                    + " of " + facts.config().maxWorkers() + " workers); raise MAX_WORKERS to add more";
            case PAUSED -> "pod didn't trigger scale-up: scaling is paused"
                    + (state.pausedReason() == null ? "" : " (" + state.pausedReason() + ")") + "; resume to scale";
            case BACKING_OFF -> "pod didn't trigger scale-up: backing off after "
                    + Words.plural(state.consecutiveFailures(), "failed actuation") + backoffEnd(facts);
            case CAPACITY_UNAVAILABLE -> "pod didn't trigger scale-up: EC2 had no capacity for "
                    + unavailableOfferings(facts).stream().map(o -> o.instanceType() + " in " + o.availabilityZone()
                            + " (" + o.capacityType() + ")").distinct().collect(Collectors.joining(", "))
                    + backoffEnd(facts);
            case FITS_ON_LAUNCHING -> "pod didn't trigger scale-up: it fits on the workers already launching ("
                    + state.pendingLaunches().size() + " in flight)";
            case NO_SCALE_UP -> "pod didn't trigger scale-up: " + decision.reason();
            case TOO_LARGE_FOR_WORKER -> throw new IllegalArgumentException("worded per pod");
        };
    }

    private static String backoffEnd(Facts facts) {
        ScalingState state = facts.state();
        if (state.lastFailureAt() == null) {
            return "";
        }
        return "; retrying after " + state.lastFailureAt().plus(facts.config().backoffAfter(state.consecutiveFailures()));
    }

    private static String tooLargeNote(PodRequest pod, AutoscalerConfig config) {
        return "pod didn't trigger scale-up: it requests " + Words.vcpu(pod.cpuMillis()) + " and "
                + Words.gib(pod.memoryBytes()) + ", more than one worker's allocatable ("
                + Words.vcpu(config.workerCpuMillis()) + ", " + Words.gib(config.workerMemoryBytes())
                + "); no new worker can hold it: it needs a larger worker instance type";
    }

    // ---- status ----

    static ClusterStatus status(Facts facts, WorkerPrice price, List<NodeNotice> nodes) {
        Decision decision = facts.decision();
        ScalingState state = facts.state();
        ClusterMetrics metrics = facts.metrics();
        List<WorkerNode> workers = metrics != null && metrics.workers() != null ? metrics.workers() : List.of();
        int ready = (int) workers.stream().filter(WorkerNode::ready).count();
        ClusterStatus.Health health = state.paused() ? ClusterStatus.Health.PAUSED
                : metrics == null || !metrics.available() ? ClusterStatus.Health.METRICS_UNAVAILABLE
                : decision.reasonCode() == DecisionReason.Code.BACKING_OFF ? ClusterStatus.Health.BACKING_OFF
                : ClusterStatus.Health.HEALTHY;
        String healthReason = switch (health) {
            case PAUSED, BACKING_OFF -> decision.reason();
            case METRICS_UNAVAILABLE -> metrics == null ? "no metrics" : metrics.unavailableReason();
            case HEALTHY -> "metrics available, not paused, no failure backoff";
        };
        ClusterStatus.LastFailure lastFailure = state.consecutiveFailures() == 0 ? null
                : new ClusterStatus.LastFailure(state.lastFailureAt(), state.consecutiveFailures(),
                        state.failedAction() == null ? null : state.failedAction().name(),
                        state.lastFailureAt() == null ? null
                                : state.lastFailureAt().plus(facts.config().backoffAfter(state.consecutiveFailures())));
        return new ClusterStatus(facts.cluster(), facts.now(), facts.execution(), health, healthReason,
                new ClusterStatus.DecisionLine(decision.action().name(), decision.count(), decision.reasonCode().name(),
                        DecisionPricing.reason(decision, price), decision.isNoop() ? null : facts.actuation(),
                        DecisionPricing.costChangeUsdPerHour(decision, price)),
                new ClusterStatus.Workers(ready, workers.size() - ready, state.pendingLaunches().size(),
                        decision.currentWorkers(), decision.targetWorkers(), facts.config().minWorkers(),
                        facts.config().maxWorkers(), price.perHour(decision.currentWorkers())),
                metrics == null || metrics.unschedulablePods() == null ? 0 : metrics.unschedulablePods(),
                decision.tooLargeNamed().stream().map(PodRequest::qualifiedName).toList(),
                facts.lock(), new ClusterStatus.Pause(state.paused(), state.pausedReason()), lastFailure, nodes);
    }

    /** A short, stable hex digest of {@code facts}: the report's news mark, and the events' object names. */
    public static String digest(String facts) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(facts.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
