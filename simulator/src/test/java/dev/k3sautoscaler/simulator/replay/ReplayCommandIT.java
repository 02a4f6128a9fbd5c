package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.cli.SimulateCommand;
import dev.k3sautoscaler.simulator.fixtures.SimulateRun;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simulate --from-export} and {@code --from-prometheus}: the derived scenario written under
 * --out, both policies run on it, and what the cluster actually did beside them.
 */
class ReplayCommandIT {
    @TempDir
    Path work;
    private final SimulateRun command = new SimulateRun();

    private int run(String... args) {
        return command.run(args);
    }

    private Path export() throws IOException {
        return Files.writeString(work.resolve("cluster.om"), ScenarioDerivationIT.cluster().openMetrics());
    }

    @Test
    void fromAnExport_writesTheScenario_runsBothPolicies_andShowsWhatActuallyHappened() throws IOException {
        // GIVEN a saved history of 40 minutes
        Path dir = work.resolve("replay");

        // WHEN it is replayed
        int exit = run("--from-export", export().toString(), "--out", dir.toString());

        // THEN the derived scenario is written, loads, and is the cluster's
        assertEquals(0, exit, command.err() + command.out());
        Scenario derived = ScenarioLoader.load(dir.resolve(SimulateCommand.DERIVED_SCENARIO));
        assertEquals(java.time.Duration.ofMinutes(40), derived.duration());
        assertEquals(3, derived.workloads().size());
        // AND both policies ran, side by side with what actually happened (106 Ready worker-minutes, 4 pod-minutes)
        String printed = command.out();
        assertTrue(printed.contains("Derived scenario: " + dir.resolve(SimulateCommand.DERIVED_SCENARIO)), printed);
        String table = printed.substring(printed.indexOf("Spikes (unschedulable pods > 0)", printed.lastIndexOf("default / oracle")));
        String header = printed.substring(printed.lastIndexOf('\n', printed.lastIndexOf("default / oracle")) + 1,
                printed.indexOf('\n', printed.lastIndexOf("default / oracle")));
        assertTrue(header.contains("seed-baseline") && header.endsWith("actual  default / actual"), header);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("Worker node-hours") && line.contains(" 1.77 ")), table);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("Unschedulable pod-minutes") && line.contains(" 4 ")), table);
        assertTrue(Files.isDirectory(dir.resolve("default")) && Files.isDirectory(dir.resolve("seed-baseline")));
        String page = Files.readString(dir.resolve("index.html"));
        assertTrue(page.contains("<th>actual</th>") && page.contains("<th>default / actual</th>"), "the HTML table");
    }

    @Test
    void fromAPrometheusUrl_derivesTheSameScenario() throws IOException {
        Path fromUrl = work.resolve("from-url");
        Path fromFile = work.resolve("from-file");
        try (PrometheusServer prometheus = PrometheusServer.backfilledWith(ScenarioDerivationIT.cluster().openMetrics(),
                ClusterHistory.LOOKBACK)) {
            int exit = run("--from-prometheus", prometheus.url().toString(), "--until", "2026-03-02T12:40:00Z",
                    "--range", "40m", "--out", fromUrl.toString(), "--duration", "5m");
            assertEquals(0, exit, command.err() + command.out());
        }
        assertEquals(0, run("--from-export", export().toString(), "--out", fromFile.toString(), "--duration", "5m"),
                command.err());

        // THEN the two derivations agree but for the line naming their source
        assertEquals(withoutSource(Files.readString(fromFile.resolve(SimulateCommand.DERIVED_SCENARIO))),
                withoutSource(Files.readString(fromUrl.resolve(SimulateCommand.DERIVED_SCENARIO))));
    }

    @Test
    void anUnreachablePrometheus_endsWithItsNamedCause_andRunsNothing() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path dir = work.resolve("unreachable");

        int exit = run("--from-prometheus", "http://127.0.0.1:" + closedPort + "/", "--out", dir.toString());

        assertEquals(SimulateCommand.EXIT_INVALID_SCENARIO, exit);
        assertTrue(command.err().contains("cannot reach Prometheus at http://127.0.0.1:" + closedPort), command.err());
        assertTrue(!Files.exists(dir.resolve(SimulateCommand.DERIVED_SCENARIO)), "no partial scenario");
    }

    @Test
    void aMissingExport_andTwoSourcesAtOnce_areRefusedByName() throws IOException {
        assertEquals(SimulateCommand.EXIT_INVALID_SCENARIO, run("--from-export", work.resolve("nothing.om").toString()));
        assertTrue(command.err().contains("no export file at " + work.resolve("nothing.om")), command.err());

        assertEquals(SimulateCommand.EXIT_INVALID_SCENARIO, run("--scenario", "steady", "--from-export", export().toString()));
        assertTrue(command.err().contains("Give at most one of --scenario, --from-prometheus and --from-export."),
                command.err());
    }

    @Test
    void anExportPrometheusCannotBackfill_endsWithTheBackfillsOwnWords_notAStackTrace() throws IOException {
        // GIVEN timestamped samples, but not OpenMetrics: no end marker, a label never closed
        Path broken = Files.writeString(work.resolve("broken.om"), "kube_node_info{node=\"w1 1 1767571200\n"
                + "kube_node_info{node=\"w1 1 1767571260\n");

        int exit = run("--from-export", broken.toString(), "--out", work.resolve("broken").toString());

        assertEquals(SimulateCommand.EXIT_INVALID_SCENARIO, exit, command.err());
        assertTrue(command.err().startsWith("cannot backfill " + broken + " into a local Prometheus: "), command.err());
        assertTrue(!command.err().contains("\tat "), "no stack trace: " + command.err());
    }

    private static String withoutSource(String yaml) {
        return yaml.lines().filter(line -> !line.startsWith("description:")).reduce("", (a, b) -> a + b + "\n");
    }
}
