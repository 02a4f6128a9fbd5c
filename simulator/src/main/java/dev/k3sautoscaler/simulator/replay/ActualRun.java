package dev.k3sautoscaler.simulator.replay;

import java.time.Duration;
import java.util.List;

/**
 * What the real cluster did over the replayed range, in the terms of a simulated run's summary:
 * worker-hours, their cost, and pod-minutes spent unschedulable. Each point's counts hold until the
 * next point, so the figures are exact to the step.
 *
 * @param samples                 the counts at each point of the range, by offset from its start
 * @param nodeHours               Ready workers × hours (a simulated run also bills booting workers,
 *                                which Prometheus cannot see before they register)
 * @param costUsd                 those hours at the given price
 * @param unschedulablePodMinutes pods × minutes unschedulable (DaemonSet pods excluded, as the autoscaler counts them)
 */
public record ActualRun(
        Duration step,
        double hourlyPriceUsd,
        List<Sample> samples,
        double nodeHours,
        double costUsd,
        double unschedulablePodMinutes) {

    public ActualRun {
        samples = List.copyOf(samples);
    }

    /** Ready workers and unschedulable pods at {@code at} after the range's start. */
    public record Sample(Duration at, int readyWorkers, int unschedulablePods) {
    }

    /** The totals of {@code samples}, each held for {@code range.held(i)}. */
    static ActualRun of(ReplayRange range, double hourlyPriceUsd, List<Sample> samples) {
        double nodeHours = 0;
        double podMinutes = 0;
        for (int i = 0; i < samples.size(); i++) {
            double seconds = range.held(i).toSeconds();
            nodeHours += samples.get(i).readyWorkers() * seconds / 3600.0;
            podMinutes += samples.get(i).unschedulablePods() * seconds / 60.0;
        }
        return new ActualRun(range.step(), hourlyPriceUsd, samples, nodeHours, nodeHours * hourlyPriceUsd, podMinutes);
    }

    /** The most workers Ready at once. */
    public int peakReadyWorkers() {
        return samples.stream().mapToInt(Sample::readyWorkers).max().orElse(0);
    }
}
