package dev.k3sautoscaler.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.Ec2Event;
import dev.k3sautoscaler.simulator.scenario.Scenario.RebalanceRecommendation;
import dev.k3sautoscaler.simulator.scenario.Scenario.SpotInterruption;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every bundled scenario played on the simulated cluster alone (nobody scales): the cluster's own rules hold throughout. */
class BundledScenariosTest {
    static final List<String> BUNDLED = ScenarioLoader.BUNDLED;

    @ParameterizedTest
    @FieldSource("BUNDLED")
    void unscaledRun_neverOvercommitsANode_norPutsWorkloadsOnTheMaster_andRepeatsExactly(String name) {
        // GIVEN
        Scenario scenario = ScenarioLoader.bundled(name);

        // WHEN
        List<ClusterObservation> first = play(scenario);
        List<ClusterObservation> second = play(scenario);

        // THEN
        assertEquals(first, second, "same seed, same run");
    }

    private static List<ClusterObservation> play(Scenario scenario) {
        SimulatedCluster cluster = new SimulatedCluster(scenario);
        List<ClusterObservation> observations = new ArrayList<>();
        Map<Duration, List<String>> followingInterruptions = new HashMap<>();
        for (Duration t = Duration.ZERO; t.compareTo(scenario.duration()) < 0; t = t.plusMinutes(1)) {
            cluster.advanceTo(t);
            for (SpotInterruption interruption : scenario.spotInterruptions()) {
                if (interruption.at().equals(t)) {
                    cluster.interruptSpot(target(interruption, cluster));
                }
            }
            // A recommendation changes nothing in the cluster by itself; the interruption it announces does.
            for (RebalanceRecommendation recommendation : scenario.rebalanceRecommendations()) {
                String target = recommendation.at().equals(t) ? target(recommendation, cluster) : null;
                if (target != null && recommendation.interruptAfter() != null) {
                    followingInterruptions.computeIfAbsent(t.plus(recommendation.interruptAfter()), at -> new ArrayList<>())
                            .add(target);
                }
            }
            followingInterruptions.getOrDefault(t, List.of()).stream().filter(cluster::spotRunning)
                    .forEach(cluster::interruptSpot);
            checkNodes(cluster);
            observations.add(cluster.observe());
        }
        return observations;
    }

    private static String target(Ec2Event event, SimulatedCluster cluster) {
        return SpotInterruption.RANDOM_SPOT_WORKER.equals(event.target()) ? cluster.randomSpotWorker().orElseThrow()
                : event.target();
    }

    private static void checkNodes(SimulatedCluster cluster) {
        Map<String, List<PodState>> byNode = cluster.pods().stream().filter(pod -> pod.nodeName() != null)
                .collect(Collectors.groupingBy(PodState::nodeName));
        for (NodeState node : cluster.nodes()) {
            List<PodState> pods = byNode.getOrDefault(node.name(), List.of());
            long cpu = pods.stream().mapToLong(PodState::cpuMillis).sum();
            long memory = pods.stream().mapToLong(PodState::memoryBytes).sum();
            assertTrue(cpu <= node.allocatableCpuMillis() && memory <= node.allocatableMemoryBytes(),
                    node.name() + " overcommitted at " + cluster.now() + ": " + cpu + "m, " + memory + " bytes");
            if (node.master()) {
                assertTrue(pods.stream().allMatch(pod -> pod.ownerKind() == Kind.DAEMON_SET), "workload pod on the master at " + cluster.now());
            }
        }
    }
}
