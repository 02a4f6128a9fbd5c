package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.control.ExecutionInputRules;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.state.Lease;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi;
import dev.k3sautoscaler.workflow.Execution;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An operator's controls (docs/operations-manual-controls.md) through the real actuation machine,
 * every handler, DynamoDB Local, the EC2 fake and the mock K3s API: what each does, that a bad
 * input changes nothing, and the notices published on the way.
 */
class ManualControlsIT {
    private final AutoscalerRig rig = new AutoscalerRig();

    @AfterEach
    void close() {
        rig.close();
    }

    private List<String> runningWorkers(int count) {
        return IntStream.range(0, count).mapToObj(i -> rig.runningWorker()).toList();
    }

    @Test
    void forceScaleUp_launchesTheCount_andWaitsForTheJoin() {
        // GIVEN 2 workers and a calm cluster: the policy would do nothing
        runningWorkers(2);

        // WHEN alice forces +2
        Execution execution = rig.actuate("force-up-1",
                "{\"trigger\":\"force-scale-up\",\"count\":2,\"requestedBy\":\"alice\",\"reason\":\"load test INC-7\"}");

        // THEN 2 workers were launched and joined, under the lock, and the output is a ticket-ready summary
        Checks.succeeded(execution);
        assertEquals(4, rig.aliveInstances().size());
        EventRecord joined = Checks.event(rig.events(), OutcomeAction.JOIN_CHECK);
        assertEquals(2, joined.count());
        JsonNode output = execution.output();
        assertEquals("force-scale-up +2 requested by alice: load test INC-7", output.path("asked").asText());
        assertEquals("scale-up +2: force-scale-up +2 requested by alice: load test INC-7; 2 → 4 workers;"
                + " adds $0.0416/hour (≈ $30.37/month)",
                output.path("decision").asText());
        assertTrue(output.path("lock").asText().startsWith("lock released"), output.toString());
        String summary = output.path("summary").asText();
        assertTrue(summary.startsWith("Added 2 workers → 4 workers (force-scale-up +2 requested by alice: load test INC-7;"
                + " 2 → 4 workers; adds $0.0416/hour (≈ $30.37/month)) — 1 min "), summary);
        assertEquals(List.of(summary), rig.publishedTexts());
        JsonNode attributes = rig.published.getFirst().path("MessageAttributes");
        assertEquals("scale-up", attributes.path("event").path("StringValue").asText());
        assertEquals("alice", attributes.path("requestedBy").path("StringValue").asText());
        assertEquals("4", attributes.path("workersAfter").path("StringValue").asText());
        assertEquals(AutoscalerRig.TOPIC_ARN, rig.published.getFirst().path("TopicArn").asText());
        Checks.lockReleased(rig);
    }

    @Test
    void forceScaleUp_isCappedByMaxWorkers() {
        // GIVEN 5 workers of MAX_WORKERS=6
        runningWorkers(5);

        // WHEN alice forces +4
        Execution execution = rig.actuate("force-up-2", "{\"trigger\":\"force-scale-up\",\"count\":4,\"requestedBy\":\"alice\"}");

        // THEN one worker: never above the bound; the notice says the cluster is at its ceiling
        Checks.succeeded(execution);
        assertEquals(6, rig.aliveInstances().size());
        assertEquals("at-max-capacity", rig.published.getFirst().path("MessageAttributes").path("event").path("StringValue").asText());
    }

    @Test
    void forceScaleDown_removesThatNode_andNoOther() {
        // GIVEN 3 workers
        List<String> instances = runningWorkers(3);
        String chosen = instances.get(1);

        // WHEN bob removes the second one by its Node name
        Execution execution = rig.actuate("force-down-1", "{\"trigger\":\"force-scale-down\",\"nodeName\":\""
                + AutoscalerRig.nodeName(chosen) + "\",\"requestedBy\":\"bob\",\"reason\":\"bad disk\"}");

        // THEN that instance is terminated and its Node deleted; the others are untouched
        Checks.succeeded(execution);
        assertNull(rig.nodeOf(chosen));
        assertEquals(instances.stream().filter(id -> !id.equals(chosen)).toList(),
                rig.aliveInstances().stream().map(FakeInstance::instanceId).toList());
        assertEquals(List.of(chosen), Checks.event(rig.events(), OutcomeAction.SCALE_DOWN).instanceIds());
        assertTrue(rig.publishedTexts().getFirst().startsWith("Removed 1 worker (" + chosen + ") → 2 workers"),
                rig.publishedTexts().toString());
        Checks.lockReleased(rig);
    }

