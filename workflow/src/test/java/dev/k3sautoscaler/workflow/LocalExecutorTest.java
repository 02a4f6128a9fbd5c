package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalExecutorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final String POLL_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:drain-node";

    private final VirtualClock clock = new VirtualClock(START);
    private final List<Instant> pollTimes = new ArrayList<>();

    private StateMachine loop() throws IOException {
        return StateMachine.load("loop", Files.readString(Path.of("src/test/resources/asl/loop.asl.json")),
                Map.of("PollArn", POLL_ARN));
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A drain stub: empty after {@code emptyAfter} polls; records when it was called. */
    private TaskInvoker drainStub(int emptyAfter) {
        return (resource, input, context) -> {
            pollTimes.add(context.now());
            ObjectNode out = JSON.createObjectNode();
            boolean empty = input.get("poll").asInt() >= emptyAfter;
            return out.put("empty", empty).put("reason", empty ? "node empty" : "2 pods left").put("ignored", 1);
        };
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "scale up", "tick\t1", "a<b", "a>b", "a{b", "a}b", "a[b", "a]b",
            "a?b", "a*b", "a\"b", "a#b", "a%b", "a\\b", "a^b", "a|b", "a~b", "a`b", "a$b", "a&b", "a,b", "a;b", "a:b", "a/b",
            "a\u0000b", "a\u001fb", "a\u007fb", "a\u009fb", "a\u00a0b", "a\ufffeb", "a\ud800b",
            "a12345678901234567890123456789012345678901234567890123456789012345678901234567890"})
    void aNameStepFunctionsRejects_failsTheStart_withInvalidName_namingIt(String name) throws IOException {
        // GIVEN / WHEN an execution named as StartExecution refuses (1-80 characters; no whitespace, brackets,
        // wildcards, special or control characters)
        LocalExecutor executor = new LocalExecutor(drainStub(0), clock);
        InvalidName e = assertThrows(InvalidName.class,
                () -> executor.start(loop(), name, json("{\"node\":\"w1\",\"attempts\":1,\"waitSeconds\":1}")));

        // THEN it is Step Functions' error, saying what is wrong with which name
        assertEquals("InvalidName", e.errorName());
        assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        assertTrue(pollTimes.isEmpty(), "nothing ran");
    }

    @Test
    void dropEventData_keepsTheEventsAndWhatKeepAccepts_andRefusesARunningExecution() throws IOException {
        // GIVEN a finished execution whose history carries each state's data
        LocalExecutor executor = new LocalExecutor(drainStub(1), clock);
        Execution done = executor.run(loop(), "done", json("{\"node\":\"w1\",\"attempts\":1,\"waitSeconds\":1}"));
        List<HistoryEvent> before = done.history();
        assertTrue(before.stream().anyMatch(event -> event.output() != null && event.type().equals("LambdaFunctionSucceeded")));

        // WHEN its data is dropped except the Lambda results
        done.dropEventData(event -> event.type().equals("LambdaFunctionSucceeded"));

        // THEN every event is still there, in order, with its type, state and time; only the kept ones hold data
        List<HistoryEvent> after = done.history();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            HistoryEvent was = before.get(i);
            HistoryEvent is = after.get(i);
            assertEquals(List.of(was.id(), was.type(), String.valueOf(was.stateName()), was.timestamp()),
                    List.of(is.id(), is.type(), String.valueOf(is.stateName()), is.timestamp()));
            if (was.type().equals("LambdaFunctionSucceeded")) {
                assertEquals(was, is);
            } else {
                assertNull(is.input());
                assertNull(is.output());
            }
        }
        assertEquals(done.statePath(), after.stream().filter(e -> e.type().endsWith("StateEntered"))
                .map(HistoryEvent::stateName).toList());

        // AND an execution still waiting keeps writing its history: dropping its data is refused
        Execution waiting = new LocalExecutor(drainStub(5), clock).start(loop(), "waiting",
                json("{\"node\":\"w1\",\"attempts\":3,\"waitSeconds\":60}"));
        assertTrue(!waiting.isDone(), "the loop waits between polls");
        assertThrows(IllegalStateException.class, () -> waiting.dropEventData(event -> false));
    }

    @Test
    void packEventData_keepsTheHistoryAsItWas_andRefusesARunningExecution() throws IOException {
        // GIVEN a finished execution, its history read once as written
        Execution done = new LocalExecutor(drainStub(1), clock).run(loop(), "packed",
                json("{\"node\":\"w1\",\"attempts\":1,\"waitSeconds\":1}"));
        List<HistoryEvent> written = done.history();

        assertTrue(!done.eventDataPacked(), "held as written until the run keeps it");

        // WHEN its data is packed, THEN it is held deflated, and the history reads the same, event for
        // event, and ends when it ended
        done.packEventData();
        assertTrue(done.eventDataPacked());
        assertEquals(written, done.history());
        assertEquals(written.getLast().timestamp(), done.lastEventTime().orElseThrow());

        // AND an execution still writing its history is not packed
        Execution waiting = new LocalExecutor(drainStub(5), clock).start(loop(), "still-waiting",
                json("{\"node\":\"w1\",\"attempts\":3,\"waitSeconds\":60}"));
        assertThrows(IllegalStateException.class, waiting::packEventData);
    }

    @Test
    void namesStepFunctionsAccepts_start() throws IOException {
        LocalExecutor executor = new LocalExecutor(drainStub(0), clock);
        for (String name : List.of("tick-20260105-000000", "event-spot-interruption-i-0123456789abcdef0-20260105-000000",
                "spot_interruption.i-0abc1234", "x", "ü-日本", "a".repeat(80))) {
            assertEquals(Execution.Status.SUCCEEDED, executor.run(loop(), name,
                    json("{\"node\":\"w1\",\"attempts\":1,\"waitSeconds\":1}")).status(), name);
        }
    }

    @Test
    void waitLoop_runsOnTheVirtualClock_untilTheTaskSaysDone() throws IOException {
        // GIVEN a node that is empty on the third poll
        LocalExecutor executor = new LocalExecutor(drainStub(2), clock);

        // WHEN
        Execution execution = executor.run(loop(), "scale-down-1", json("{\"node\":\"w1\",\"attempts\":1,\"waitSeconds\":30}"));

        // THEN it polled at 0 s, 30 s, 60 s and succeeded with the selected result only
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(json("{\"empty\":true,\"reason\":\"node empty\"}"), execution.output());
        assertEquals(List.of(START, START.plusSeconds(30), START.plusSeconds(60)), pollTimes);
        assertEquals(List.of("Prepare", "Poll", "IsEmpty?", "CountPoll", "WaitBeforePoll", "Poll", "IsEmpty?", "CountPoll",
                "WaitBeforePoll", "Poll", "IsEmpty?", "Done"), execution.statePath());
        assertEquals(12, execution.stateTransitions());
    }

    @Test
    void choiceWithAnd_endsInFail_withTheStatesErrorAndCause() throws IOException {
        Execution execution = new LocalExecutor(drainStub(99), clock)
                .run(loop(), "scale-down-2", json("{\"node\":\"w1\",\"attempts\":1,\"waitSeconds\":10}"));

        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("DrainTimedOut", execution.error());
        assertEquals("node still has pods", execution.cause());
        assertEquals(START.plusSeconds(30), clock.instant(), "three waits of 10 s");
    }

    @Test
    void retry_backsOffExactly_thenSucceeds() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        TaskInvoker flaky = (resource, input, context) -> {
            pollTimes.add(context.now());
            if (calls.incrementAndGet() <= 2) {
                throw new TaskFailure("Transient", "API 503");
            }
            return JSON.createObjectNode().put("empty", true).put("reason", "node empty");
        };

        Execution execution = new LocalExecutor(flaky, clock).run(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":5}"));

        // IntervalSeconds 2, BackoffRate 3: retries at +2 s and +2+6 s
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(List.of(START, START.plusSeconds(2), START.plusSeconds(8)), pollTimes);
        assertEquals(2, execution.history().stream().filter(e -> e.type().equals("LambdaFunctionFailed")).count());
    }

    @Test
    void exhaustedRetries_goToCatch_withErrorAndCauseAtResultPath() throws IOException {
        TaskInvoker broken = (resource, input, context) -> {
            throw new TaskFailure("Transient", "API 503");
        };

        Execution execution = new LocalExecutor(broken, clock).run(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":5}"));

        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(json("{\"error\":\"Transient\"}"), execution.output());
        assertEquals(List.of("Prepare", "Poll", "RecordFailure"), execution.statePath());
    }

    @Test
    void unhandledJavaException_isNamedByItsFullyQualifiedClass_likeTheLambdaRuntime() throws IOException {
        TaskInvoker crashing = (resource, input, context) -> {
            throw new IllegalStateException("boom");
        };

        Execution execution = new LocalExecutor(crashing, clock).run(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":5}"));

        assertEquals(json("{\"error\":\"java.lang.IllegalStateException\"}"), execution.output());
        HistoryEvent failed = execution.history().stream().filter(e -> e.type().equals("LambdaFunctionFailed")).findFirst().orElseThrow();
        assertEquals("java.lang.IllegalStateException", failed.error());
        assertTrue(failed.cause().contains("\"errorMessage\":\"boom\""), failed.cause());
        assertEquals(POLL_ARN, failed.resource());
    }

    @Test
    void contextObject_andFormat_reachTheTask() throws IOException {
        List<JsonNode> inputs = new ArrayList<>();
        TaskInvoker capture = (resource, input, context) -> {
            inputs.add(input);
            return JSON.createObjectNode().put("empty", true).put("reason", "ok");
        };

        Execution execution = new LocalExecutor(capture, clock).run(loop(), "spot-i-0abc", json("{\"node\":\"w9\",\"attempts\":4,\"waitSeconds\":1}"));

        assertEquals(json("{\"node\":\"w9\",\"poll\":0}"), inputs.getFirst());
        HistoryEvent prepared = execution.history().stream().filter(e -> e.type().equals("PassStateExited")).findFirst().orElseThrow();
        JsonNode job = json(prepared.output()).get("job");
        assertEquals("spot-i-0abc", job.get("execution").asText());
        assertEquals("drain-w9-4", job.get("label").asText());
    }

    @Test
    void missingPath_failsTheExecutionWithStatesRuntime_notCatchable() throws IOException {
        Execution execution = new LocalExecutor(drainStub(0), clock).run(loop(), "e", json("{\"attempts\":1}"));

        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("States.Runtime", execution.error());
        assertTrue(execution.cause().contains("$.node"), execution.cause());
    }

    @Test
    void aStateOutputPastTheQuota_failsTheExecutionWithDataLimitExceeded_thatStatesAllDoesNotCatch() {
        // GIVEN a task whose result, merged into the state, passes 256 KiB as UTF-8 (the arrow is 3 bytes, 1 char)
        String arrows = "→".repeat(Execution.MAX_PAYLOAD_BYTES / 3 + 1);
        TaskInvoker big = (resource, in, context) -> JSON.createObjectNode().put("reason", arrows);
        TaskInvoker small = (resource, in, context) -> JSON.createObjectNode().put("reason", "a".repeat(1000));

        // WHEN it runs behind a Catch of States.ALL
        Execution failed = new LocalExecutor(big, clock).run(mergesIntoTheInput(), "e", json("{}"));
        Execution fine = new LocalExecutor(small, clock).run(mergesIntoTheInput(), "f", json("{}"));

        // THEN the execution ends there, uncaught; below the quota nothing changes
        assertEquals(Execution.Status.FAILED, failed.status());
        assertEquals("States.DataLimitExceeded", failed.error());
        assertTrue(failed.cause().contains("'Validate'"), failed.cause());
        assertTrue(failed.history().stream().noneMatch(e -> "Caught".equals(e.stateName())), "States.ALL must not take it");
        assertEquals(Execution.Status.SUCCEEDED, fine.status());
    }

    /** A Task that merges its result into the input, and catches into it too (the actuation's ValidateInput, before). */
    private static StateMachine mergesIntoTheInput() {
        return StateMachine.load("merge", """
                {"StartAt": "Validate", "States": {
                  "Validate": {"Type": "Task", "Resource": "${PollArn}", "ResultPath": "$.validation",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Caught"}], "End": true},
                  "Caught": {"Type": "Pass", "End": true}
                }}""", Map.of("PollArn", POLL_ARN));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "input {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"[\"spot-interruption\"]", "\"scale\"", "7", "null", "false"})
    void resultPathIntoAnInputThatIsNoObject_failsTheExecution_asStepFunctionsDoes(String input) {
        // GIVEN a task whose result goes to $.validation, and an execution input that is not an object
        TaskInvoker answers = (resource, in, context) -> JSON.createObjectNode().put("valid", false);

        // WHEN
        Execution execution = new LocalExecutor(answers, clock).run(mergesIntoTheInput(), "e", json(input));

        // THEN it fails with States.ReferencePathConflict (no {} is made up in the input's place)
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("States.ReferencePathConflict", execution.error());
        assertTrue(execution.cause().contains("Unable to apply step \"validation\" to input " + json(input)), execution.cause());
        assertEquals(List.of("Validate"), execution.statePath());
    }

    @Test
    void catchResultPathIntoAnInputThatIsNoObject_isNotCaughtEither() {
        // GIVEN the same task failing, with a Catch that puts the error at $.failure of an array input
        TaskInvoker broken = (resource, in, context) -> {
            throw new TaskFailure("Lambda.Unknown", "crashed");
        };

        // WHEN
        Execution execution = new LocalExecutor(broken, clock).run(mergesIntoTheInput(), "e", json("[1]"));

        // THEN the catcher's ResultPath cannot be applied: the execution fails there
        assertEquals("States.ReferencePathConflict", execution.error());
        assertTrue(execution.cause().contains("Unable to apply step \"failure\""), execution.cause());
        assertEquals(List.of("Validate"), execution.statePath());
    }

    @Test
    void history_readsLikeGetExecutionHistory() throws IOException {
        Execution execution = new LocalExecutor(drainStub(0), clock).run(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":1}"));

        List<String> types = execution.history().stream().map(HistoryEvent::type).toList();
        assertEquals(List.of("ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered",
                "LambdaFunctionScheduled", "LambdaFunctionSucceeded", "TaskStateExited", "ChoiceStateEntered",
                "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"), types);
        assertEquals(1, execution.history().getFirst().id());
        assertNull(execution.history().getFirst().stateName());
    }

    @Test
    void waitingExecution_reportsWhenItWantsToRun_andDoesNotRunEarly() throws IOException {
        LocalExecutor executor = new LocalExecutor(drainStub(1), clock);
        Execution execution = executor.start(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":45}"));

        assertEquals(Execution.Status.WAITING, execution.status());
        assertEquals(START.plusSeconds(45), execution.waitingUntil());
        clock.advance(Duration.ofSeconds(44));
        assertEquals(Execution.Status.WAITING, execution.advance());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Execution.Status.SUCCEEDED, execution.advance());
    }

    /** A Poll whose first call hangs for {@code hang} and then answers through {@code outcome}; later calls answer "empty". */
    private TaskInvoker hangingFirstCall(Duration hang, TaskInvoker.DeferredWork outcome, List<Instant> workTimes) {
        AtomicInteger calls = new AtomicInteger();
        return new TaskInvoker() {
            @Override
            public JsonNode invoke(String resource, JsonNode input, TaskContext context) {
                pollTimes.add(context.now());
                return JSON.createObjectNode().put("empty", true).put("reason", "node empty");
            }

            @Override
            public Started start(String resource, JsonNode input, TaskContext context) throws TaskFailure {
                if (calls.incrementAndGet() > 1) {
                    return TaskInvoker.super.start(resource, input, context);
                }
                return new Started.Later(context.now().plus(hang), () -> {
                    workTimes.add(clock.instant());
                    return outcome.complete();
                });
            }
        };
    }

    @Test
    void deferredTask_waitsUntilItsInstant_whileAnotherExecutionRuns_thenItsResultLeavesTheState() throws IOException {
        // GIVEN a Poll that completes 90 s after it starts
        List<Instant> workTimes = new ArrayList<>();
        LocalExecutor executor = new LocalExecutor(hangingFirstCall(Duration.ofSeconds(90),
                () -> JSON.createObjectNode().put("empty", true).put("reason", "late"), workTimes), clock);

        // WHEN it starts, and a second execution starts 10 s later
        Execution slow = executor.start(loop(), "slow", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":5}"));
        clock.advance(Duration.ofSeconds(10));
        Execution other = executor.start(loop(), "other", json("{\"node\":\"w2\",\"attempts\":0,\"waitSeconds\":5}"));

        // THEN the first waits for its task, the second runs to the end meanwhile
        assertEquals(Execution.Status.WAITING, slow.status());
        assertEquals(START.plusSeconds(90), slow.waitingUntil());
        assertEquals(Execution.Status.SUCCEEDED, other.status());
        clock.advance(Duration.ofSeconds(79));
        assertEquals(Execution.Status.WAITING, slow.advance());
        assertTrue(workTimes.isEmpty(), "the deferred work must not run early");

        // WHEN the clock reaches the task's instant
        clock.advance(Duration.ofSeconds(1));

        // THEN the work runs then, and its result is the task's
        assertEquals(Execution.Status.SUCCEEDED, slow.advance());
        assertEquals(List.of(START.plusSeconds(90)), workTimes);
        assertEquals(json("{\"empty\":true,\"reason\":\"late\"}"), slow.output());
        HistoryEvent succeeded = slow.history().stream().filter(e -> e.type().equals("LambdaFunctionSucceeded")).findFirst().orElseThrow();
        assertEquals(START.plusSeconds(90), succeeded.timestamp());
    }

    @Test
    void deferredTaskFailure_isRetried_likeAnImmediateOne() throws IOException {
        // GIVEN a Poll that fails "Transient" 30 s after it starts (the Retry: 2 s, then 6 s)
        List<Instant> workTimes = new ArrayList<>();
        LocalExecutor executor = new LocalExecutor(hangingFirstCall(Duration.ofSeconds(30), () -> {
            throw new TaskFailure("Transient", "timed out");
        }, workTimes), clock);

        // WHEN
        Execution execution = executor.run(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":5}"));

        // THEN the failure is recorded at 30 s and the retry runs 2 s later, then succeeds
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        HistoryEvent failed = execution.history().stream().filter(e -> e.type().equals("LambdaFunctionFailed")).findFirst().orElseThrow();
        assertEquals("Transient", failed.error());
        assertEquals(START.plusSeconds(30), failed.timestamp());
        assertEquals(List.of(START.plusSeconds(32)), pollTimes);
    }

    @Test
    void deferredTaskUnhandledException_goesToCatch_namedByItsClass() throws IOException {
        // GIVEN a Poll whose deferred work throws an unhandled exception (no Retry matches it)
        LocalExecutor executor = new LocalExecutor(hangingFirstCall(Duration.ofSeconds(30), () -> {
            throw new IllegalStateException("lease lost");
        }, new ArrayList<>()), clock);

        // WHEN
        Execution execution = executor.run(loop(), "e", json("{\"node\":\"w\",\"attempts\":0,\"waitSeconds\":5}"));

        // THEN the Catch got it at the task's instant
        assertEquals(json("{\"error\":\"java.lang.IllegalStateException\"}"), execution.output());
        assertEquals(START.plusSeconds(30), clock.instant());
        assertTrue(pollTimes.isEmpty(), "no retry for an error no retrier names");
    }

    @Test
    void unsupportedDefinitions_failAtLoad_listingEveryProblem() {
        String definition = """
                {"StartAt": "A", "Extra": 1, "States": {
                  "A": {"Type": "Parallel", "Next": "B"},
                  "B": {"Type": "Task", "Resource": "${Missing}", "Next": "Nowhere", "Credentials": {}},
                  "C": {"Type": "Pass", "Parameters": {"x.$": "States.Base64Encode($.a)"}, "End": true},
                  "D": {"Type": "Choice", "Choices": [{"Variable": "$.a", "StringSounds": "x", "Next": "C"}]},
                  "E": {"Type": "Wait", "Next": "C"}
                }}""";

        UnsupportedDefinition error = assertThrows(UnsupportedDefinition.class,
                () -> StateMachine.load("bad", definition, Map.of()));

        List<String> problems = error.problems();
        assertTrue(problems.contains("no substitution for ${Missing}"), problems.toString());
        assertTrue(problems.contains("top-level field Extra is not supported"), problems.toString());
        assertTrue(problems.contains("state 'A': type Parallel is not supported"), problems.toString());
        assertTrue(problems.contains("state 'B': field Credentials is not supported on a Task state"), problems.toString());
        assertTrue(problems.contains("state 'B'.Next → 'Nowhere' is not a state"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("States.Base64Encode is not supported")), problems.toString());
        assertTrue(problems.contains("state 'D'.Choices[0]: operator StringSounds is not supported"), problems.toString());
        assertTrue(problems.contains("state 'E': a Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath"),
                problems.toString());
    }
}
