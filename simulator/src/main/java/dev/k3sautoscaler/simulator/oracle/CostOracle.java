package dev.k3sautoscaler.simulator.oracle;

import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.policy.BinPacker;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.simulator.scenario.Scenario.ClusterSpec;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost floor a scenario allows: minute by minute, the fewest workers whose allocatable holds
 * every non-DaemonSet pod the timeline asks for (first-fit decreasing with core's {@link BinPacker},
 * the same packing the policy uses), never below MIN_WORKERS. It knows the future and boots
 * instantly, so no autoscaler can do better; the ratio to it is the price of reacting. Each worker
 * also runs one pod of every DaemonSet, so those requests come off each worker's room first.
 *
 * <p>The floor's workers are priced with the scenario's capacity mix, not all at one price: its
 * on-demand base (the starting on-demand workers) first, then its Spot share (the starting Spot
 * workers), and beyond the starting cluster the capacity type it launches. An autoscaler only adds
 * workers of the launch type, so pricing a mixed cluster all at Spot (or a Spot one all on-demand)
 * would measure the prices, not the autoscaler.
 */
public final class CostOracle {
    public static final Duration STEP = Duration.ofMinutes(1);
    private static final double MINUTES_PER_HOUR = 60.0;

    private CostOracle() {
    }

    /**
     * @param workers           the floor for each minute from the start, {@code duration / 1 min} entries
     * @param podsTooLarge      the most pods, at any minute, that fit no empty worker (never counted as capacity)
     * @param onDemandNodeHours the floor's on-demand worker-hours
     * @param spotNodeHours     the floor's Spot worker-hours
     */
    public record Curve(List<Integer> workers, double nodeHours, double costUsd, int podsTooLarge, double onDemandNodeHours,
            double spotNodeHours) {
        public int workersAt(Duration t) {
            int minute = (int) Math.min(t.toMinutes(), workers.size() - 1);
            return workers.get(minute);
        }
    }

    public static Curve compute(Scenario scenario) {
        long cpuRoom = scenario.workerType().cpuMillis();
        long memoryRoom = scenario.workerType().memoryBytes();
        for (Workload daemonSet : scenario.workloads()) {
            if (daemonSet.kind() == Kind.DAEMON_SET) {
                cpuRoom -= daemonSet.cpuMillis();
                memoryRoom -= daemonSet.memoryBytes();
            }
        }
        int min = scenario.config().minWorkers();
        List<Integer> workers = new ArrayList<>();
        int tooLarge = 0;
        int spotMinutes = 0;
        for (Duration t = Duration.ZERO; t.compareTo(scenario.duration()) < 0; t = t.plus(STEP)) {
            BinPacker.Packing packing = BinPacker.pack(podsAt(scenario, t), Math.max(cpuRoom, 0), Math.max(memoryRoom, 0), 0);
            int floor = Math.max(min, packing.newBins());
            workers.add(floor);
            spotMinutes += spotWorkers(scenario.cluster(), floor);
            tooLarge = Math.max(tooLarge, packing.tooLarge().size());
        }
        double perStep = STEP.toMinutes() / MINUTES_PER_HOUR;
        double nodeHours = workers.stream().mapToInt(Integer::intValue).sum() * perStep;
        double spotHours = spotMinutes * perStep;
        double onDemandHours = nodeHours - spotHours;
        Scenario.WorkerType type = scenario.workerType();
        double cost = onDemandHours * type.hourlyPrice(CapacityType.ON_DEMAND) + spotHours * type.hourlyPrice(CapacityType.SPOT);
        return new Curve(List.copyOf(workers), nodeHours, cost, tooLarge, onDemandHours, spotHours);
    }

    /** How many of {@code workers} run on Spot: past the on-demand base, the Spot share, then the launch type. */
    static int spotWorkers(ClusterSpec cluster, int workers) {
        int onDemandBase = cluster.workers() - cluster.spotWorkers();
        int spotShare = Math.min(Math.max(workers - onDemandBase, 0), cluster.spotWorkers());
        int launched = Math.max(workers - cluster.workers(), 0);
        return spotShare + (cluster.launchCapacityType() == CapacityType.SPOT ? launched : 0);
    }

    /** The requests of every non-DaemonSet pod the timeline wants at {@code t}. */
    static List<PodRequest> podsAt(Scenario scenario, Duration t) {
        List<PodRequest> pods = new ArrayList<>();
        for (Workload workload : scenario.workloads()) {
            if (workload.kind() == Kind.DAEMON_SET) {
                continue;
            }
            int replicas = workload.replicasAt(t);
            for (int i = 0; i < replicas; i++) {
                pods.add(new PodRequest(workload.namespace(), workload.name() + "-" + i, workload.cpuMillis(), workload.memoryBytes()));
            }
        }
        return pods;
    }
}