    @Test
    void forceScaleDown_ofANodeThatIsNotAManagedWorker_changesNothing() {
        // GIVEN 3 workers
        runningWorkers(3);

        // WHEN bob names a node the autoscaler does not manage (the master, a typo)
        Execution execution = rig.actuate("force-down-2",
                "{\"trigger\":\"force-scale-down\",\"nodeName\":\"k3s-master\",\"requestedBy\":\"bob\"}");

        // THEN nothing is terminated, and the refusal is recorded and published with the reason
        Checks.succeeded(execution);
        assertEquals(3, rig.aliveInstances().size());
        assertEquals(3, rig.admin.nodes().list().getItems().size());
        assertTrue(rig.events().stream().noneMatch(e -> e.action() == OutcomeAction.SCALE_DOWN));
        assertTrue(rig.publishedTexts().getFirst().startsWith("force-scale-down of k3s-master requested by bob not done: "),
                rig.publishedTexts().toString());
        Checks.lockReleased(rig);
    }

    @Test
    void forceScaleDown_refusesToGoBelowMinWorkers() {
        // GIVEN exactly MIN_WORKERS=1 worker
        String only = runningWorkers(1).getFirst();

        // WHEN bob removes it
        Execution execution = rig.actuate("force-down-3", "{\"trigger\":\"force-scale-down\",\"nodeName\":\""
                + AutoscalerRig.nodeName(only) + "\",\"requestedBy\":\"bob\"}");

        // THEN it stays
        Checks.succeeded(execution);
        assertEquals(1, rig.aliveInstances().size());
        assertTrue(execution.output().path("summary").asText().contains("would go below MIN_WORKERS=1"),
                execution.output().toString());
    }

    @Test
    void pause_isHonouredByEveryTick_untilResume() {
        // GIVEN 2 workers and a pod nobody can schedule
        runningWorkers(2);
        rig.unschedulable = List.of(new FakePrometheusApi.PendingPod("shop", "web-x", 0.5, 256L * 1024 * 1024));

        // WHEN alice pauses during an incident
        Execution pause = rig.actuate("pause-1", "{\"trigger\":\"pause\",\"requestedBy\":\"alice\",\"reason\":\"INC-123\"}");

        // THEN the pause is in the state item and the event log, without the lock, and the tick does nothing
        Checks.succeeded(pause);
        assertFalse(pause.statePath().contains("AcquireLock"), "a pause never waits for the lock");
        assertTrue(rig.state().state().paused());
        EventRecord paused = Checks.event(rig.events(), OutcomeAction.PAUSE);
        assertEquals("pause requested by alice: INC-123", paused.reason());
        Execution tick = rig.runTick("tick-paused");
        Checks.succeeded(tick);
        assertEquals("no action", tick.output().path("outcome").asText(), tick.output().toString());
        assertEquals("no action: autoscaling is paused (pause requested by alice: INC-123)",
                tick.output().path("reason").asText());
        assertTrue(rig.started.isEmpty(), "no actuation while paused");
        assertEquals("Autoscaling paused by alice: INC-123; every tick does nothing until resume",
                rig.publishedTexts().getFirst());

        // WHEN she resumes
        Execution resume = rig.actuate("resume-1", "{\"trigger\":\"resume\",\"requestedBy\":\"alice\"}");

        // THEN the next tick scales for the pending pod again
        Checks.succeeded(resume);
        assertFalse(rig.state().state().paused());
        assertEquals("resume requested by alice", Checks.event(rig.events(), OutcomeAction.RESUME).reason());
        Execution next = rig.runTick("tick-resumed");
        assertEquals("actuation started", next.output().path("outcome").asText(), next.output().toString());
    }

