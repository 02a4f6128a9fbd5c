package dev.k3sautoscaler.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {
    static final List<String> BUNDLED = ScenarioLoader.BUNDLED;
    /** The small-cluster scenarios: t3.small, MIN 2 / MAX 10 (diurnal-large has its own worker type and bounds). */
    static final List<String> SMALL = BUNDLED.stream().filter(name -> !name.equals("diurnal-large")).toList();

    private static final String VALID = """
            name: tiny
            duration: 1h
            cluster:
              workers: 2
            workerType:
              name: t3.small
              cpuMillis: 1900
              memoryMiB: 1600
              hourlyPriceUsd: 0.0208
            workload:
              - name: web
                replicas:
                  - {at: 0s, count: 3}
                  - {at: 10m, count: 9, ramp: 6m}
                requests: {cpuMillis: 250, memoryMiB: 256}
            """;

    @ParameterizedTest
    @FieldSource("SMALL")
    void bundledScenario_loads_withTheT3SmallPriceAndDefaultBounds(String name) {
        // GIVEN / WHEN
        Scenario scenario = ScenarioLoader.bundled(name);

        // THEN
        assertEquals(name, scenario.name());
        assertEquals("t3.small", scenario.workerType().name());
        assertEquals(0.0208, scenario.workerType().hourlyPriceUsd());
        assertEquals(2, scenario.config().minWorkers());
        assertEquals(10, scenario.config().maxWorkers());
        assertEquals(1900, scenario.config().workerCpuMillis());
        assertTrue(scenario.workloads().stream().anyMatch(w -> w.kind() == Kind.DAEMON_SET));
    }

    @Test
    void diurnalLarge_isLarge_aDayOfOverAHundredWorkersAndTwoThousandPods() {
        Scenario scenario = ScenarioLoader.bundled("diurnal-large");

        assertEquals(Duration.ofHours(24), scenario.duration());
        assertEquals("m5.large", scenario.workerType().name());
        assertEquals(7000L * 1024 * 1024, scenario.config().workerMemoryBytes());
        assertEquals(150, scenario.config().maxWorkers());
        int peakPods = scenario.workloads().stream().filter(w -> w.kind() != Kind.DAEMON_SET)
                .mapToInt(w -> w.replicas().stream().mapToInt(step -> step.count()).max().orElse(0)).sum();
        assertTrue(peakPods >= 2000, "peak pods " + peakPods);
        long peakCpuMillis = scenario.workloads().stream().filter(w -> w.kind() != Kind.DAEMON_SET)
                .mapToLong(w -> w.cpuMillis() * w.replicas().stream().mapToInt(step -> step.count()).max().orElse(0))
                .sum();
        assertTrue(peakCpuMillis / scenario.workerType().cpuMillis() >= 100, "peak workers' worth " + peakCpuMillis);
    }

    @Test
    void diurnalDay_lastsTwentyFourHours() {
        assertEquals(Duration.ofHours(24), ScenarioLoader.bundled("diurnal-day").duration());
    }

    @Test
    void slowBootWorld_bootsLongerThanItsJoinTimeout_soOnlyTheJoinLoopEndsItsLaunches() throws java.io.IOException {
        // GIVEN / WHEN
        Scenario scenario;
        try (var in = ScenarioLoaderTest.class.getClassLoader().getResourceAsStream("faults/slow-boot.yaml")) {
            scenario = ScenarioLoader.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "slow-boot.yaml");
        }

        // THEN
        Duration toReady = scenario.boot().mean().minus(scenario.boot().spread()).plus(scenario.join().mean())
                .minus(scenario.join().spread());
        assertTrue(toReady.compareTo(scenario.config().joinTimeout().plus(scenario.tick())) > 0,
                toReady + " to Ready must exceed JOIN_TIMEOUT_SEC + a tick");
    }

    @Test
    void validScenario_appliesDefaults() {
        // GIVEN / WHEN
        Scenario scenario = ScenarioLoader.parse(VALID, "tiny.yaml");

        // THEN
        assertEquals(Scenario.DEFAULT_TICK, scenario.tick());
        assertEquals(Kind.DEPLOYMENT, scenario.workloads().getFirst().kind());
        assertEquals("default", scenario.workloads().getFirst().namespace());
        assertEquals(List.of("us-east-1a", "us-east-1b"), scenario.cluster().zones());
        assertEquals(Duration.ofSeconds(30), scenario.terminationGrace());
    }

    @Test
    void replicaTimeline_rampsLinearlyToTheTarget() {
        // GIVEN
        Scenario.Workload web = ScenarioLoader.parse(VALID, "tiny.yaml").workloads().getFirst();

        // WHEN / THEN: 3 → 9 over 6 minutes from 10m
        assertEquals(3, web.replicasAt(Duration.ofMinutes(9)));
        assertEquals(3, web.replicasAt(Duration.ofMinutes(10)));
        assertEquals(6, web.replicasAt(Duration.ofMinutes(13)));
        assertEquals(9, web.replicasAt(Duration.ofMinutes(16)));
        assertEquals(9, web.replicasAt(Duration.ofHours(1)));
    }

    @Test
    void jsonScenario_loadsToo() {
        // GIVEN
        String json = """
                {"name": "j", "duration": 600, "cluster": {"workers": 1},
                 "workerType": {"name": "t3.small", "cpuMillis": 1900, "memoryMiB": 1600, "hourlyPriceUsd": 0.0208},
                 "workload": [{"name": "web", "replicas": [{"at": 0, "count": 1}], "requests": {"cpuMillis": 1, "memoryMiB": 1}}]}
                """;

        // WHEN / THEN
        assertEquals(Duration.ofMinutes(10), ScenarioLoader.parse(json, "j.json").duration());
    }

    @Test
    void wrongType_namesTheFieldAndLine() {
        // GIVEN: count is text on line 13
        String bad = VALID.replace("{at: 0s, count: 3}", "{at: 0s, count: three}");

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        ScenarioProblem problem = single(e);
        assertEquals("workload[0].replicas[0].count", problem.field());
        assertEquals(13, problem.line());
        assertTrue(problem.message().contains("expected a whole number, found text \"three\""), problem.message());
        assertTrue(e.getMessage().contains("bad.yaml:13:"), e.getMessage());
    }

    @Test
    void missingRequiredField_namesTheFieldAndTheLineOfItsParent() {
        // GIVEN: workerType (line 5) without hourlyPriceUsd
        String bad = VALID.replace("  hourlyPriceUsd: 0.0208\n", "");

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        ScenarioProblem problem = single(e);
        assertEquals("workerType.hourlyPriceUsd", problem.field());
        assertEquals("is required", problem.message());
        assertEquals(5, problem.line());
    }

    @Test
    void unknownField_namesTheFieldAndLine() {
        // GIVEN: a misspelt field on line 4
        String bad = VALID.replace("  workers: 2\n", "  workers: 2\n  wrokers: 3\n");

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        ScenarioProblem problem = single(e);
        assertEquals("cluster.wrokers", problem.field());
        assertEquals(5, problem.line());
        assertEquals(3, problem.column());
        assertTrue(problem.message().startsWith("unknown field"), problem.message());
    }

    @Test
    void negativeReplicas_namesTheFieldAndLine() {
        // GIVEN: line 14
        String bad = VALID.replace("count: 9", "count: -3");

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        ScenarioProblem problem = single(e);
        assertEquals("workload[0].replicas[1].count", problem.field());
        assertEquals(14, problem.line());
        assertEquals("must be at least 0 (was -3)", problem.message());
    }

    @Test
    void everyProblem_isListed_inLineOrder() {
        // GIVEN: three independent mistakes
        String bad = VALID.replace("duration: 1h", "duration: soon")
                .replace("cpuMillis: 1900", "cpuMillis: 0")
                .replace("count: 9", "count: -1");

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        assertEquals(List.of("duration", "workerType.cpuMillis", "workload[0].replicas[1].count"),
                e.problems().stream().map(ScenarioProblem::field).toList());
        assertEquals(List.of(2, 7, 14), e.problems().stream().map(ScenarioProblem::line).toList());
    }

    @Test
    void policyOverride_isValidatedByTheConfigurationTable() {
        // GIVEN: MIN above MAX, and a name that is no setting
        String bad = VALID + "policy:\n  MIN_WORKERS: 12\n  MAX_WORKERS: 10\n  MAX_WROKERS: 3\n";

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        assertEquals(List.of("policy.MIN_WORKERS", "policy.MAX_WROKERS"),
                e.problems().stream().map(ScenarioProblem::field).toList());
        assertTrue(e.problems().getFirst().message().contains("must not be above MAX_WORKERS"), e.getMessage());
    }

    @Test
    void policyOverride_reachesTheConfig() {
        // GIVEN / WHEN
        Scenario scenario = ScenarioLoader.parse(VALID + "policy:\n  MAX_WORKERS: 6\n  COOLDOWN_UP_SEC: \"120\"\n", "p.yaml");

        // THEN
        assertEquals(6, scenario.config().maxWorkers());
        assertEquals(Duration.ofSeconds(120), scenario.config().cooldownUp());
    }

    @Test
    void daemonSetWithReplicas_andPdbWithBothFields_areRejected() {
        // GIVEN
        String bad = VALID + """
                  - name: exporter
                    kind: DaemonSet
                    replicas: [{at: 0s, count: 1}]
                    requests: {cpuMillis: 20, memoryMiB: 32}
                    pdb: {minAvailable: 1, maxUnavailable: 1}
                """;

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        assertEquals(List.of("workload[1].replicas", "workload[1].pdb"),
                e.problems().stream().map(ScenarioProblem::field).toList());
    }

    @Test
    void rebalanceRecommendations_load_withTheirOptionalInterruption() {
        // GIVEN
        String withRebalance = VALID + """
                rebalanceRecommendations:
                  - {at: 10m, target: i-0123456789abcdef0, interruptAfter: 5m}
                  - {at: 20m}
                """;

        // WHEN
        Scenario scenario = ScenarioLoader.parse(withRebalance, "r.yaml");

        // THEN
        assertEquals(List.of(new Scenario.RebalanceRecommendation(Duration.ofMinutes(10), "i-0123456789abcdef0", Duration.ofMinutes(5)),
                new Scenario.RebalanceRecommendation(Duration.ofMinutes(20), Scenario.SpotInterruption.RANDOM_SPOT_WORKER, null)),
                scenario.rebalanceRecommendations());
    }

    @Test
    void rebalanceRecommendation_problems_areListedWithTheOthers() {
        // GIVEN: no at, an interruption delay that is no duration, a misspelt field
        String bad = VALID + """
                rebalanceRecommendations:
                  - {target: i-0123456789abcdef0}
                  - {at: 20m, interruptAfter: soon}
                  - {at: 30m, interuptAfter: 5m}
                """;

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        assertEquals(List.of("rebalanceRecommendations[0].at", "rebalanceRecommendations[1].interruptAfter",
                "rebalanceRecommendations[2].interuptAfter"), e.problems().stream().map(ScenarioProblem::field).toList());
        assertEquals(List.of(17, 18, 19), e.problems().stream().map(ScenarioProblem::line).toList());
    }

    @Test
    void anEc2EventWhoseTargetCanNameNoInstance_isRejected_namingTheEventAndTheTarget() {
        // GIVEN a node label and a typo where an instance id belongs
        String bad = VALID + """
                spotInterruptions:
                  - {at: 5m, target: worker-3}
                  - {at: 6m, target: random-spot-worker}
                rebalanceRecommendations:
                  - {at: 10m, target: i-0xyz, interruptAfter: 5m}
                """;

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN each names its event, its time and the target, at the target's line
        assertEquals(List.of("spotInterruptions[0].target", "rebalanceRecommendations[0].target"),
                e.problems().stream().map(ScenarioProblem::field).toList(), e.getMessage());
        assertEquals(List.of(17, 20), e.problems().stream().map(ScenarioProblem::line).toList());
        assertTrue(e.problems().get(0).message().startsWith("the Spot interruption at 5m targets \"worker-3\""), e.getMessage());
        assertTrue(e.problems().get(1).message().startsWith("the rebalance recommendation at 10m targets \"i-0xyz\""), e.getMessage());
        assertTrue(e.problems().get(0).message().contains("random-spot-worker"), e.getMessage());
    }

    @Test
    void anEc2EventTargetingAnInstanceId_loads_whetherOrNotTheRunWillHaveIt() {
        // GIVEN ids of both lengths EC2 uses: which instances a run has is only known as it runs
        String ids = VALID + """
                spotInterruptions:
                  - {at: 5m, target: i-0123456789abcdef0}
                  - {at: 6m, target: i-0abc1234}
                """;

        // WHEN / THEN
        assertEquals(List.of("i-0123456789abcdef0", "i-0abc1234"), ScenarioLoader.parse(ids, "ids.yaml").spotInterruptions()
                .stream().map(Scenario.SpotInterruption::target).toList());
    }

    @Test
    void syntaxError_reportsTheParsersLine() {
        // GIVEN
        String bad = "name: x\nduration: [1h\n";

        // WHEN
        InvalidScenarioException e = assertThrows(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, "bad.yaml"));

        // THEN
        assertEquals("(syntax)", single(e).field());
        assertTrue(single(e).line() >= 2, e.getMessage());
    }

    @Test
    void durations_roundTrip() {
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("45"));
        assertEquals(null, Durations.parse("soon"));
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("2m5s", Durations.format(Duration.ofSeconds(125)));
    }

    private static ScenarioProblem single(InvalidScenarioException e) {
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().getFirst();
    }
}
