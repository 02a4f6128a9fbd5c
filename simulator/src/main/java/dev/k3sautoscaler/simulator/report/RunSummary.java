package dev.k3sautoscaler.simulator.report;

import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Execution;
import dev.k3sautoscaler.simulator.report.RunTimeline.Machine;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.report.RunTimeline.ScaleEvent;
import dev.k3sautoscaler.simulator.report.RunTimeline.SpotDrain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one run, computed from its {@link RunTimeline}: how long pods waited, what the
 * workers cost against the oracle's floor, how often the autoscaler acted and changed its mind,
 * and what the control plane would cost per month.
 *
 * @param spikes                 periods with unschedulable pods, in time order
 * @param unschedulablePodMinutes pods × minutes spent unschedulable
 * @param nodeHours              billed worker instance-hours (booting and Ready alike)
 * @param costUsd                those hours at the scenario's prices
 * @param oracleNodeHours        the floor's instance-hours
 * @param oracleCostUsd          the floor's cost
 * @param flaps                  scale-downs followed by a scale-up within {@link #FLAP_WINDOW}
 * @param spotDrainsWithinBudget drains that finished inside the budget
 * @param ec2EventsSkipped       the scenario's Spot interruptions and rebalance recommendations not sent:
 *                               their target was no running Spot worker then
 */
public record RunSummary(
        List<Spike> spikes,
        double unschedulablePodMinutes,
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
        ControlPlanePricing.Monthly controlPlane) {

    /** A scale-down this soon before a scale-up was a mistake the workload paid for. */
    public static final Duration FLAP_WINDOW = Duration.ofMinutes(10);

    /**
     * @param resolvedAfter time from the first sample with unschedulable pods to the first without; null if the run ended first
     */
    public record Spike(Duration start, Duration resolvedAfter, int peakPods) {
    }

    /** Instance prices of the run's workers. */
    public record Prices(double onDemandHourlyUsd, double spotHourlyUsd) {
    }

    /** Ours / oracle; 1.0 is perfect, NaN when the floor is zero. */
    public double costRatio() {
        return oracleCostUsd == 0 ? Double.NaN : costUsd / oracleCostUsd;
    }

    public static RunSummary of(RunTimeline timeline, Prices prices, double oracleNodeHours, double oracleCostUsd,
            Duration spotDrainBudget) {
        double intervalMinutes = timeline.sampleInterval().toMillis() / 60_000.0;
        double podMinutes = 0;
        double onDemandHours = 0;
        double spotHours = 0;
        for (Sample sample : timeline.samples()) {
            podMinutes += sample.unschedulablePods() * intervalMinutes;
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
        return new RunSummary(
                spikes(timeline.samples()),
                podMinutes,
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
                ControlPlanePricing.project(executions, timeline.duration()));
    }

    static List<Spike> spikes(List<Sample> samples) {
        List<Spike> spikes = new ArrayList<>();
        Duration start = null;
        int peak = 0;
        for (Sample sample : samples) {
            if (sample.unschedulablePods() > 0) {
                if (start == null) {
                    start = sample.at();
                    peak = 0;
                }
                peak = Math.max(peak, sample.unschedulablePods());
            } else if (start != null) {
                spikes.add(new Spike(start, sample.at().minus(start), peak));
                start = null;
            }
        }
        if (start != null) {
            spikes.add(new Spike(start, null, peak));
        }
        return List.copyOf(spikes);
    }

    static int flaps(List<ScaleEvent> events) {
        int flaps = 0;
        for (ScaleEvent down : events) {
            if (down.direction() != Direction.DOWN) {
                continue;
            }
            boolean followedByUp = events.stream().anyMatch(up -> up.direction() == Direction.UP
                    && up.at().compareTo(down.at()) > 0
                    && up.at().compareTo(down.at().plus(FLAP_WINDOW)) <= 0);
            if (followedByUp) {
                flaps++;
            }
        }
        return flaps;
    }
}
