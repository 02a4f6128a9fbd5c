package dev.k3sautoscaler.core.model;

import static dev.k3sautoscaler.core.words.Words.agree;
import static dev.k3sautoscaler.core.words.Words.gib;
import static dev.k3sautoscaler.core.words.Words.minutes;
import static dev.k3sautoscaler.core.words.Words.names;
import static dev.k3sautoscaler.core.words.Words.percent;
import static dev.k3sautoscaler.core.words.Words.plural;
import static dev.k3sautoscaler.core.words.Words.relation;
import static dev.k3sautoscaler.core.words.Words.threshold;
import static dev.k3sautoscaler.core.words.Words.value;
import static dev.k3sautoscaler.core.words.Words.vcpu;

import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.words.Compared;

/**
 * The one place a decision's reasons and hold-backs become words: the {@code reason} and
 * {@code blocked} lines of the Decide step's output, the logs and the notices.
 */
public final class DecisionWording {
    /** How many too-large pods a hold-back names; the rest are counted. */
    static final int NAMED_PODS = 5;

    private DecisionWording() {
    }

    public static String reason(DecisionReason reason) {
        return switch (reason) {
            case DecisionReason.MetricsUnavailable r ->
                    "no action: metrics unavailable (" + r.why() + "); never scaling on missing data";
            case DecisionReason.Paused r -> "no action: autoscaling is paused" + parenthesised(r.why());
            case DecisionReason.BackingOff r ->
                    "no action: backing off after " + plural(r.failures(), "failed actuation") + " until " + r.until();
            case DecisionReason.BelowMin r -> "scale-up +" + r.count() + ": " + plural(r.live(), "worker")
                    + " Ready or joining, below MIN_WORKERS=" + r.minWorkers()
                    + (r.notReady() > 0 ? " (" + plural(r.notReady(), "NotReady node") + " not counted)" : "");
            case DecisionReason.ScaleUp r -> "scale-up +" + r.count() + ": " + need(r.need()) + "; capacity in flight "
                    + r.inFlight() + "; " + change(r.workers(), r.count())
                    + (r.cap() == null ? "" : " (wanted +" + r.cap().wanted() + ", capped by " + r.cap().bound() + "="
                    + r.cap().limit() + ")");
            case DecisionReason.AtMaxWorkers r -> "no action: at MAX_WORKERS=" + r.maxWorkers() + " ("
                    + plural(r.workers(), "worker") + "); " + need(r.need());
            case DecisionReason.UnneededWorkers r -> "scale-down -" + r.nodes().size() + ": "
                    + unneededCount(r.nodes().size(), r.empty()) + " unneeded for " + minutes(r.idleDown()) + " ("
                    + names(r.nodes(), NAMED_PODS) + "); " + change(r.workers(), -r.nodes().size());
            case DecisionReason.Steady r -> "no action: " + plural(r.workers(), "worker") + ", CPU "
                    + percent(r.cpuPercent()) + ", memory " + percent(r.memoryPercent()) + ", "
                    + (r.unschedulablePods() == 0 ? "no unschedulable pods"
                    : plural(r.unschedulablePods(), "unschedulable pod") + " that no new worker would help now");
            case DecisionReason.Cooldown r -> "no action: cooldown until " + r.until();
            case DecisionReason.BaselineScaleUp r -> "scale-up +1: " + (r.pending() > 0
                    ? "pending pods detected (" + r.pending() + ")" : "high CPU load (" + percent(r.cpuPercent()) + ")");
            case DecisionReason.BaselineScaleDown r ->
                    "scale-down -1: underutilized (CPU " + percent(r.cpuPercent()) + ")";
            case DecisionReason.BaselineSteady r -> "no action: " + plural(r.nodes(), "node") + ", CPU "
                    + percent(r.cpuPercent()) + ", " + r.pending() + " pending";
            case DecisionReason.ManualMetricsUnavailable r -> r.request() + " not done: metrics unavailable ("
                    + r.why() + "), so the worker count is unknown";
            case DecisionReason.ManualAtMaxWorkers r -> r.request() + " not done: already at MAX_WORKERS="
                    + r.maxWorkers() + " (" + plural(r.workers(), "worker") + ")";
            case DecisionReason.ManualAtMinWorkers r -> r.request() + " not done: "
                    + plural(r.readyWorkers(), "ready worker") + ", removing one would go below MIN_WORKERS="
                    + r.minWorkers();
            case DecisionReason.ManualScaleUp r -> "scale-up +" + r.count() + ": " + r.request() + "; "
                    + change(r.workers(), r.count()) + (r.count() < r.asked() ? " (asked +" + r.asked()
                    + ", capped by MAX_WORKERS=" + r.maxWorkers() + ")" : "");
            case DecisionReason.ManualScaleDown r -> "scale-down -1: " + r.request() + "; " + change(r.workers(), -1);
            case DecisionReason.RebalanceEc2Unknown r -> notActedOn(r.instance()) + "EC2 could not be read (" + r.why()
                    + "), so whether it is our worker is unknown";
            case DecisionReason.RebalanceNotOurs r -> notActedOn(r.instance()) + "it is not a running managed worker"
                    + " of this cluster (tags k3s-autoscaler/cluster and k3s-autoscaler/managed; never the master)";
            case DecisionReason.RebalanceMetricsUnavailable r ->
                    notActedOn(r.instance()) + "metrics unavailable (" + r.why() + ")";
            case DecisionReason.RebalancePaused r ->
                    notActedOn(r.instance()) + "autoscaling is paused" + parenthesised(r.why());
            case DecisionReason.RebalanceBackingOff r ->
                    notActedOn(r.instance()) + "backing off after failed actuations until " + r.until();
            case DecisionReason.RebalanceAtMaxWorkers r -> notActedOn(r.instance()) + "no replacement at MAX_WORKERS="
                    + r.maxWorkers() + " (" + plural(r.workers(), "worker") + ")" + keepsRunning(r.instance());
            case DecisionReason.RebalanceCooldown r -> notActedOn(r.instance()) + "the scale-up cooldown lasts until "
                    + r.until() + keepsRunning(r.instance());
            case DecisionReason.RebalanceDrain r -> "scale-down -1: drain " + r.instance() + " after an EC2 rebalance"
                    + " recommendation (REBALANCE_ACTION=drain); " + change(r.workers(), -1);
            case DecisionReason.RebalanceReplace r -> "scale-up +1: replacement for " + r.instance() + " after an EC2"
                    + " rebalance recommendation; " + r.instance() + " leaves by scale-down once the replacement is Ready; "
                    + change(r.workers(), 1) + " for a while";
        };
    }

