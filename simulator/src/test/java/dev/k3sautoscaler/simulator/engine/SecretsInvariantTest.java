package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.Invariants.Name;
import dev.k3sautoscaler.simulator.engine.Invariants.Violation;
import dev.k3sautoscaler.simulator.engine.Simulation.Notification;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.LocalExecutor;
import dev.k3sautoscaler.workflow.StateMachine;
import dev.k3sautoscaler.workflow.TaskFailure;
import dev.k3sautoscaler.workflow.VirtualClock;
import dev.k3sautoscaler.simulator.virtual.VirtualKubeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NO_SECRET_IN_EXECUTION_DATA: on hand-made executions and notifications, then on a real run. */
class SecretsInvariantTest {
    private static final ClusterSecrets SECRETS = ClusterSecrets.forSeed(7);
    private static final String ONE_TASK = """
            {"StartAt": "Step", "States": {"Step": {"Type": "Task",
             "Resource": "arn:aws:lambda:us-east-1:123456789012:function:step", "End": true}}}""";
    private static final String WEB = """
              - name: web
                namespace: app
                replicas: [{at: 0s, count: 1}]
                requests: {cpuMillis: 500, memoryMiB: 256}
            """;

    /** One execution of a one-Task machine whose task answers {@code answer} (or fails with it as the cause). */
    private static RunExecution execution(String answer, boolean fails) {
        return execution(answer, fails, RunTimeline.Machine.STANDARD_ACTUATION);
    }

    private static RunExecution execution(String answer, boolean fails, RunTimeline.Machine kind) {
        StateMachine machine = StateMachine.load("leaky", ONE_TASK, Map.of());
        LocalExecutor executor = new LocalExecutor((resource, input, context) -> {
            if (fails) {
                throw new TaskFailure("Kube.Unauthorized", answer);
            }
            return StepJson.MAPPER.createObjectNode().put("message", answer);
        }, new VirtualClock(Simulation.START));
        return new RunExecution(kind, executor.run(machine, "scale-up-1", StepJson.MAPPER.createObjectNode()),
                Duration.ZERO, 1, false);
    }

    private static List<String> check(List<RunExecution> executions, List<Notification> notifications) {
        return Invariants.secretsLeaked(executions, notifications, SECRETS).stream().map(Violation::toString).toList();
    }