    @Test
    void breakLock_removesAStuckLease_andRecordsWhoAndTheHolder() {
        // GIVEN a lease held by an actuation that crashed (its lease would live LOCK_TTL_SEC more)
        Lease stuck = rig.lock.acquire("scale-up-20261123-0958").lease();

        // WHEN alice breaks it
        Execution execution = rig.actuate("break-1",
                "{\"trigger\":\"break-lock\",\"requestedBy\":\"alice\",\"reason\":\"actuation crashed\"}");

        // THEN the lock is free now, the event log names her, the holder and its token
        Checks.succeeded(execution);
        Checks.lockReleased(rig);
        EventRecord broken = Checks.event(rig.events(), OutcomeAction.LOCK_BROKEN);
        assertTrue(broken.reason().startsWith("lease of scale-up-20261123-0958 (token " + stuck.fencingToken() + ", until "),
                broken.reason());
        assertTrue(broken.reason().endsWith("; by alice: actuation crashed"), broken.reason());
        assertEquals("lock-broken", rig.published.getFirst().path("MessageAttributes").path("event").path("StringValue").asText());

        // AND the old holder can no longer release or record; a new actuation acquires at once
        assertFalse(rig.lock.release(stuck).released());
        runningWorkers(2);
        Checks.succeeded(rig.actuate("after-break", "{\"trigger\":\"scale\"}"));
    }

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                Arguments.of("{\"trigger\":\"scale-everything\"}",
                        "trigger \"scale-everything\" is not one of scale, spot-interruption, rebalance, force-scale-up, "
                                + "force-scale-down, pause, resume, break-lock"),
                Arguments.of("{\"trigger\":\"spot-interruption\"}", "instanceId is required"),
                Arguments.of("{\"trigger\":\"force-scale-up\",\"count\":3}", "requestedBy is required"),
                Arguments.of("{\"trigger\":\"force-scale-up\",\"count\":50,\"requestedBy\":\"alice\"}",
                        "count 50 is outside 1..6 (MAX_WORKERS=6)"),
                Arguments.of("{\"trigger\":\"force-scale-down\",\"requestedBy\":\"bob\"}", "nodeName is required"),
                Arguments.of("{\"trigger\":\"pause\",\"requestedBy\":\"alice\"}", "reason is required"),
                Arguments.of("{\"trigger\":\"break-lock\",\"requestedBy\":\"alice\",\"reson\":\"typo\"}",
                        "unknown field \"reson\" for trigger break-lock"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidInputs")
    void invalidInput_failsWithInvalidExecutionInput_andChangesNothing(String input, String problem) {
        // GIVEN 2 workers
        runningWorkers(2);
        long tokenBefore = rig.state().fencingToken();

        // WHEN an execution starts with a bad input
        Execution execution = rig.actuate("bad-input", input);

        // THEN it fails with the named error, the cause lists the problem, and nothing was touched
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("InvalidExecutionInput", execution.error());
        assertTrue(execution.cause().startsWith("invalid execution input: "), execution.cause());
        assertTrue(execution.cause().contains(problem), execution.cause());
        assertEquals(List.of("InputHasTrigger?", "ValidateInput", "InputValid?", "RejectInput"), execution.statePath());
        assertChangedNothing(tokenBefore);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[\"spot-interruption\", \"i-0abc1234def567890\"]", "\"scale\"", "42", "null", "true", "{}",
            "{\"instanceId\": \"i-0abc1234def567890\"}"})
    void inputThatIsNoObjectWithATrigger_failsWithInvalidExecutionInput_inTheRulesOwnWords(String input) {
        // GIVEN 2 workers
        runningWorkers(2);
        long tokenBefore = rig.state().fencingToken();

        // WHEN an execution starts with an array, a scalar, null or an object without a trigger
        Execution execution = rig.actuate("no-object", input);

        // THEN it fails with the named error before ValidateInput, with the words the input rules use for it
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("InvalidExecutionInput", execution.error());
        assertEquals(ExecutionInputRules.validate(List.of(), Integer.parseInt(rig.environment.get("MAX_WORKERS"))).reason(), execution.cause());
        assertEquals(List.of("InputHasTrigger?", "RejectInputWithoutTrigger"), execution.statePath());
        assertChangedNothing(tokenBefore);
    }

    private void assertChangedNothing(long tokenBefore) {
        assertEquals(tokenBefore, rig.state().fencingToken(), "no lock taken");
        assertEquals(2, rig.aliveInstances().size());
        assertEquals(List.of(), rig.events());
        assertEquals(List.of(), rig.published);
        assertEquals(0, rig.invocations("acquire-lock") + rig.invocations("launch-workers") + rig.invocations("record-outcome"));
    }

    @Test
    void failedPublish_neverFailsTheActuation_norKeepsTheLock() {
        // GIVEN 2 workers and a topic that refuses every publish
        runningWorkers(2);
        rig.sns.failWith("SNS.AuthorizationErrorException");

        // WHEN alice forces +1
        Execution execution = rig.actuate("force-up-3", "{\"trigger\":\"force-scale-up\",\"count\":1,\"requestedBy\":\"alice\"}");

        // THEN the worker joined, the execution succeeded and the lock is free; the failure is in the state data
        Checks.succeeded(execution);
        assertEquals(3, rig.aliveInstances().size());
        assertTrue(execution.statePath().contains("PublishNotification"));
        Checks.lockReleased(rig);
        assertNotNull(execution.output().path("summary").asText(null));
    }

    @Test
    void spotDrain_andFailures_arePublished() {
        // GIVEN 2 workers, one about to be reclaimed
        List<String> instances = runningWorkers(2);

        // WHEN the interruption warning arrives
        Checks.succeeded(rig.actuate("spot-n", "{\"trigger\":\"spot-interruption\",\"instanceId\":\"" + instances.getFirst() + "\"}"));

        // THEN its drain is published as a spot-drain notice
        assertTrue(rig.publishedTexts().getFirst().startsWith("Spot interruption on " + instances.getFirst()),
                rig.publishedTexts().toString());
        assertEquals(Map.of("event", "spot-drain", "trigger", "spot-interruption"), Map.of(
                "event", rig.published.getFirst().path("MessageAttributes").path("event").path("StringValue").asText(),
                "trigger", rig.published.getFirst().path("MessageAttributes").path("trigger").path("StringValue").asText()));
    }

    @Test
    void failure_isRecordedReleasedAndPublished_andTheExecutionStillFailsWithTheFirstError() {
        // GIVEN 2 workers and EC2 out of capacity for every offering
        runningWorkers(2);
        rig.capacityEverywhere(0);

        // WHEN alice forces +1
        Execution execution = rig.actuate("force-up-4", "{\"trigger\":\"force-scale-up\",\"count\":1,\"requestedBy\":\"alice\"}");

        // THEN FAILED with the launch's error, the lock free, and a failure notice naming the error
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("dev.k3sautoscaler.errors.InsufficientCapacity", execution.error());
        Checks.lockReleased(rig);
        assertEquals("failure", rig.published.getFirst().path("MessageAttributes").path("event").path("StringValue").asText());
        assertTrue(rig.publishedTexts().getFirst().startsWith("Scaling failed (scale-up) with InsufficientCapacity: "
                + "launched none of 1 workers: every offering failed; no capacity: "), rig.publishedTexts().toString());
    }

    @Test
    void joinTimeout_isPublished_asAnIncompleteScaleUp() {
        // GIVEN 2 workers and instances that never join
        runningWorkers(2);
        rig.bootAndJoin = null;

        // WHEN alice forces +1, and a tick runs after JOIN_TIMEOUT
        Execution execution = rig.actuate("force-up-5", "{\"trigger\":\"force-scale-up\",\"count\":1,\"requestedBy\":\"alice\"}");
        rig.runTick("tick-after-timeout");

        // THEN the notice says the worker is not Ready and the reconcile terminates it; the tick did, and said so
        Checks.succeeded(execution);
        assertEquals(2, rig.aliveInstances().size());
        assertEquals("join-timeout", rig.published.getFirst().path("MessageAttributes").path("event").path("StringValue").asText());
        assertTrue(rig.publishedTexts().getFirst().startsWith("Scale-up incomplete: 1 worker not Ready by JOIN_TIMEOUT_SEC"),
                rig.publishedTexts().toString());
    }
}
