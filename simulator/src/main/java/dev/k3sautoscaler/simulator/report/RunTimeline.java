package dev.k3sautoscaler.simulator.report;

import java.time.Duration;
import java.util.List;

/**
 * What a run recorded, the input of {@link RunSummary}. Times are offsets from the run's start.
 *
 * @param sampleInterval the spacing of {@code samples} (one minute in a normal run)
 * @param samples        one per interval from the start, in time order
 */
public record RunTimeline(
        Duration duration,
        Duration sampleInterval,
        List<Sample> samples,
        List<ScaleEvent> scaleEvents,
        List<SpotDrain> spotDrains,
        List<Execution> executions,
        List<SkippedEc2Event> skippedEc2Events) {

    public RunTimeline {
        samples = List.copyOf(samples);
        scaleEvents = List.copyOf(scaleEvents);
        spotDrains = List.copyOf(spotDrains);
        executions = List.copyOf(executions);
        skippedEc2Events = List.copyOf(skippedEc2Events);
        if (sampleInterval.isZero() || sampleInterval.isNegative()) {
            throw new IllegalArgumentException("sampleInterval must be positive");
        }
    }

    /** A run whose EC2 events all found their instance. */
    public RunTimeline(Duration duration, Duration sampleInterval, List<Sample> samples, List<ScaleEvent> scaleEvents,
            List<SpotDrain> spotDrains, List<Execution> executions) {
        this(duration, sampleInterval, samples, scaleEvents, spotDrains, executions, List.of());
    }

    /**
     * The cluster at one instant.
     *
     * @param readyWorkers   Ready workers (capacity)
     * @param onDemandWorkers running on-demand worker instances (billed, Ready or not)
     * @param spotWorkers    running Spot worker instances (billed, Ready or not)
     * @param requestedCpuMillis all pod requests on workers plus the unschedulable pods' requests
     */
    public record Sample(Duration at, int readyWorkers, int onDemandWorkers, int spotWorkers, int unschedulablePods,
            long requestedCpuMillis, long requestedMemoryBytes) {
        public int totalWorkers() {
            return onDemandWorkers + spotWorkers;
        }
    }

    public enum Direction { UP, DOWN }

    /** A change of the worker count the autoscaler made: {@code count} instances launched or terminated. */
    public record ScaleEvent(Duration at, Direction direction, int count, String reason) {
    }

    /**
     * A scenario's Spot interruption or rebalance recommendation that was not sent: its target was no
     * running Spot worker at that instant (EC2 sends nothing about such an instance).
     *
     * @param kind   {@code Spot interruption} or {@code rebalance recommendation}
     * @param target as the scenario wrote it (an instance id or {@code random-spot-worker})
     */
    public record SkippedEc2Event(Duration at, String kind, String target) {
    }

    /** A Spot warning and how long the drain took until the node was empty (null: never finished). */
    public record SpotDrain(Duration warnedAt, String instanceId, Duration drainDuration) {
    }

    public enum Machine { EXPRESS_TICK, STANDARD_ACTUATION }

    /**
     * One state-machine execution.
     *
     * @param stateTransitions  what Standard bills (every state entered counts)
     * @param lambdaInvocations Task states that invoked a Lambda
     */
    public record Execution(Machine machine, Duration startedAt, Duration duration, int stateTransitions, int lambdaInvocations) {
    }
}