    public static String holdBack(HoldBack holdBack) {
        return switch (holdBack) {
            case HoldBack.ScaleUpCooldown h -> "scale-up for " + need(h.need()) + ": cooldown after the scale-up at "
                    + h.lastScaleUp() + " until " + h.until();
            case HoldBack.ScaleUpLaunching h -> "scale-up for " + need(h.need()) + ": "
                    + plural(h.inFlight(), "worker") + " already launching";
            case HoldBack.PodsMayFitLaunching h -> agree(h.pods(), "unschedulable pod", "may fit") + " on the "
                    + plural(h.inFlight(), "worker") + " already launching";
            case HoldBack.PodsFitLaunching h -> agree(h.pods(), "unschedulable pod", "fits") + " on the "
                    + plural(h.inFlight(), "worker") + " already launching";
            case HoldBack.PodsTooLarge h -> agree(h.pods().size(), "pod", "requests") + " more than one worker's"
                    + " allocatable (" + vcpu(h.workerCpuMillis()) + " / " + gib(h.workerMemoryBytes())
                    + "), no scale-up helps: " + names(h.pods(), NAMED_PODS);
            case HoldBack.ScalingUp h -> "scale-down: scaling up";
            case HoldBack.PodsUnschedulable h -> "scale-down: " + agree(h.pods(), "pod", "waits") + " for room";
            case HoldBack.NoWorkerUnneeded h -> h.underutilized() == 0
                    ? "scale-down: every worker's requests are at or above CPU_DOWN or MEM_DOWN"
                    : "scale-down: no worker unneeded long enough yet (" + plural(h.underutilized(), "worker")
                    + " underutilized; the first may go at " + h.firstAt() + ")";
            case HoldBack.ScaleDownDisabled h -> "scale-down: disabled (SCALE_DOWN_ENABLED=false)";
            case HoldBack.OutsideDisruptionWindow h -> "scale-down: outside SCALE_DOWN_WINDOWS (" + h.windows()
                    + "); the next window opens at " + h.opensAt();
            case HoldBack.DisruptionBudget h -> "scale-down: " + plural(h.disrupted(), "worker")
                    + " already being removed, SCALE_DOWN_MAX_DISRUPTED_PERCENT allows " + h.allowed() + " at once";
            case HoldBack.WouldOverload h -> "scale-down: " + plural(h.remainingWorkers(), "worker")
                    + " left would run CPU at " + versus(h.cpu()) + " and memory at " + versus(h.memory())
                    + " (CPU_UP / MEM_UP less SCALE_DOWN_UTILIZATION_MARGIN)";
            case HoldBack.AtMinWorkers h -> "scale-down: " + plural(h.schedulable(), "schedulable worker")
                    + ", MIN_WORKERS=" + h.minWorkers();
            case HoldBack.WorkersLaunching h -> "scale-down: " + plural(h.inFlight(), "worker") + " still launching";
            case HoldBack.AfterScaleUp h ->
                    "scale-down: the scale-up at " + h.scaleUpAt() + " postpones scale-down until " + h.until();
            case HoldBack.ScaleDownCooldown h ->
                    "scale-down: cooldown after the scale-down at " + h.scaleDownAt() + " until " + h.until();
            case HoldBack.RequestsWouldNotFit h -> "scale-down: requests (" + vcpu(h.cpuMillis()) + " / "
                    + gib(h.memoryBytes()) + ") would not fit on " + plural(h.remainingWorkers(), "worker");
            case HoldBack.ScaleDownBackingOff h -> "scale-down: backing off after "
                    + plural(h.failures(), "failed scale-down") + " until " + h.until();
        };
    }

