package dev.k3sautoscaler.simulator.oracle;

import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.policy.BinPacker;
import dev.k3sautoscaler.simulator.scenario.Scenario;
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
 */
public final class CostOracle {
    public static final Duration STEP = Duration.ofMinutes(1);
    private static final double MINUTES_PER_HOUR = 60.0;

    private CostOracle() {
    }

    /**
     * @param workers        the floor for each minute from the start, {@code duration / 1 min} entries
     * @param podsTooLarge   the most pods, at any minute, that fit no empty worker (never counted as capacity)
     * @param hourlyPriceUsd the price the floor is charged at: Spot when the scenario launches Spot, else on-demand
     */
    public record Curve(List<Integer> workers, double nodeHours, double costUsd, int podsTooLarge, double hourlyPriceUsd) {
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
        for (Duration t = Duration.ZERO; t.compareTo(scenario.duration()) < 0; t = t.plus(STEP)) {
            BinPacker.Packing packing = BinPacker.pack(podsAt(scenario, t), Math.max(cpuRoom, 0), Math.max(memoryRoom, 0), 0);
            workers.add(Math.max(min, packing.newBins()));
            tooLarge = Math.max(tooLarge, packing.tooLarge().size());
        }
        double nodeHours = workers.stream().mapToInt(Integer::intValue).sum() * STEP.toMinutes() / MINUTES_PER_HOUR;
        double price = scenario.workerType().hourlyPrice(scenario.cluster().launchCapacityType());
        return new Curve(List.copyOf(workers), nodeHours, nodeHours * price, tooLarge, price);
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
