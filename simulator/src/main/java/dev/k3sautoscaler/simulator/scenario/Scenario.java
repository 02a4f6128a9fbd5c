package dev.k3sautoscaler.simulator.scenario;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A validated simulation scenario: the cluster at start, the worker type and its price, the
 * workload over time and the faults. Every time is an offset from the start of the run. Built only
 * by {@link ScenarioLoader}, which reports every problem of a malformed file at once.
 *
 * @param terminationGrace how long a deleted or evicted pod keeps its node's resources
 * @param podStartup  from binding to Ready (container start and readiness probe; images are cached)
 * @param policy  the configuration-table overrides as written (environment variable → value)
 * @param config  the policy settings those overrides give, validated by {@link AutoscalerConfig#fromEnvironment}
 */
public record Scenario(
        String name,
        String description,
        Duration duration,
        Duration tick,
        long seed,
        String region,
        ClusterSpec cluster,
        WorkerType workerType,
        Delay boot,
        Delay join,
        Duration terminationGrace,
        Duration podStartup,
        List<Workload> workloads,
        List<CapacityError> capacityErrors,
        List<SpotInterruption> spotInterruptions,
        List<RebalanceRecommendation> rebalanceRecommendations,
        List<Outage> outages,
        Map<String, String> policy,
        AutoscalerConfig config) {

    public static final Duration DEFAULT_TICK = Duration.ofSeconds(60);

    /** The same scenario with another seed (the command line's {@code --seed}). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, duration, tick, newSeed, region, cluster, workerType, boot, join,
                terminationGrace, podStartup, workloads, capacityErrors, spotInterruptions, rebalanceRecommendations, outages, policy,
                config);
    }

    /** The same scenario cut to a shorter run (the CI's quick runs of every bundled scenario). */
    public Scenario withDuration(Duration newDuration) {
        if (newDuration.isZero() || newDuration.isNegative()) {
            throw new IllegalArgumentException("duration must be positive: " + newDuration);
        }
        return new Scenario(name, description, newDuration, tick, seed, region, cluster, workerType, boot, join,
                terminationGrace, podStartup, workloads, capacityErrors, spotInterruptions, rebalanceRecommendations, outages, policy,
                config);
    }

    public enum CapacityType {
        ON_DEMAND("on-demand"), SPOT("spot");

        private final String label;

        CapacityType(String label) {
            this.label = label;
        }

        /** The value of the {@code karpenter.sh/capacity-type}-style label and of the scenario files. */
        public String label() {
            return label;
        }
    }

    public enum Kind {
        DEPLOYMENT("Deployment"), STATEFUL_SET("StatefulSet"), DAEMON_SET("DaemonSet");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public enum OutageKind {
        PROMETHEUS("prometheus"), KUBE_API("kube-api");

        private final String label;

        OutageKind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param workers       workers running at start (already Ready)
     * @param spotWorkers   how many of those are Spot instances
     * @param zones         availability zones, workers spread round-robin; the master runs in the first
     * @param launchCapacityType capacity type of the workers the autoscaler launches
     */
    public record ClusterSpec(int workers, int spotWorkers, List<String> zones, CapacityType launchCapacityType) {
    }

    /**
     * @param cpuMillis         allocatable CPU (capacity minus K3s/system reservations)
     * @param memoryMiB         allocatable memory
     * @param hourlyPriceUsd    on-demand price per instance-hour
     * @param spotHourlyPriceUsd Spot price per instance-hour, null when the scenario uses no Spot
     */
    public record WorkerType(String name, long cpuMillis, long memoryMiB, double hourlyPriceUsd, Double spotHourlyPriceUsd) {
        public long memoryBytes() {
            return memoryMiB * 1024L * 1024L;
        }

        public double hourlyPrice(CapacityType type) {
            return type == CapacityType.SPOT && spotHourlyPriceUsd != null ? spotHourlyPriceUsd : hourlyPriceUsd;
        }
    }

    /** A delay drawn uniformly from [mean - spread, mean + spread] with the scenario's seeded random. */
    public record Delay(Duration mean, Duration spread) {
    }

    /** One point of a replica timeline: from {@code at} the controller wants {@code count}, reached linearly over {@code ramp}. */
    public record ReplicaStep(Duration at, int count, Duration ramp) {
    }

    /** Exactly one of the two is set, as in a policy/v1 PodDisruptionBudget. */
    public record Pdb(Integer minAvailable, Integer maxUnavailable) {
    }

    /**
     * @param replicas     timeline; empty for a DaemonSet (one pod per Ready node)
     * @param cpuUsage     CPU actually used per pod, as a fraction of its request
     * @param memoryUsage  memory actually used per pod, as a fraction of its request
     * @param usageJitter  each observation scales usage by a seeded uniform factor in [1 - jitter, 1 + jitter]
     * @param pdb          null when no PodDisruptionBudget selects the pods
     */
    public record Workload(
            String name,
            String namespace,
            Kind kind,
            List<ReplicaStep> replicas,
            long cpuMillis,
            long memoryMiB,
            double cpuUsage,
            double memoryUsage,
            double usageJitter,
            Pdb pdb,
            Map<String, String> annotations) {

        public long memoryBytes() {
            return memoryMiB * 1024L * 1024L;
        }

        /** Replicas the controller wants at {@code t}: the last step at or before t, ramped linearly from the previous value. */
        public int replicasAt(Duration t) {
            int previous = 0;
            int value = 0;
            for (ReplicaStep step : replicas) {
                if (step.at().compareTo(t) > 0) {
                    break;
                }
                previous = value;
                Duration into = t.minus(step.at());
                if (!step.ramp().isZero() && into.compareTo(step.ramp()) < 0) {
                    // Truncates toward the previous value: a ramp never overshoots its target.
                    value = previous + (int) ((long) (step.count() - previous) * into.toMillis() / step.ramp().toMillis());
                } else {
                    value = step.count();
                }
            }
            return value;
        }
    }

    /** RunInstances for this offering answers InsufficientInstanceCapacity during [from, to). */
    public record CapacityError(String instanceType, String zone, CapacityType capacityType, Duration from, Duration to) {
        public boolean activeAt(Duration t) {
            return t.compareTo(from) >= 0 && t.compareTo(to) < 0;
        }
    }

    /**
     * An EC2 event about one Spot instance, sent through an EventBridge rule to the tick. Its target
     * is {@link SpotInterruption#RANDOM_SPOT_WORKER} or an instance id (a node is named after its
     * instance). Which ids a run has is known only as it runs: the first workers' are drawn from the
     * seed ({@code --seed} changes them), launched workers' are given by EC2. So the loader checks that
     * a target can name an instance at all, and the run skips an event whose instance is no running
     * Spot worker then, as EC2 sends nothing about it.
     */
    public sealed interface Ec2Event permits SpotInterruption, RebalanceRecommendation {
        /** An EC2 instance id: {@code i-} and 8 or 17 hex digits. */
        Pattern INSTANCE_ID = Pattern.compile("i-([0-9a-f]{8}|[0-9a-f]{17})");

        Duration at();

        /** An instance id, or {@link SpotInterruption#RANDOM_SPOT_WORKER}. */
        String target();

        /** What the event is called in messages ({@code Spot interruption}). */
        String kind();

        /** Whether {@code target} could name an instance of some run. */
        static boolean canNameAnInstance(String target) {
            return SpotInterruption.RANDOM_SPOT_WORKER.equals(target) || INSTANCE_ID.matcher(target).matches();
        }
    }

    /** The two-minute Spot warning at {@code at}; {@code target} is an instance id or {@link #RANDOM_SPOT_WORKER}. */
    public record SpotInterruption(Duration at, String target) implements Ec2Event {
        public static final String RANDOM_SPOT_WORKER = "random-spot-worker";

        @Override
        public String kind() {
            return "Spot interruption";
        }
    }

    /**
     * EC2's rebalance recommendation at {@code at} for {@code target} (an instance id or
     * {@link SpotInterruption#RANDOM_SPOT_WORKER}); with {@code interruptAfter}, the same instance's Spot
     * interruption warning follows that long after (null: EC2 never interrupts it).
     */
    public record RebalanceRecommendation(Duration at, String target, Duration interruptAfter) implements Ec2Event {
        @Override
        public String kind() {
            return "rebalance recommendation";
        }
    }

    /** Prometheus unreachable, or the K3s API answering 5xx, during [from, to). */
    public record Outage(OutageKind kind, Duration from, Duration to) {
        public boolean activeAt(Duration t) {
            return t.compareTo(from) >= 0 && t.compareTo(to) < 0;
        }
    }
}
