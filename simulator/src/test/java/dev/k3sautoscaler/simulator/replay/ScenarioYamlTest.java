package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.replay.ScenarioDraft.Usage;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.ReplicaStep;
import dev.k3sautoscaler.simulator.scenario.Scenario.WorkerType;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioYamlTest {

    private static ScenarioDraft draft(List<ScenarioDraft.Workload> workloads) {
        return new ScenarioDraft("replay-20260302-1200", "Replayed: \"quoted\" \\ and: colons",
                Duration.ofHours(7).plusMinutes(30), 1, "eu-west-1", 3, List.of("eu-west-1a"),
                new WorkerType("m6i.large", 1930, 7290, 0.096, null), 4, 3, workloads);
    }

    @Test
    void namesYamlWouldReadAsSomethingElse_areQuoted_andReadBackAsWritten() {
        // GIVEN Kubernetes names that are YAML booleans, numbers or null
        List<ScenarioDraft.Workload> workloads = List.of(
                new ScenarioDraft.Workload("true", "on", Kind.DEPLOYMENT, List.of(new ReplicaStep(Duration.ZERO, 2, Duration.ZERO)),
                        100, 128, 2, new Usage(0.25, 0.5, 0)),
                new ScenarioDraft.Workload("123", "null", Kind.STATEFUL_SET,
                        List.of(new ReplicaStep(Duration.ZERO, 0, Duration.ZERO), new ReplicaStep(Duration.ofSeconds(90), 1, Duration.ZERO)),
                        100, 128, 1, new Usage(1.5, null, 0.2)));

        // WHEN
        String yaml = ScenarioYaml.write(draft(workloads));
        Scenario scenario = ScenarioLoader.parse(yaml, "replay.yaml");

        // THEN
        assertEquals(List.of("true/on", "123/null"),
                scenario.workloads().stream().map(w -> w.namespace() + "/" + w.name()).toList());
        assertEquals("Replayed: \"quoted\" \\ and: colons", scenario.description());
        assertEquals(Duration.ofMinutes(450), scenario.duration());
        assertEquals(new WorkerType("m6i.large", 1930, 7290, 0.096, null), scenario.workerType());
        assertEquals(List.of(new ReplicaStep(Duration.ZERO, 0, Duration.ZERO), new ReplicaStep(Duration.ofSeconds(90), 1, Duration.ZERO)),
                scenario.workloads().get(1).replicas());
        // A fraction not measured is left out, so the loader's default (0.8 of the memory request) applies.
        assertEquals(List.of(1.5, 0.8, 0.2), List.of(scenario.workloads().get(1).cpuUsage(),
                scenario.workloads().get(1).memoryUsage(), scenario.workloads().get(1).usageJitter()));
        assertTrue(yaml.contains("  - name: \"on\"\n    namespace: \"true\"\n"), yaml);
    }

    @Test
    void daemonSet_hasNoReplicas_andAWorkloadWithoutUsageSaysSo() {
        // GIVEN
        List<ScenarioDraft.Workload> workloads = List.of(new ScenarioDraft.Workload("monitoring", "node-exporter", Kind.DAEMON_SET,
                List.of(), 0, 0, 0, null));

        // WHEN
        String yaml = ScenarioYaml.write(draft(workloads));

        // THEN
        assertEquals("""
                  - name: node-exporter
                    namespace: monitoring
                    kind: DaemonSet
                    requests: {cpuMillis: 0, memoryMiB: 0}          # its pods request nothing
                    # usage: no cAdvisor samples of its pods, so the simulator's defaults apply
                """, yaml.substring(yaml.indexOf("  - name:")));
        Scenario.Workload loaded = ScenarioLoader.parse(yaml, "replay.yaml").workloads().get(0);
        assertEquals(List.of(), loaded.replicas());
        assertEquals(Kind.DAEMON_SET, loaded.kind());
    }
}
