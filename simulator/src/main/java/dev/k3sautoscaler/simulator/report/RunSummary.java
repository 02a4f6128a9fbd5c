package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Execution;
import dev.k3sautoscaler.simulator.report.RunTimeline.Machine;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.report.RunTimeline.ScaleEvent;
import dev.k3sautoscaler.simulator.report.RunTimeline.SpotDrain;
import dev.k3sautoscaler.simulator.report.RunTimeline.Wait;
import java.time.Duration;
import java.util.List;

/**
 * The figures of one run, computed from its {@link RunTimeline}: how long pods waited, what the
 * workers cost against the oracle's floor, how often the autoscaler acted and changed its mind,
 * and what the control plane would cost per month.
 *
 * @param spikes                 periods with pods waiting for a place, in time order, each with where its wait went
 * @param unschedulablePodMinutes pods × minutes spent unschedulable (to the second, pods no worker could hold included)
 * @param podsLargerThanAWorker  pods that waited although no empty worker could hold them (left out of the spikes)
 * @param nodeHours              billed worker instance-hours (booting and Ready alike)
 * @param costUsd                those hours at the scenario's prices
 * @param oracleNodeHours        the floor's instance-hours
 * @param oracleCostUsd          the floor's cost
 * @param flaps                  the policy's scale-downs followed by its scale-up within {@link #FLAP_WINDOW} (a Spot
 *                               or rebalance actuation's launch or termination is EC2's event, not the policy's)
 * @param spotDrainsWithinBudget drains that finished inside the budget
 * @param ec2EventsSkipped       the scenario's Spot interruptions and rebalance recommendations not sent:
 *                               their target was no running Spot worker then
 * @param detectionMedian        over pods that waited for a launch: first failed try → the next RunInstances (p50); null when none
 * @param headroom               what keeping HEADROOM_CPU_MILLIS / HEADROOM_MEMORY_MIB free costs; null when off
 * @param kubernetesEvents       the events the autoscaler wrote into the cluster for kubectl users; null when not counted
 */
