package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.engine.Simulation;
import dev.k3sautoscaler.simulator.engine.SimulationResult;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's round trip on the real Prometheus: a bundled scenario is run, its cluster's history
 * exported as OpenMetrics, backfilled into a fresh TSDB and served, derived back into a scenario —
 * which must be the scenario it came from, and simulate to the same outcomes.
 *
 * <p>Tolerances (what a history at 1-minute steps can tell): replicas equal to the scenario's at
 * 95 % of the minutes and never more than 2 apart (a ramp moves within the minute); requests and
 * the worker type exact; usage within 0.05 of the scenario's fractions; the derived scenario's run
 * within 10 % of the original's node-hours, with as many workers added (±1) and no more than 25 % (or 15)
 * more unschedulable pod-minutes.
 */
class RoundTripIT {
    /** flash-sale through its sale and the way down: 2 h 30 min. */
    private static final Duration LENGTH = Duration.ofMinutes(150);

    @TempDir
    static Path work;
    private static Scenario original;
    private static SimulationResult originalRun;
    private static Replay replay;

    @BeforeAll
    static void runExportBackfillAndDerive() throws IOException {
        original = ScenarioLoader.resolve("flash-sale").withDuration(LENGTH);
        ClusterMetricsExport export = new ClusterMetricsExport(Simulation.START);
        try (Simulation simulation = new Simulation(original, PolicyName.DEFAULT).onSample(export::sample)) {
            originalRun = simulation.run();
        }
        Path file = work.resolve("cluster-metrics.om");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            export.writeTo(out);
        }
        ExportFile history = ExportFile.scan(file);
        ReplayRange range = new ReplayRange(history.first().truncatedTo(ChronoUnit.SECONDS),
                history.last().truncatedTo(ChronoUnit.SECONDS), Duration.ofMinutes(1));
        try (PrometheusServer prometheus = history.serve()) {
            replay = new ScenarioDerivation(PrometheusHistory.connect(prometheus.url(), null)).derive(range,
                    ReplayParameters.of(original.workerType().hourlyPriceUsd(), original.region(), original.cluster().zones()));
        }
    }

    private static Map<String, Workload> byName(Scenario scenario) {
        return scenario.workloads().stream().collect(Collectors.toMap(w -> w.namespace() + "/" + w.name(), Function.identity()));
    }

    @Test
    void theDerivedWorkloads_areTheScenarios_replicasRequestsAndUsage() {
        Map<String, Workload> expected = byName(original);
        Map<String, Workload> derived = byName(replay.scenario());
        assertEquals(expected.keySet(), derived.keySet(), replay.yaml());
        for (var entry : expected.entrySet()) {
            Workload want = entry.getValue();
            Workload got = derived.get(entry.getKey());
            assertEquals(want.kind(), got.kind(), entry.getKey());
            assertEquals(want.cpuMillis(), got.cpuMillis(), entry.getKey() + " cpu requests");
            assertEquals(want.memoryMiB(), got.memoryMiB(), entry.getKey() + " memory requests");
            assertEquals(want.cpuUsage(), got.cpuUsage(), 0.05, entry.getKey() + " cpu usage");
            assertEquals(want.memoryUsage(), got.memoryUsage(), 0.05, entry.getKey() + " memory usage");
            if (want.replicas().isEmpty()) {
                continue; // a DaemonSet: one pod per node, no timeline
            }
            int minutes = (int) replay.scenario().duration().toMinutes();
            int equal = 0;
            for (int minute = 0; minute < minutes; minute++) {
                Duration t = Duration.ofMinutes(minute);
                int difference = Math.abs(want.replicasAt(t) - got.replicasAt(t));
                assertTrue(difference <= 2, entry.getKey() + " at " + t + ": " + want.replicasAt(t) + " wanted, "
                        + got.replicasAt(t) + " derived\n" + replay.yaml());
                equal += difference == 0 ? 1 : 0;
            }
            assertTrue(equal >= minutes * 0.95, entry.getKey() + ": equal at " + equal + " of " + minutes + " minutes\n"
                    + replay.yaml());
        }
    }

    @Test
    void theWorkerTypeAndTheStart_areTheScenarios() {
        assertEquals(original.workerType().name(), replay.scenario().workerType().name());
        assertEquals(original.workerType().cpuMillis(), replay.scenario().workerType().cpuMillis());
        assertEquals(original.workerType().memoryMiB(), replay.scenario().workerType().memoryMiB());
        assertEquals(original.cluster().workers(), replay.scenario().cluster().workers());
    }

    @Test
    void whatActuallyHappened_isTheOriginalRun() {
        RunSummary run = originalRun.summary();
        // Prometheus sees Ready workers only: a launch's boot and join (about 95 s) are billed, not seen.
        assertEquals(run.nodeHours(), replay.actual().nodeHours(), run.nodeHours() * 0.05,
                "actual node-hours " + replay.actual().nodeHours() + " vs the run's " + run.nodeHours());
        assertEquals(run.unschedulablePodMinutes(), replay.actual().unschedulablePodMinutes(),
                Math.max(5, run.unschedulablePodMinutes() * 0.25));
    }

    @Test
    void theDerivedScenario_simulatesToTheSameOutcomes() {
        RunSummary before = originalRun.summary();
        RunSummary after;
        try (Simulation simulation = new Simulation(replay.scenario(), PolicyName.DEFAULT)) {
            after = simulation.run().summary();
        }
        assertEquals(before.nodeHours(), after.nodeHours(), before.nodeHours() * 0.10,
                "node-hours " + after.nodeHours() + " vs " + before.nodeHours());
        // Workers added, not actuations: at 1-minute steps the ramp arrives in lumps, and each rule evaluation
        // that finds more pods may start an actuation of its own, so their number follows the ramp within the minute.
        assertEquals(before.nodesAdded(), after.nodesAdded(), 1, "workers added by " + after.scaleUpEvents()
                + " scale-ups vs by " + before.scaleUpEvents());
        assertTrue(after.unschedulablePodMinutes() <= Math.max(before.unschedulablePodMinutes() * 1.25,
                before.unschedulablePodMinutes() + 15), "pod-minutes " + after.unschedulablePodMinutes() + " vs "
                + before.unschedulablePodMinutes());
    }
}
