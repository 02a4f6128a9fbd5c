package dev.k3sautoscaler.simulator.report;

import java.time.Duration;
import java.util.List;

/**
 * What a run recorded, the input of {@link RunSummary}. Times are offsets from the run's start.
 *
 * @param sampleInterval the spacing of {@code samples} (one minute in a normal run)
 * @param samples        one per interval from the start, in time order
 * @param waits          every pod's wait for a place, to the second
 * @param launches       every worker the autoscaler launched, with the chain of steps that led to it
 */
public record RunTimeline(
        Duration duration,
        Duration sampleInterval,
        List<Sample> samples,
        List<ScaleEvent> scaleEvents,
        List<SpotDrain> spotDrains,
        List<Execution> executions,
        List<Wait> waits,
        List<Launch> launches,
        List<SkippedEc2Event> skippedEc2Events) {

    public RunTimeline {
        samples = List.copyOf(samples);
        scaleEvents = List.copyOf(scaleEvents);
        spotDrains = List.copyOf(spotDrains);
        executions = List.copyOf(executions);
        waits = List.copyOf(waits);
        launches = List.copyOf(launches);
        skippedEc2Events = List.copyOf(skippedEc2Events);
        if (sampleInterval.isZero() || sampleInterval.isNegative()) {
            throw new IllegalArgumentException("sampleInterval must be positive");
        }
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

    /** A timeline without per-pod waits or launch chains (a run recorded by samples only), whose EC2 events all found their instance. */
    public RunTimeline(Duration duration, Duration sampleInterval, List<Sample> samples, List<ScaleEvent> scaleEvents,
            List<SpotDrain> spotDrains, List<Execution> executions) {
        this(duration, sampleInterval, samples, scaleEvents, spotDrains, executions, List.of(), List.of(), List.of());
    }

    /**
     * One pod's wait for a place.
     *
     * @param visibleAt   when the autoscaler's metrics could first show it waiting (scrape, and the PENDING_UP_SEC filter)
     * @param end         when it was bound or deleted; null if the run ended first
     * @param instanceId  the worker it was bound to; null when deleted unbound or still waiting
     * @param fitsAWorker an empty worker could hold it (else no scale-up helps, and it is left out of the spikes)
     */
    public record Wait(Duration since, Duration visibleAt, Duration end, String instanceId, boolean fitsAWorker) {
    }

    /** What started the tick behind a launch. */
    public enum Trigger { SCHEDULE, ALERT, EC2_EVENT, OPERATOR }

    /**
     * A worker the autoscaler launched and the chain that led to it. Times are null where the chain
     * has no such step (an operator's actuation has no tick; an instance that never joined).
     *
     * @param tickStartedAt      the tick that decided it
     * @param actuationStartedAt the actuation that launched it
     * @param launchedAt         RunInstances answered
     * @param registeredAt       its Node registered
     * @param readyAt            its Node turned Ready
     */
    public record Launch(String instanceId, Trigger trigger, Duration tickStartedAt, Duration actuationStartedAt,
            Duration launchedAt, Duration registeredAt, Duration readyAt) {
    }

    public enum Direction { UP, DOWN }

    /**
     * A change of the worker count the autoscaler made: {@code count} instances launched or terminated.
     *
     * @param execution the actuation that made it; null when not known
     */
    public record ScaleEvent(Duration at, Direction direction, int count, String reason, String execution) {
        public ScaleEvent(Duration at, Direction direction, int count, String reason) {
            this(at, direction, count, reason, null);
        }

        /**
         * Made for an EC2 event — a Spot interruption's drain, a rebalance recommendation's replacement or
         * retirement — not by the scaling policy: its actuation is named after the event's trigger.
         */
        public boolean forAnEc2Event() {
            return execution != null && (execution.startsWith("spot-interruption-") || execution.startsWith("rebalance-"));
        }
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