    @Test
    void breaks_whenATaskOutputCarriesTheApiToken_namingTheEventAndField() {
        List<String> violations = check(List.of(execution("sent Bearer " + SECRETS.apiToken(), false)), List.of());

        // THEN each place that holds it is named: the task's result and the execution's output
        assertTrue(violations.contains("NO_SECRET_IN_EXECUTION_DATA: scale-up-1 output carries the ServiceAccount API token"),
                violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.matches(
                ".*scale-up-1 event \\d+ LambdaFunctionSucceeded \\(Step\\) output carries the ServiceAccount API token")),
                violations.toString());
    }

    @Test
    void aTextHeldByEveryLaterEvent_isNamedAtEachPlace_notOnlyWhereItWasFirstSearched() {
        // GIVEN a task whose result is the state's output and the execution's: one text in several places
        RunExecution run = execution("sent Bearer " + SECRETS.apiToken(), false);
        String result = run.execution().output().toString();
        long places = 1 + run.execution().history().stream()
                .mapToLong(event -> (result.equals(event.input()) ? 1 : 0) + (result.equals(event.output()) ? 1 : 0)).sum();

        // WHEN the run's histories are searched
        List<String> violations = check(List.of(run), List.of());

        // THEN every place that holds it counts: the first few named, the rest as "and N more"
        assertTrue(places > WorldWatch.KEPT_PER_INVARIANT, "the result should be in several places: " + places);
        long named = violations.stream().filter(v -> !v.endsWith(" more")).count();
        long more = violations.stream().filter(v -> v.endsWith(" more"))
                .mapToLong(v -> Long.parseLong(v.replaceAll(".* and (\\d+) more", "$1"))).sum();
        assertEquals(places, named + more, violations.toString());
    }

    @Test
    void aNoopTicksSecret_isStillReported_afterItsDataIsDropped() {
        // GIVEN a tick that started nothing, whose task result carries the API token
        RunExecution tick = execution("sent Bearer " + SECRETS.apiToken(), false, RunTimeline.Machine.EXPRESS_TICK);

        // WHEN the run retires it as it ends
        List<String> found = Simulation.retire(tick, SECRETS, null).stream().map(Violation::toString).toList();

        // THEN the find is returned for the run's invariants, and its events no longer hold the data the check read
        assertTrue(found.stream().anyMatch(v -> v.matches(
                ".*scale-up-1 event \\d+ LambdaFunctionSucceeded \\(Step\\) output carries the ServiceAccount API token")),
                found.toString());
        assertEquals(List.of(), check(List.of(tick), List.of()).stream().filter(v -> v.contains(" event ")).toList(),
                "the dropped events are no longer there to be checked at the end");
    }

    @Test
    void anActuation_isNotRetired_itsHistoryIsKeptWhole() {
        RunExecution actuation = execution("sent Bearer " + SECRETS.apiToken(), false);

        assertEquals(List.of(), Simulation.retire(actuation, SECRETS, null));
        assertTrue(check(List.of(actuation), List.of()).stream().anyMatch(v -> v.contains(" event ")),
                "still checked, in full, at the end of the run");
    }

    @Test
    void anActuationWrittenAsItEnds_isCheckedThen_andItsFileIsTheOneTheRunsEndWrites(@TempDir Path dir) throws Exception {
        // GIVEN the same actuation twice, its result carrying the API token
        RunExecution streamed = execution("sent Bearer " + SECRETS.apiToken(), false);
        RunExecution atTheEnd = execution("sent Bearer " + SECRETS.apiToken(), false);
        List<String> inFull = check(List.of(atTheEnd), List.of());

        // WHEN one is retired by a run that writes histories as they end, the other written after its run
        HistoryWriter writer = HistoryWriter.into(dir.resolve("streamed"));
        List<String> found = Simulation.retire(streamed, SECRETS, writer).stream().map(Violation::toString).toList();
        HistoryWriter.write(dir.resolve("end"), List.of(atTheEnd));

        // THEN the retirement reports what the end of the run would have, and both files are the same
        assertEquals(inFull, found);
        Path name = Path.of(HistoryWriter.DIRECTORY, "scale-up-1.json");
        assertEquals(Files.readString(dir.resolve("end").resolve(name)), Files.readString(dir.resolve("streamed").resolve(name)));
        // AND its data is gone from memory, while the run's end still lists it, written once
        assertEquals(List.of(), check(List.of(streamed), List.of()).stream().filter(v -> v.contains(" event ")).toList());
        assertEquals(List.of("scale-up-1"), writer.finish(List.of(streamed)).stream().map(HistoryWriter.Written::name).toList());
        assertEquals(Files.readString(dir.resolve("end").resolve(name)), Files.readString(dir.resolve("streamed").resolve(name)));
    }

    @Test
    void breaks_whenAnErrorCauseCarriesTheTokensPayloadOnly() {
        String payload = SECRETS.apiToken().split("\\.")[1];

        List<String> violations = check(List.of(execution("could not decode " + payload, true)), List.of());

        assertTrue(violations.contains("NO_SECRET_IN_EXECUTION_DATA: scale-up-1 cause carries the ServiceAccount API token's payload"),
                violations.toString());
    }

    @Test
    void breaks_whenANotificationCarriesTheJoinTokensSecret() {
        String secret = SECRETS.joinToken().substring(SECRETS.joinToken().indexOf("::server:") + 9);
        JsonNode message = StepJson.MAPPER.createObjectNode().put("Message", "worker joined with " + secret);

        List<String> violations = check(List.of(), List.of(new Notification(Duration.ofMinutes(3), "scale-up-1", message)));

        assertEquals(List.of("NO_SECRET_IN_EXECUTION_DATA: the notification scale-up-1 published at [00:03:00]"
                + " carries the K3s join token's secret"), violations);
    }

    @Test
    void breaks_whenAnotherClustersJoinTokenAppears() {
        String foreign = "K10" + "ab".repeat(32) + "::server:" + "cd".repeat(16);

        List<String> violations = check(List.of(execution(foreign, false)), List.of());

        assertTrue(violations.contains("NO_SECRET_IN_EXECUTION_DATA: scale-up-1 output carries something shaped like a K3s join token"),
                violations.toString());
    }

    @Test
    void breaks_whenALogLineCarriesTheTokensSignature_namingTheLine() {
        String signature = SECRETS.apiToken().split("\\.")[2];
        List<String> log = List.of("{\"level\":\"INFO\",\"message\":\"nothing to reconcile\"}",
                "{\"level\":\"DEBUG\",\"message\":\"request headers: Authorization=Bearer ..." + signature + "\"}");

        List<String> violations = Invariants.secretsInLog("lambda-logs.jsonl", log, SECRETS).stream()
                .map(Violation::toString).toList();

        assertEquals(List.of("NO_SECRET_IN_EXECUTION_DATA: lambda-logs.jsonl line 2 carries the ServiceAccount API token's signature"),
                violations);
        assertEquals(List.of(), Invariants.secretsInLog("lambda-logs.jsonl", log.subList(0, 1), SECRETS));
    }

    @Test
    void holds_whenNothingCarriesASecret() {
        assertEquals(List.of(), check(List.of(execution("launched i-0abc", false)),
                List.of(new Notification(Duration.ZERO, "scale-up-1", StepJson.MAPPER.createObjectNode().put("Message", "ok")))));
    }

    @Test
    void secrets_haveTheRealShapes_andFollowTheSeed() {
        assertTrue(SECRETS.joinToken().matches("K10[0-9a-f]{64}::server:[0-9a-f]{32}"), "join token shape");
        assertTrue(SECRETS.apiToken().matches("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{300,}"), "JWT shape");
        assertEquals(SECRETS, ClusterSecrets.forSeed(7));
        assertNotEquals(SECRETS.apiToken(), ClusterSecrets.forSeed(8).apiToken());
        assertNotEquals(SECRETS.joinToken(), ClusterSecrets.forSeed(8).joinToken());
        assertTrue(!SECRETS.toString().contains(SECRETS.apiToken()) && !SECRETS.toString().contains(SECRETS.joinToken()));
    }

    @Test
    void aRun_holdsTheInvariant_andBreaksItOnceItsOwnTokenIsPublished() {
        // GIVEN a short real run: the handlers authenticated with the run's own API token
        SimulationResult clean;
        try (Simulation simulation = new Simulation(TestScenarios.of("workers: 1", WEB).withDuration(Duration.ofMinutes(10)),
                PolicyName.DEFAULT)) {
            clean = simulation.run();
        }
        assertEquals(ClusterSecrets.forSeed(clean.scenario().seed()), clean.secrets());
        assertTrue(clean.executions().stream().allMatch(run -> run.execution().status() == Execution.Status.SUCCEEDED),
                "every tick read the K3s API with it");
        assertTrue(Invariants.check(clean).stream().noneMatch(v -> v.invariant() == Name.NO_SECRET_IN_EXECUTION_DATA
                        || v.invariant() == Name.NO_SECRET_IN_KUBERNETES_WRITES), Invariants.check(clean).toString());
        assertTrue(clean.visibility().events() > 0, "the real run wrote events the check read: " + clean.visibility());

        // WHEN the same run had also published a message holding that token
        List<Notification> notifications = new ArrayList<>(clean.notifications());
        notifications.add(new Notification(Duration.ofMinutes(5), "scale-up-leaky",
                StepJson.MAPPER.createObjectNode().put("Message", "Authorization: Bearer " + clean.secrets().apiToken())));
        SimulationResult leaky = new SimulationResult(clean.scenario(), clean.policy(), clean.timeline(), clean.executions(),
                notifications, clean.clusterInstances(), clean.ec2Instances(), clean.unrecognisedQueries(), clean.finalState(),
                clean.budgetViolations(), clean.faultsInjected(), clean.instantViolations(), clean.leaseLedger(), clean.secrets(),
                clean.capacityErrors(), clean.visibility());

        // THEN the invariant breaks, naming the notification
        assertTrue(Invariants.check(leaky).stream().map(Violation::toString).anyMatch(v -> v.equals(
                "NO_SECRET_IN_EXECUTION_DATA: the notification scale-up-leaky published at [00:05:00] carries the ServiceAccount API token")),
                Invariants.check(leaky).toString());
    }

    @Test
    void breaks_whenAKubernetesEventOrTheStatusCarriesASecret_andHoldsOnCleanWrites() {
        // GIVEN what a run wrote for kubectl users: one event note carries the API token
        VirtualKubeApi.ClusterVisibility leaky = new VirtualKubeApi.ClusterVisibility(Map.of("ScaleDown", 1), 1,
                "health: Healthy\n", List.of("cordoned for removal", "token " + SECRETS.apiToken(), "health: Healthy\n"));
        VirtualKubeApi.ClusterVisibility clean = new VirtualKubeApi.ClusterVisibility(Map.of("ScaleDown", 1), 1,
                "health: Healthy\n", List.of("cordoned for removal", "health: Healthy\n"));

        // WHEN / THEN the leak is named by its place; clean writes hold
        assertEquals(List.of("NO_SECRET_IN_KUBERNETES_WRITES: the Kubernetes event or status text #2 carries the"
                        + " ServiceAccount API token"),
                Invariants.secretsInCluster(leaky, SECRETS).stream().map(Violation::toString).toList());
        assertEquals(List.of(), Invariants.secretsInCluster(clean, SECRETS));
    }
}
