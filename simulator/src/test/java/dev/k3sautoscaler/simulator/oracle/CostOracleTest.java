package dev.k3sautoscaler.simulator.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CostOracleTest {

    @Test
    void floor_isMinWorkers_whenThePodsFitOnFewer() {
        // GIVEN 2 small pods, MIN_WORKERS 2 (default)
        Scenario scenario = TestScenarios.of("workers: 2", """
                  - name: web
                    replicas: [{at: 0s, count: 2}]
                    requests: {cpuMillis: 100, memoryMiB: 100}
                """);

        // WHEN
        CostOracle.Curve curve = CostOracle.compute(scenario);

        // THEN 2 workers for each of the 120 minutes: 4 node-hours at $0.0208
        assertEquals(120, curve.workers().size());
        assertTrue(curve.workers().stream().allMatch(n -> n == 2));
        assertEquals(4.0, curve.nodeHours(), 1e-9);
        assertEquals(4.0 * 0.0208, curve.costUsd(), 1e-9);
    }

    @Test
    void floor_followsTheTimeline_withDaemonSetRequestsTakenOffEachWorker() {
        // GIVEN pods of 950m: two per 1900m worker, but a 20m DaemonSet leaves room for one only
        Scenario scenario = TestScenarios.of("workers: 2", """
                  - name: exporter
                    kind: DaemonSet
                    requests: {cpuMillis: 20, memoryMiB: 32}
                  - name: web
                    replicas: [{at: 0s, count: 4}, {at: 1h, count: 6}]
                    requests: {cpuMillis: 950, memoryMiB: 100}
                """);

        // WHEN
        CostOracle.Curve curve = CostOracle.compute(scenario);

        // THEN 4 workers for the first hour, 6 for the second: 10 node-hours
        assertEquals(4, curve.workersAt(Duration.ofMinutes(59)));
        assertEquals(6, curve.workersAt(Duration.ofMinutes(60)));
        assertEquals(10.0, curve.nodeHours(), 1e-9);
    }

    @Test
    void floor_packsFirstFitDecreasing_acrossWorkloads() {
        // GIVEN 3 × 1200m and 3 × 700m: FFD pairs each big pod with a small one → 3 workers
        Scenario scenario = TestScenarios.of("workers: 2", """
                  - name: small
                    replicas: [{at: 0s, count: 3}]
                    requests: {cpuMillis: 700, memoryMiB: 100}
                  - name: big
                    replicas: [{at: 0s, count: 3}]
                    requests: {cpuMillis: 1200, memoryMiB: 100}
                """);

        // WHEN / THEN
        assertEquals(3, CostOracle.compute(scenario).workersAt(Duration.ZERO));
    }

    @Test
    void podsThatFitNoWorker_areReported_notPackedForever() {
        // GIVEN one pod larger than a worker
        Scenario scenario = TestScenarios.of("workers: 2", """
                  - name: huge
                    replicas: [{at: 0s, count: 1}]
                    requests: {cpuMillis: 4000, memoryMiB: 100}
                """);

        // WHEN
        CostOracle.Curve curve = CostOracle.compute(scenario);

        // THEN
        assertEquals(1, curve.podsTooLarge());
        assertEquals(2, curve.workersAt(Duration.ZERO));
    }

    /** Pods of 900m: two per 1900m worker, so {@code pods} / 2 workers (rounded up) at least. */
    private static Scenario needing(String cluster, int pods) {
        return TestScenarios.of(cluster, """
                  - name: web
                    replicas: [{at: 0s, count: %d}]
                    requests: {cpuMillis: 900, memoryMiB: 100}
                """.formatted(pods));
    }

    @Test
    void allSpotCluster_launchingSpot_isPricedAtTheSpotPrice() {
        // GIVEN two Spot workers, Spot launches, pods for three workers
        Scenario scenario = needing("workers: 2, spotWorkers: 2, launchCapacityType: spot", 6);

        // WHEN
        CostOracle.Curve curve = CostOracle.compute(scenario);

        // THEN three Spot workers for two hours
        assertEquals(6.0, curve.spotNodeHours(), 1e-9);
        assertEquals(0.0, curve.onDemandNodeHours(), 1e-9);
        assertEquals(6.0 * 0.0068, curve.costUsd(), 1e-9);
    }

    @Test
    void allOnDemandCluster_isPricedOnDemand() {
        // GIVEN two on-demand workers, on-demand launches (the default), pods for three workers
        Scenario scenario = needing("workers: 2", 6);

        // WHEN / THEN
        CostOracle.Curve curve = CostOracle.compute(scenario);
        assertEquals(6.0, curve.onDemandNodeHours(), 1e-9);
        assertEquals(6.0 * 0.0208, curve.costUsd(), 1e-9);
    }

    @Test
    void mixedCluster_keepsItsOnDemandBase_andItsSpotShare_thenLaunchesItsLaunchType() {
        // GIVEN one on-demand and two Spot workers, Spot launches, pods for four workers
        Scenario scenario = needing("workers: 3, spotWorkers: 2, launchCapacityType: spot", 8);

        // WHEN
        CostOracle.Curve curve = CostOracle.compute(scenario);

        // THEN the on-demand base stays on-demand; the rest is Spot: 1 + 3 workers for two hours
        assertEquals(4, curve.workersAt(Duration.ZERO));
        assertEquals(2.0, curve.onDemandNodeHours(), 1e-9);
        assertEquals(6.0, curve.spotNodeHours(), 1e-9);
        assertEquals(2.0 * 0.0208 + 6.0 * 0.0068, curve.costUsd(), 1e-9);
    }

    @Test
    void spotCluster_launchingOnDemand_paysOnDemandOnlyForWhatItLaunches() {
        // GIVEN two Spot workers, on-demand launches, pods for three workers
        Scenario scenario = needing("workers: 2, spotWorkers: 2", 6);

        // WHEN / THEN its two Spot workers and one on-demand one
        CostOracle.Curve curve = CostOracle.compute(scenario);
        assertEquals(4.0, curve.spotNodeHours(), 1e-9);
        assertEquals(2.0, curve.onDemandNodeHours(), 1e-9);
        assertEquals(4.0 * 0.0068 + 2.0 * 0.0208, curve.costUsd(), 1e-9);
    }

    @Test
    void floorBelowTheStartingCluster_keepsTheOnDemandBaseFirst() {
        // GIVEN two on-demand and two Spot workers; the pods need three
        Scenario scenario = needing("workers: 4, spotWorkers: 2, launchCapacityType: spot", 6);

        // WHEN / THEN the base's two on-demand workers and one of the Spot ones
        CostOracle.Curve curve = CostOracle.compute(scenario);
        assertEquals(4.0, curve.onDemandNodeHours(), 1e-9);
        assertEquals(2.0, curve.spotNodeHours(), 1e-9);
    }

    @Test
    void flashSale_floorRisesDuringTheSale() {
        // GIVEN / WHEN
        CostOracle.Curve curve = CostOracle.compute(ScenarioLoader.bundled("flash-sale"));

        // THEN 30 web (6 per worker by memory) + 8 checkout (3 per worker) need more than the quiet hour
        assertTrue(curve.workersAt(Duration.ofMinutes(90)) > curve.workersAt(Duration.ofMinutes(30)),
                curve.workersAt(Duration.ofMinutes(90)) + " vs " + curve.workersAt(Duration.ofMinutes(30)));
    }
}