    private static String need(Need need) {
        return switch (need) {
            case Need.Pods p when p.cpuMillis() == 0 && p.memoryBytes() == 0 ->
                    plural(p.pods(), "unschedulable pod") + " (requests unknown)";
            case Need.Pods p -> agree(p.pods(), "unschedulable pod", "needs") + " " + vcpu(p.cpuMillis()) + " / "
                    + gib(p.memoryBytes());
            case Need.Cpu c -> "CPU " + relation(c.lowest()) + " " + threshold(c.lowest()) + " for "
                    + minutes(c.sustain()) + " (lowest " + value(c.lowest()) + ")";
            case Need.Memory m -> "memory " + relation(m.lowest()) + " " + threshold(m.lowest()) + " for "
                    + minutes(m.sustain()) + " (lowest " + value(m.lowest()) + ")";
            case Need.Headroom h -> belowHeadroom(h.freeCpuMillis(), h.freeMemoryBytes(), h.cpuMillis(), h.memoryBytes(),
                    "(launches included) is");
            case Need.PodsAndHeadroom both -> need(both.pods()) + ", and after them " + need(both.headroom());
        };
    }

    /**
     * "free CPU (launches included) is 1.2 vCPU, below the headroom of 1.9 vCPU": the resources that fall
     * short of the headroom, both when both do.
     */
    private static String belowHeadroom(long freeCpuMillis, long freeMemoryBytes, long cpuMillis, long memoryBytes,
                                        String verb) {
        boolean cpuShort = freeCpuMillis < cpuMillis;
        boolean memoryShort = freeMemoryBytes < memoryBytes;
        boolean cpu = cpuShort || !memoryShort && cpuMillis > 0;
        boolean memory = memoryShort || !cpuShort && memoryBytes > 0;
        String noun = cpu && memory ? "free room" : cpu ? "free CPU" : "free memory";
        return noun + " " + verb + " " + amounts(freeCpuMillis, freeMemoryBytes, cpu, memory)
                + ", below the headroom of " + amounts(cpuMillis, memoryBytes, cpu, memory);
    }

