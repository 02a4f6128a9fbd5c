package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.simulator.cluster.ClusterObservation;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.report.RunTimeline.ScaleEvent;
import dev.k3sautoscaler.simulator.report.RunTimeline.SpotDrain;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.simulator.scenario.Scenario.Ec2Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a run leaves for the summary: a sample of the cluster every minute, the scale events read
 * from the fleet steps' results, and each Spot warning with the time its drain emptied the node.
 * A scale event is instances launched or terminated for the first time: a fleet step retried after
 * its Lambda crashed answers with the stored result (the same instances), which is not another one.
 */
final class TimelineRecorder {
    private final List<Sample> samples = new ArrayList<>();
    private final List<ScaleEvent> scaleEvents = new ArrayList<>();
    private final Set<String> launched = new HashSet<>();
    private final Set<String> terminated = new HashSet<>();
    private final Map<String, Duration> spotWarnings = new LinkedHashMap<>();
    private final Map<String, Duration> spotDrained = new LinkedHashMap<>();
    /** Each launched instance and the execution whose launch step started it. */
    private final Map<String, String> launchedBy = new LinkedHashMap<>();
    private final List<RunTimeline.SkippedEc2Event> skippedEc2Events = new ArrayList<>();

    void sample(SimulatedCluster cluster) {
        ClusterObservation observation = cluster.observe();
        Duration now = cluster.now();
        int onDemand = 0;
        int spot = 0;
        for (InstanceState instance : cluster.instances()) {
            if (!instance.master() && instance.runningAt(now)) {
                if (instance.capacityType() == CapacityType.SPOT) {
                    spot++;
                } else {
                    onDemand++;
                }
            }
        }
        long pendingCpu = observation.unschedulable().stream().mapToLong(ClusterObservation.UnschedulablePod::cpuMillis).sum();
        long pendingMemory = observation.unschedulable().stream().mapToLong(ClusterObservation.UnschedulablePod::memoryBytes).sum();
        samples.add(new Sample(now, (int) observation.readyWorkers(), onDemand, spot, observation.unschedulable().size(),
                observation.requestedCpuMillisOnWorkers() + pendingCpu, observation.requestedMemoryBytesOnWorkers() + pendingMemory));
    }

    /** Reads a fleet step's result: launched or terminated instances are the autoscaler's scale events. */
    void stepCompleted(Duration now, String execution, String function, JsonNode input, JsonNode output) {
        switch (function) {
            case "launch-workers" -> {
                output.path("launched").forEach(worker -> launchedBy.putIfAbsent(worker.path("instanceId").asText(), execution));
                int added = firstSeen(output.path("launched"), launched);
                if (added > 0) {
                    scaleEvents.add(new ScaleEvent(now, Direction.UP, added, input.path("reason").asText(""), execution));
                }
            }
            case "terminate-workers" -> {
                int removed = firstSeen(output.path("terminated"), terminated);
                if (removed > 0) {
                    scaleEvents.add(new ScaleEvent(now, Direction.DOWN, removed, output.path("reason").asText(""), execution));
                }
            }
            case "drain-node" -> {
                String instanceId = output.path("instanceId").asText(null);
                if (instanceId != null && output.path("empty").asBoolean(false) && spotWarnings.containsKey(instanceId)) {
                    spotDrained.putIfAbsent(instanceId, now);
                }
            }
            default -> {
                // other steps change nothing the summary counts
            }
        }
    }

    /** Instance → the execution that launched it, in launch order. */
    Map<String, String> launchedBy() {
        return Map.copyOf(launchedBy);
    }

    /** How many of these instances (ids, or objects with an instanceId) were not counted before; counts them. */
    private static int firstSeen(JsonNode instances, Set<String> counted) {
        int added = 0;
        for (JsonNode instance : instances) {
            String instanceId = instance.isTextual() ? instance.asText() : instance.path("instanceId").asText();
            if (counted.add(instanceId)) {
                added++;
            }
        }
        return added;
    }

    /** A scenario's EC2 event not sent: its target was no running Spot worker at {@code at}. */
    void ec2EventSkipped(Duration at, Ec2Event event) {
        skippedEc2Events.add(new RunTimeline.SkippedEc2Event(at, event.kind(), event.target()));
    }

    void spotWarning(Duration at, String instanceId) {
        spotWarnings.putIfAbsent(instanceId, at);
    }

    RunTimeline timeline(Duration duration, List<RunTimeline.Execution> executions, List<RunTimeline.Wait> waits,
            List<RunTimeline.Launch> launches) {
        List<SpotDrain> drains = spotWarnings.entrySet().stream()
                .map(warning -> {
                    Duration drainedAt = spotDrained.get(warning.getKey());
                    return new SpotDrain(warning.getValue(), warning.getKey(),
                            drainedAt == null ? null : drainedAt.minus(warning.getValue()));
                })
                .toList();
        return new RunTimeline(duration, Simulation.SAMPLE_INTERVAL, samples, scaleEvents, drains, executions, waits, launches,
                skippedEc2Events);
    }
}
