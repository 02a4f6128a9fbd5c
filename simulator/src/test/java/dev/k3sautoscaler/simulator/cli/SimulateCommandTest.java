package dev.k3sautoscaler.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.fixtures.SimulateRun;
import dev.k3sautoscaler.simulator.replay.ClusterMetricsExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
    private final SimulateRun command = new SimulateRun();

    private int run(String... args) {
        return command.run(args);
    }

    @Test
    void check_validatesABundledScenario_andPrintsThePlan() {
        // GIVEN / WHEN
        int exit = run("--scenario", "flash-sale", "--seed", "99", "--check");

        // THEN
        assertEquals(0, exit, command.err());
        assertTrue(command.out().contains("Scenario flash-sale:"), command.out());
        assertTrue(command.out().contains("seed 99, policy default"), command.out());
        assertTrue(command.out().contains("oracle floor:"), command.out());
    }

    @Test
    void withoutAScenario_theMainJobsDefaultRuns_whateverElseIsAsked() {
        // WHEN run with options but no source, as `./autoscaler simulate --policy both --check` passes them
        int exit = run("--policy", "both", "--check");

        // THEN flash-sale, the README's main job, is the scenario
        assertEquals(0, exit, command.err());
        assertTrue(command.out().startsWith("Scenario flash-sale:"), command.out());
    }

    @Test
    void check_listsTheInjectedFaults_andEveryInvariantItWouldCheck() {
        // GIVEN / WHEN
        int exit = run("--scenario", "flash-sale", "--inject", "slow:launch-workers@1", "--inject", "lost-result:delete-node@2",
                "--check");

        // THEN
        assertEquals(0, exit, command.err());
        String printed = command.out();
        assertTrue(printed.contains("injected: slow:launch-workers@1, lost-result:delete-node@2"), printed);
        assertTrue(printed.contains("invariants (18): NO_ORPHANED_INSTANCE,"), printed);
        assertTrue(printed.contains("NO_SIDE_EFFECT_UNDER_LOST_LEASE, EVERY_STEP_ERROR_DECLARED, EVERY_REMOVAL_RECORDED, NO_SECRET_IN_KUBERNETES_WRITES, NO_STATE_DATA_PAST_THE_QUOTA, NO_RECLAIMED_INSTANCE_IN_FLIGHT; BILLED_WITHIN_MAX, NO_INSTANCE_WITHOUT_READY_NODE, NO_GHOST_NODE,"
                + " NO_UNCORDON_DURING_INTERRUPTION_DRAIN, NO_RUNNING_INSTANCE_OF_DELETED_NODE also at every instant"), printed);
    }

    @Test
    void run_printsProgressAndTheSummary_andWritesHistoriesSummaryAndLogs(@TempDir Path dir) throws IOException {
        // GIVEN flash-sale cut just past its spike (the sale starts at 1 h)
        Path outDir = dir.resolve("out");

        // WHEN
        int exit = run("--scenario", "flash-sale", "--duration", "75m", "--out", outDir.toString());

        // THEN the run happened, and says so with numbers it computed
        assertEquals(0, exit, command.err());
        String printed = command.out();
        assertTrue(printed.contains("Simulated 1h15m with policy default in"), printed);
        assertTrue(printed.contains("actuation scale-up-"), printed);
        assertTrue(printed.contains("Unschedulable pod-minutes"), printed);
        assertTrue(Files.size(outDir.resolve(SimulateCommand.SUMMARY_JSON)) > 0);
        assertTrue(Files.size(outDir.resolve(SimulateCommand.LAMBDA_LOGS)) > 0, "the functions' log lines go to a file");
        try (var histories = Files.list(outDir.resolve("executions"))) {
            assertTrue(histories.anyMatch(file -> file.getFileName().toString().startsWith("scale-up-")));
        }
        assertTrue(!printed.contains("\"level\""), "no JSON log line on the terminal");
        String notices = Files.readString(outDir.resolve(SimulateCommand.NOTIFICATIONS));
        assertTrue(notices.contains("\"TopicArn\"") && notices.contains("scale-up-"),
                "the scale-up's SNS notice, as a subscriber would get it: " + notices);
        assertFalse(Files.exists(outDir.resolve(ClusterMetricsExport.FILE)), "no metrics export unless asked for");
    }

    @Test
    void exportMetricsOn_writesTheClusterHistory_aSampleAMinute_endingTheText(@TempDir Path dir) throws IOException {
        // GIVEN / WHEN
        int exit = run("--scenario", "steady", "--duration", "5m", "--export-metrics", "on", "--out", dir.toString());

        // THEN the master and the three workers at each of the 6 minutes (0 to 5), and the text ends as a backfill wants
        assertEquals(0, exit, command.err());
        Path file = dir.resolve(ClusterMetricsExport.FILE);
        assertTrue(command.out().contains("Cluster metrics: " + file + " (6 samples, "), command.out());
        List<String> lines = Files.readAllLines(file);
        assertEquals(4 * 6, lines.stream().filter(line -> line.startsWith("kube_node_info{")).count());
        assertEquals("# EOF", lines.getLast());
    }

    @Test
    void aFaultAtAFunctionThatDoesNotExist_failsTheRun_namingTheFunctions(@TempDir Path dir) {
        // GIVEN / WHEN a typo in the step of --inject
        int exit = run("--scenario", "steady", "--duration", "5m", "--inject", "crash:launch-worker@1",
                "--out", dir.toString());

        // THEN the run refuses instead of running without the fault
        assertEquals(SimulateCommand.EXIT_RUN_FAILED, exit);
        assertTrue(command.err().contains("no function named launch-worker") && command.err().contains("launch-workers"),
                command.err());
    }

    @Test
    void malformedScenarioFile_listsItsProblems(@TempDir Path dir) throws IOException {
        // GIVEN
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\nduration: -5m\n");

        // WHEN
        int exit = run("--scenario", file.toString(), "--check");

        // THEN
        assertEquals(SimulateCommand.EXIT_INVALID_SCENARIO, exit);
        assertTrue(command.err().contains("bad.yaml:2:"), command.err());
        assertTrue(command.err().contains("cluster: is required"), command.err());
    }

    @Test
    void aSpotInterruptionOfAnInstanceTheRunDoesNotHave_isSkipped_saidSo_andCounted(@TempDir Path dir) throws IOException {
        // GIVEN an instance id no worker of this run has (the seed draws the first workers' ids, EC2 the launched ones')
        Path file = dir.resolve("absent.yaml");
        Files.writeString(file, """
                name: absent
                duration: 10m
                cluster: {workers: 2, spotWorkers: 2, launchCapacityType: spot}
                workerType: {name: t3.small, cpuMillis: 1900, memoryMiB: 1600, hourlyPriceUsd: 0.0208, spotHourlyPriceUsd: 0.0068}
                workload:
                  - {name: web, replicas: [{at: 0s, count: 2}], requests: {cpuMillis: 250, memoryMiB: 256}}
                spotInterruptions:
                  - {at: 5m, target: i-0123456789abcdef0}
                """);

        // WHEN
        int exit = run("--scenario", file.toString(), "--out", dir.resolve("out").toString());

        // THEN the run completes, says what it skipped when, and the summary counts it
        assertEquals(0, exit, command.err());
        String printed = command.out();
        assertTrue(printed.contains("[00:05:00] Spot interruption skipped: i-0123456789abcdef0 is no running Spot worker"), printed);
        assertTrue(printed.contains("EC2 events skipped                     1 (target no running Spot worker)"), printed);
        assertTrue(Files.readString(dir.resolve("out").resolve(SimulateCommand.SUMMARY_JSON)).contains("\"ec2EventsSkipped\" : 1"));
    }

    @Test
    void unknownPolicy_isAUsageError() {
        assertEquals(2, run("--scenario", "steady", "--policy", "magic"));
        assertTrue(command.err().contains("expected default, seed-baseline or both"), command.err());
    }
}