    private static String amounts(long cpuMillis, long memoryBytes, boolean cpu, boolean memory) {
        if (cpu && memory) {
            return vcpu(cpuMillis) + " / " + gib(memoryBytes);
        }
        return cpu ? vcpu(cpuMillis) : gib(memoryBytes);
    }

    /** "75.4% above 75%": the value, the word of the comparison made, the threshold. */
    private static String versus(Compared compared) {
        return value(compared) + " " + relation(compared) + " " + threshold(compared);
    }

    /** One worker's reason to stay, as the console's per-worker line says it. */
    public static String unremovable(Unremovable reason) {
        return switch (reason) {
            case Unremovable.NoInstanceId r -> "no EC2 instance id in its providerID";
            case Unremovable.NotReady r -> "not Ready";
            case Unremovable.Cordoned r -> "cordoned (on its way out, or held by someone else)";
            case Unremovable.RequestsUnknown r -> "its pods' requests are unknown (no data from kube-state-metrics)";
            case Unremovable.NotUnderutilized r -> "not underutilized: requests CPU " + percent(r.cpuPercent())
                    + " (CPU_DOWN " + percent(r.cpuDown()) + "), memory " + percent(r.memoryPercent()) + " (MEM_DOWN "
                    + percent(r.memoryDown()) + ")";
            case Unremovable.NoRoomElsewhere r -> "its pods' requests (" + vcpu(r.cpuMillis()) + " / "
                    + gib(r.memoryBytes()) + ") would not fit in what the other workers have free ("
                    + vcpu(r.freeCpuMillis()) + " / " + gib(r.freeMemoryBytes()) + ")";
            case Unremovable.PassedOver r -> "passed over until " + r.until() + ": " + r.why();
            case Unremovable.NotUnneededLongEnough r ->
                    "unneeded since " + r.since() + ", may go at " + r.until();
            case Unremovable.HeldBack r -> holdBack(r.holdBack());
            case Unremovable.KeepsHeadroom r -> "keeps the headroom: without it " + belowHeadroom(r.freeCpuMillis(),
                    r.freeMemoryBytes(), r.cpuMillis(), r.memoryBytes(), "would be");
            case Unremovable.LimitReached r -> "next in line: " + r.variable() + "=" + r.limit() + " reached this round";
        };
    }

    /** "requests CPU 12%, memory 30%" of one worker. */
    static String requestsShare(WorkerVerdict worker) {
        return "requests CPU " + percent(worker.cpuRequestsPercent()) + ", memory "
                + percent(worker.memoryRequestsPercent());
    }

    private static String unneededCount(int count, int empty) {
        if (empty == count) {
            return plural(count, "empty worker");
        }
        return empty == 0 ? plural(count, "underutilized worker")
                : plural(empty, "empty worker") + " and " + plural(count - empty, "underutilized worker");
    }

    private static String change(int workers, int delta) {
        return workers + " → " + (workers + delta) + " workers";
    }

    private static String parenthesised(String why) {
        return why == null ? "" : " (" + why + ")";
    }

    private static String notActedOn(String instance) {
        return "rebalance recommendation for " + instance + " not acted on: ";
    }

    private static String keepsRunning(String instance) {
        return "; " + instance + " keeps running, and its Spot interruption drain removes it if one comes";
    }
}