public record RunSummary(
        List<Spike> spikes,
        double unschedulablePodMinutes,
        int podsLargerThanAWorker,
        double nodeHours,
        double costUsd,
        double oracleNodeHours,
        double oracleCostUsd,
        int scaleUpEvents,
        int nodesAdded,
        int scaleDownEvents,
        int nodesRemoved,
        int flaps,
        int spotDrainsWithinBudget,
        int spotDrains,
        int ec2EventsSkipped,
        int expressExecutions,
        int standardExecutions,
        int stateTransitions,
        ControlPlanePricing.Monthly controlPlane,
        Duration detectionMedian,
        HeadroomSpend headroom,
        KubernetesEvents kubernetesEvents) {

    public RunSummary(List<Spike> spikes, double unschedulablePodMinutes, int podsLargerThanAWorker, double nodeHours,
            double costUsd, double oracleNodeHours, double oracleCostUsd, int scaleUpEvents, int nodesAdded,
            int scaleDownEvents, int nodesRemoved, int flaps, int spotDrainsWithinBudget, int spotDrains,
            int ec2EventsSkipped, int expressExecutions, int standardExecutions, int stateTransitions,
            ControlPlanePricing.Monthly controlPlane, Duration detectionMedian, HeadroomSpend headroom) {
        this(spikes, unschedulablePodMinutes, podsLargerThanAWorker, nodeHours, costUsd, oracleNodeHours, oracleCostUsd,
                scaleUpEvents, nodesAdded, scaleDownEvents, nodesRemoved, flaps, spotDrainsWithinBudget, spotDrains,
                ec2EventsSkipped, expressExecutions, standardExecutions, stateTransitions, controlPlane, detectionMedian,
                headroom, null);
    }

    /**
     * The Kubernetes events a run left (TriggeredScaleUp, NotTriggerScaleUp, ScaleDown, DrainBlocked, …).
     *
     * @param written   event objects created
     * @param sightings what they record: an event repeated for a pod still waiting counts each time (its series)
     * @param byReason  event objects by reason
     */
    public record KubernetesEvents(int written, int sightings, java.util.Map<String, Integer> byReason) {
        public KubernetesEvents {
            // Sorted: summary.json is compared byte for byte with its recording.
            byReason = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(byReason));
        }
    }

    public RunSummary withKubernetesEvents(KubernetesEvents events) {
        return new RunSummary(spikes, unschedulablePodMinutes, podsLargerThanAWorker, nodeHours, costUsd, oracleNodeHours,
                oracleCostUsd, scaleUpEvents, nodesAdded, scaleDownEvents, nodesRemoved, flaps, spotDrainsWithinBudget,
                spotDrains, ec2EventsSkipped, expressExecutions, standardExecutions, stateTransitions, controlPlane,
                detectionMedian, headroom, events);
    }

    /** A summary with no pod that waited for a launch, no headroom and no EC2 event skipped. */
    public RunSummary(List<Spike> spikes, double unschedulablePodMinutes, int podsLargerThanAWorker, double nodeHours,
            double costUsd, double oracleNodeHours, double oracleCostUsd, int scaleUpEvents, int nodesAdded, int scaleDownEvents,
            int nodesRemoved, int flaps, int spotDrainsWithinBudget, int spotDrains, int expressExecutions, int standardExecutions,
            int stateTransitions, ControlPlanePricing.Monthly controlPlane) {
        this(spikes, unschedulablePodMinutes, podsLargerThanAWorker, nodeHours, costUsd, oracleNodeHours, oracleCostUsd,
                scaleUpEvents, nodesAdded, scaleDownEvents, nodesRemoved, flaps, spotDrainsWithinBudget, spotDrains, 0,
                expressExecutions, standardExecutions, stateTransitions, controlPlane, null, null);
    }

    /** A scale-down this soon before a scale-up was a mistake the workload paid for. */
    public static final Duration FLAP_WINDOW = Duration.ofMinutes(10);

    /**
     * A period in which at least one pod waited for a place (a pod no worker could hold is not counted).
     *
     * @param start         the scheduler's first failed try
     * @param resolvedAfter from the start until the last of its pods was bound (or deleted); null if the run ended first
     * @param peakPods      most pods waiting at once
     * @param podMinutes    its pods' waits, summed
     * @param longestPodWait the longest any of its pods waited (until the run's end for one still waiting)
     * @param latency       where the wait of its last pod went; null when none of its pods was bound
     */
    public record Spike(Duration start, Duration resolvedAfter, int peakPods, double podMinutes, Duration longestPodWait,
            Latency latency) {

        /** A spike without its pods' detail (a run summarised by samples). */
        public Spike(Duration start, Duration resolvedAfter, int peakPods) {
            this(start, resolvedAfter, peakPods, 0, Duration.ZERO, null);
        }
    }

    /**
     * The spike's time to resolve, along its last-bound pod and the chain that brought its worker
     * (the parts add up to the spike's {@code resolvedAfter}; a part the chain lacks is zero — a pod
     * bound to a worker that was already there waits only in {@code detect} and {@code bind}).
     *
     * @param trigger          what started the tick behind its worker; null when the worker was not launched for it
     * @param arrival          from the spike's start until that pod arrived (the workload still growing)
     * @param detect           until the autoscaler's metrics could show the pod (scrape, PENDING_UP_SEC)
     * @param tick             until the tick that decided the launch started
     * @param decide           the tick's steps until the actuation started
     * @param launch           the actuation's steps until RunInstances answered (the lock included)
     * @param boot             until the Node registered
     * @param join             until the Node was Ready
     * @param bind             until the pod was bound
     */
    public record Latency(RunTimeline.Trigger trigger, Duration arrival, Duration detect, Duration tick, Duration decide,
            Duration launch, Duration boot, Duration join, Duration bind) {
    }

    /** Instance prices of the run's workers. */
    public record Prices(double onDemandHourlyUsd, double spotHourlyUsd) {
    }

    /**
     * The price of the headroom setting: the headroom in worker-equivalents (the larger of its CPU and
     * memory share of one worker's allocatable) held free for the whole run, at the hourly price of the
     * workers the autoscaler launches. An upper bound of what it adds: while a spike uses the room, it
     * serves pods; the measured extra is the node-hours against a run without it.
     *
     * @param workers   worker-equivalents kept free
     * @param nodeHours {@code workers} × the run's hours
     */
    public record HeadroomSpend(double workers, double nodeHours, double costUsd) {

        /** Null when the headroom is off (both 0): nothing spent, nothing to show. */
        public static HeadroomSpend of(long cpuMillis, long memoryBytes, long workerCpuMillis, long workerMemoryBytes,
                Duration run, double hourlyUsd) {
            if (cpuMillis == 0 && memoryBytes == 0) {
                return null;
            }
            double workers = Math.max((double) cpuMillis / workerCpuMillis, (double) memoryBytes / workerMemoryBytes);
            double nodeHours = workers * run.toMillis() / 3_600_000.0;
            return new HeadroomSpend(workers, nodeHours, nodeHours * hourlyUsd);
        }
    }

    /** Ours / oracle; 1.0 is perfect, NaN when the floor is zero. */
    public double costRatio() {
        return oracleCostUsd == 0 ? Double.NaN : costUsd / oracleCostUsd;
    }

    public static RunSummary of(RunTimeline timeline, Prices prices, double oracleNodeHours, double oracleCostUsd,
            Duration spotDrainBudget) {
        return of(timeline, prices, oracleNodeHours, oracleCostUsd, spotDrainBudget, null);
    }

    /** @param headroom what the run's headroom costs ({@link HeadroomSpend#of}), null when off */
    public static RunSummary of(RunTimeline timeline, Prices prices, double oracleNodeHours, double oracleCostUsd,
            Duration spotDrainBudget, HeadroomSpend headroom) {
        double intervalMinutes = timeline.sampleInterval().toMillis() / 60_000.0;
        double onDemandHours = 0;
        double spotHours = 0;
        for (Sample sample : timeline.samples()) {
            onDemandHours += sample.onDemandWorkers() * intervalMinutes / 60;
            spotHours += sample.spotWorkers() * intervalMinutes / 60;
        }
        int ups = 0;
        int added = 0;
        int downs = 0;
        int removed = 0;
        for (ScaleEvent event : timeline.scaleEvents()) {
            if (event.direction() == Direction.UP) {
                ups++;
                added += event.count();
            } else {
                downs++;
                removed += event.count();
            }
        }
        int withinBudget = (int) timeline.spotDrains().stream()
                .map(SpotDrain::drainDuration)
                .filter(d -> d != null && d.compareTo(spotDrainBudget) <= 0)
                .count();
        List<Execution> executions = timeline.executions();
        List<Wait> waits = timeline.waits();
        return new RunSummary(
                SpikeLatencies.spikes(waits, timeline.launches(), timeline.duration()),
                waits.stream().mapToDouble(wait -> minutes(wait, timeline.duration())).sum(),
                (int) waits.stream().filter(wait -> !wait.fitsAWorker()).count(),
                onDemandHours + spotHours,
                onDemandHours * prices.onDemandHourlyUsd() + spotHours * prices.spotHourlyUsd(),
                oracleNodeHours,
                oracleCostUsd,
                ups, added, downs, removed,
                flaps(timeline.scaleEvents()),
                withinBudget,
                timeline.spotDrains().size(),
                timeline.skippedEc2Events().size(),
                (int) executions.stream().filter(e -> e.machine() == Machine.EXPRESS_TICK).count(),
                (int) executions.stream().filter(e -> e.machine() == Machine.STANDARD_ACTUATION).count(),
                executions.stream().mapToInt(Execution::stateTransitions).sum(),
                ControlPlanePricing.project(executions, timeline.duration()),
                median(SpikeLatencies.detections(waits, timeline.launches())),
                headroom);
    }

    private static Duration median(List<Duration> values) {
        List<Duration> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
    }

    /** A wait in minutes; one still open at the run's end counts until then. */
    static double minutes(Wait wait, Duration runEnd) {
        return (wait.end() == null ? runEnd : wait.end()).minus(wait.since()).toMillis() / 60_000.0;
    }

    /** The median over waiting pods of the time from their first failed try to the next RunInstances; null when none. */
    public Duration medianDetection() {
        return detectionMedian;
    }

    /** The policy reversing itself: its scale-down, then its scale-up. What EC2's events make is not the policy's. */
    static int flaps(List<ScaleEvent> events) {
        int flaps = 0;
        for (ScaleEvent down : events) {
            if (down.direction() != Direction.DOWN || down.forAnEc2Event()) {
                continue;
            }
            boolean followedByUp = events.stream().anyMatch(up -> up.direction() == Direction.UP && !up.forAnEc2Event()
                    && up.at().compareTo(down.at()) > 0
                    && up.at().compareTo(down.at().plus(FLAP_WINDOW)) <= 0);
            if (followedByUp) {
                flaps++;
            }
        }
        return flaps;
    }
}
