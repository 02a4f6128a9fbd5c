package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Map state (inline mode) on real executions, a virtual clock and a scripted task. */
class LocalExecutorMapTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final String WORK_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:work";
    /** Each item waits its own {@code seconds}, then the task works on it. */
    private static final String WAIT_THEN_WORK = """
            {"StartAt": "Pause", "States": {
              "Pause": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Work"},
              "Work": {"Type": "Task", "Resource": "${WorkArn}", "End": true}
            }}""";

    private final VirtualClock clock = new VirtualClock(START);
    /** What the task was given, and when, in call order. */
    private final List<JsonNode> taskInputs = new ArrayList<>();
    private final List<Instant> taskTimes = new ArrayList<>();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static StateMachine machine(String definition) {
        return StateMachine.load("map", definition, Map.of("WorkArn", WORK_ARN));
    }

    /** A machine whose only state is {@code Each}, a Map with these extra fields over {@code processor}. */
    private static StateMachine mapOf(String fields, String processor) {
        return machine("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", %s "ItemProcessor": %s, "End": true}
                }}""".formatted(fields.isEmpty() ? "" : fields + ",", processor));
    }

    /** A task that answers {"done": <its input's name>} and records its input and the time. */
    private TaskInvoker work() {
        return (resource, input, context) -> {
            taskInputs.add(input);
            taskTimes.add(context.now());
            return JSON.createObjectNode().put("done", input.path("name").asText());
        };
    }

    private List<String> types(Execution execution) {
        return execution.history().stream().map(HistoryEvent::type).toList();
    }

    @Test
    void results_areInItemOrder_notInTheOrderTheIterationsEnd() {
        // GIVEN a task that takes longer for earlier items (it completes 30 s, 20 s, 10 s after it starts)
        TaskInvoker slowFirst = new TaskInvoker() {
            @Override
            public JsonNode invoke(String resource, JsonNode input, TaskContext context) {
                throw new AssertionError("deferred only");
            }

            @Override
            public Started start(String resource, JsonNode input, TaskContext context) {
                Instant at = context.now().plusSeconds(input.get("takes").asLong());
                return new Started.Later(at, () -> {
                    taskTimes.add(clock.instant());
                    return JSON.createObjectNode().put("name", input.get("name").asText());
                });
            }
        };
        StateMachine machine = mapOf("\"ItemsPath\": \"$.nodes\", \"ResultPath\": \"$.drained\"", """
                {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "${WorkArn}", "OutputPath": "$.name", "End": true}}}""");

        // WHEN
        Execution execution = new LocalExecutor(slowFirst, clock).run(machine, "e", json("""
                {"cluster": "c1", "nodes": [{"name": "w1", "takes": 30}, {"name": "w2", "takes": 20}, {"name": "w3", "takes": 10}]}"""));

        // THEN the last item ended first, yet the results follow the items; ResultPath kept the input
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(List.of(START.plusSeconds(10), START.plusSeconds(20), START.plusSeconds(30)), taskTimes);
        assertEquals(json("[\"w1\", \"w2\", \"w3\"]"), execution.output().get("drained"));
        assertEquals("c1", execution.output().get("cluster").asText());
    }

    @Test
    void itemSelector_seesTheItemsValueAndIndex_andTheMapsInput() {
        // GIVEN an ItemSelector mixing a static value, the Map's input and the context object's item
        StateMachine machine = mapOf("""
                "ItemsPath": "$.nodes",
                "ItemSelector": {"name.$": "$$.Map.Item.Value", "position.$": "$$.Map.Item.Index",
                  "cluster.$": "$.cluster", "kind": "worker", "state.$": "$$.State.Name"}""", """
                {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "${WorkArn}", "End": true}}}""");

        // WHEN
        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json("{\"cluster\": \"c1\", \"nodes\": [\"w1\", \"w2\"]}"));

        // THEN each iteration got its own input, built per item
        assertEquals(List.of(
                json("{\"name\": \"w1\", \"position\": 0, \"cluster\": \"c1\", \"kind\": \"worker\", \"state\": \"Each\"}"),
                json("{\"name\": \"w2\", \"position\": 1, \"cluster\": \"c1\", \"kind\": \"worker\", \"state\": \"Each\"}")), taskInputs);
        assertEquals(json("[{\"done\": \"w1\"}, {\"done\": \"w2\"}]"), execution.output());
    }

    @Test
    void legacyIteratorAndParameters_runLikeItemProcessorAndItemSelector() {
        StateMachine machine = machine("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "Parameters": {"name.$": "$$.Map.Item.Value"},
                    "Iterator": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "${WorkArn}", "End": true}}},
                    "End": true}
                }}""");

        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json("[\"a\", \"b\"]"));

        assertEquals(json("[{\"done\": \"a\"}, {\"done\": \"b\"}]"), execution.output());
    }

    @ParameterizedTest(name = "MaxConcurrency {0} → {1} s")
    @CsvSource({"0, 30", "1, 65", "2, 35", "4, 30"})
    void iterationsWait_sideBySide_upToMaxConcurrency(int maxConcurrency, long expectedSeconds) {
        // GIVEN four items that wait 30, 10, 20 and 5 s before their task
        StateMachine machine = mapOf("\"MaxConcurrency\": " + maxConcurrency, WAIT_THEN_WORK);

        // WHEN
        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json("""
                [{"name": "a", "seconds": 30}, {"name": "b", "seconds": 10}, {"name": "c", "seconds": 20}, {"name": "d", "seconds": 5}]"""));

        // THEN unlimited takes the longest wait, one at a time the sum, two at a time 35 s
        // (a and b start; b ends at 10 s and c takes its slot until 30 s; a ends at 30 s and d runs until 35 s)
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(START.plusSeconds(expectedSeconds), clock.instant());
        assertEquals(json("[{\"done\": \"a\"}, {\"done\": \"b\"}, {\"done\": \"c\"}, {\"done\": \"d\"}]"), execution.output());
    }

    @ParameterizedTest(name = "MaxConcurrency {0}")
    @ValueSource(ints = {0, 100})
    void noMoreThanFortyIterations_runAtOnce(int maxConcurrency) {
        // GIVEN 41 items that each wait 10 s
        StateMachine machine = mapOf("\"MaxConcurrency\": " + maxConcurrency, WAIT_THEN_WORK);
        ArrayNode items = JSON.createArrayNode();
        for (int i = 0; i < 41; i++) {
            items.addObject().put("name", "i" + i).put("seconds", 10);
        }

        // WHEN
        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", items);

        // THEN forty ran together and the last one after them
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(Execution.INLINE_MAP_CONCURRENCY, taskTimes.stream().filter(START.plusSeconds(10)::equals).count());
        assertEquals(START.plusSeconds(20), taskTimes.getLast());
        assertEquals(START.plusSeconds(20), clock.instant());
        assertEquals(41, execution.output().size());
    }

    @Test
    void aWaitingMap_reportsTheEarliestWakeUpOfItsIterations_andInterleavesWithAnotherExecution() {
        // GIVEN a Map whose iterations wait 30, 10, 20 and 5 s, and beside it an execution that waits 15 s
        LocalExecutor executor = new LocalExecutor(work(), clock);
        Execution map = executor.start(mapOf("", WAIT_THEN_WORK), "map", json("""
                [{"name": "a", "seconds": 30}, {"name": "b", "seconds": 10}, {"name": "c", "seconds": 20}, {"name": "d", "seconds": 5}]"""));
        Execution other = executor.start(machine(WAIT_THEN_WORK), "other", json("{\"name\": \"other\", \"seconds\": 15}"));
        assertEquals(START.plusSeconds(5), map.waitingUntil());

        // WHEN the clock moves only to the earliest wake-up either reports, as the simulator does
        List<Instant> wakeUps = new ArrayList<>();
        List<Execution> both = List.of(map, other);
        while (!map.isDone() || !other.isDone()) {
            Instant next = both.stream().map(Execution::waitingUntil).filter(java.util.Objects::nonNull)
                    .min(Instant::compareTo).orElseThrow();
            wakeUps.add(next);
            clock.advanceTo(next.minusMillis(1));
            both.stream().filter(e -> !e.isDone())
                    .forEach(e -> assertEquals(Execution.Status.WAITING, e.advance(), "nothing is due a millisecond early"));
            clock.advanceTo(next);
            both.forEach(Execution::advance);
        }

        // THEN the Map woke at each of its iterations' ends, the other execution in between, and each task ran then
        assertEquals(List.of(START.plusSeconds(5), START.plusSeconds(10), START.plusSeconds(15), START.plusSeconds(20),
                START.plusSeconds(30)), wakeUps);
        assertEquals(wakeUps, taskTimes);
        assertEquals(List.of("d", "b", "other", "c", "a"), taskInputs.stream().map(input -> input.get("name").asText()).toList());
        assertEquals(Execution.Status.SUCCEEDED, map.status());
        assertEquals(Execution.Status.SUCCEEDED, other.status());
    }

    /** Items wait their {@code seconds}, then fail with their {@code error} (if they have one) or succeed. */
    private TaskInvoker failingWhereTold() {
        return (resource, input, context) -> {
            taskInputs.add(input);
            taskTimes.add(context.now());
            if (input.has("error")) {
                throw new TaskFailure(input.get("error").asText(), "item " + input.get("name").asText() + " failed");
            }
            return JSON.createObjectNode().put("done", input.get("name").asText());
        };
    }

    @Test
    void aFailingIteration_failsTheMap_withTheFirstFailureInTime_stopsTheOthers_andTheMapsCatchTakesIt() {
        // GIVEN items failing at 20 s ("Late") and at 10 s ("Early"), one that would work at 60 s, and a Catch on the Map
        StateMachine machine = machine("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": %s,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Recover"}], "Next": "Done"},
                  "Recover": {"Type": "Pass", "End": true},
                  "Done": {"Type": "Succeed"}
                }}""".formatted(WAIT_THEN_WORK));

        // WHEN
        Execution execution = new LocalExecutor(failingWhereTold(), clock).run(machine, "e", json("""
                {"items": [{"name": "a", "seconds": 20, "error": "Late"}, {"name": "b", "seconds": 10, "error": "Early"},
                           {"name": "c", "seconds": 60}]}"""));

        // THEN the Map failed at 10 s with b's error, which the Catch put at $.failure; a and c never reached their task
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(json("{\"Error\": \"Early\", \"Cause\": \"item b failed\"}"), execution.output().get("failure"));
        assertEquals(List.of(START.plusSeconds(10)), taskTimes);
        assertEquals(START.plusSeconds(10), clock.instant());
        assertEquals("Recover", execution.statePath().getLast());
        List<HistoryEvent> mapEvents = execution.history().stream().filter(e -> e.type().startsWith("MapIteration")
                && !e.type().equals("MapIterationStarted")).toList();
        assertEquals(List.of("MapIterationFailed 1", "MapIterationAborted 0", "MapIterationAborted 2"),
                mapEvents.stream().map(e -> e.type() + " " + e.index()).toList());
        assertEquals(2, types(execution).stream().filter("WaitStateAborted"::equals).count());
        List<String> types = types(execution);
        assertEquals(List.of("MapStateFailed", "MapStateExited", "PassStateEntered"),
                types.subList(types.indexOf("MapStateFailed"), types.indexOf("MapStateFailed") + 3));
    }

    @Test
    void aFailureNoCatchTakes_failsTheExecution_withTheIterationsErrorAndCause() {
        StateMachine machine = mapOf("", WAIT_THEN_WORK);

        Execution execution = new LocalExecutor(failingWhereTold(), clock).run(machine, "e", json("""
                [{"name": "a", "seconds": 5}, {"name": "b", "seconds": 1, "error": "Drain.Failed"}]"""));

        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("Drain.Failed", execution.error());
        assertEquals("item b failed", execution.cause());
        assertEquals(List.of("MapStateFailed", "ExecutionFailed"), types(execution).subList(types(execution).size() - 2,
                types(execution).size()));
        assertEquals(START.plusSeconds(1), clock.instant());
    }

    @Test
    void retryOnTheMap_runsEveryItemAgain() {
        // GIVEN a task that fails the first time it sees item b, and a Retry on the Map (5 s)
        AtomicInteger bCalls = new AtomicInteger();
        TaskInvoker flakyB = (resource, input, context) -> {
            taskInputs.add(input);
            taskTimes.add(context.now());
            if (input.asText().equals("b") && bCalls.incrementAndGet() == 1) {
                throw new TaskFailure("Flaky", "first try");
            }
            return JSON.getNodeFactory().textNode(input.asText().toUpperCase(java.util.Locale.ROOT));
        };
        StateMachine machine = mapOf("""
                "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 5, "MaxAttempts": 1}]""", """
                {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "${WorkArn}", "End": true}}}""");

        // WHEN
        Execution execution = new LocalExecutor(flakyB, clock).run(machine, "e", json("[\"a\", \"b\"]"));

        // THEN both items ran at 0 s and again at 5 s, and the second run's results are the Map's
        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(json("[\"A\", \"B\"]"), execution.output());
        assertEquals(List.of(START, START, START.plusSeconds(5), START.plusSeconds(5)), taskTimes);
        assertEquals(2, types(execution).stream().filter("MapStateStarted"::equals).count());
        assertEquals(List.of("MapStateEntered"), types(execution).stream().filter(t -> t.startsWith("MapStateEnt")).toList());
        // the Map, its retry, and the task entered twice per run
        assertEquals(6, execution.stateTransitions());
    }

    @Test
    void anErrorCaughtInsideTheIteration_isThatIterationsResult_andTheMapSucceeds() {
        StateMachine machine = mapOf("", """
                {"StartAt": "Work", "States": {
                  "Work": {"Type": "Task", "Resource": "${WorkArn}", "Next": "Worked",
                    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.failure", "Next": "Skip"}]},
                  "Worked": {"Type": "Succeed"},
                  "Skip": {"Type": "Pass", "Parameters": {"skipped.$": "$.name", "why.$": "$.failure.Error"}, "End": true}
                }}""");

        Execution execution = new LocalExecutor(failingWhereTold(), clock).run(machine, "e", json("""
                [{"name": "a"}, {"name": "b", "error": "Drain.Failed"}, {"name": "c"}]"""));

        assertEquals(Execution.Status.SUCCEEDED, execution.status());
        assertEquals(json("[{\"done\": \"a\"}, {\"skipped\": \"b\", \"why\": \"Drain.Failed\"}, {\"done\": \"c\"}]"), execution.output());
        assertTrue(types(execution).stream().noneMatch(t -> t.equals("MapIterationFailed")), types(execution).toString());
    }

    @Test
    void anEmptyArray_givesAnEmptyResultAtOnce() {
        StateMachine machine = mapOf("\"ItemsPath\": \"$.nodes\", \"ResultPath\": \"$.results\"", WAIT_THEN_WORK);

        Execution execution = new LocalExecutor(work(), clock).start(machine, "e", json("{\"nodes\": []}"));

        assertEquals(Execution.Status.SUCCEEDED, execution.status(), "no waiting: done in the first advance");
        assertEquals(json("{\"nodes\": [], \"results\": []}"), execution.output());
        assertEquals(START, clock.instant());
        assertTrue(taskInputs.isEmpty());
        assertEquals(List.of("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited",
                "ExecutionSucceeded"), types(execution));
        assertEquals(0, execution.history().get(2).length());
    }

    @ParameterizedTest(name = "items {0}")
    @CsvSource(delimiter = '|', value = {"{\"nodes\": \"w1\"}", "{\"nodes\": {\"a\": 1}}", "{\"nodes\": null}", "{\"other\": []}"})
    void itemsPathNotAnArray_failsTheExecutionWithStatesRuntime_whichStatesAllDoesNotCatch(String input) {
        StateMachine machine = machine("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "ItemsPath": "$.nodes", "ItemProcessor": %s,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
                  "Caught": {"Type": "Pass", "End": true}
                }}""".formatted(WAIT_THEN_WORK));

        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json(input));

        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("States.Runtime", execution.error());
        assertTrue(execution.cause().contains("'Each'") && execution.cause().contains("$.nodes"), execution.cause());
        assertEquals(List.of("Each"), execution.statePath());
    }

    @Test
    void aMapInAMap_runsItsOwnIterations_withStateNamesScopedToEachLevel() {
        // GIVEN groups of items; both levels and the top have a state named Done
        StateMachine machine = machine("""
                {"StartAt": "Groups", "States": {
                  "Groups": {"Type": "Map", "ItemsPath": "$.groups", "Next": "Done",
                    "ItemProcessor": {"StartAt": "Items", "States": {
                      "Items": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done", "ItemProcessor": {"StartAt": "Pause", "States": {
                        "Pause": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Work"},
                        "Work": {"Type": "Task", "Resource": "${WorkArn}", "Next": "Done"},
                        "Done": {"Type": "Succeed"}
                      }}},
                      "Done": {"Type": "Pass", "End": true}
                    }}},
                  "Done": {"Type": "Pass", "Parameters": {"all.$": "$"}, "End": true}
                }}""");

        // WHEN
        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json("""
                {"groups": [{"items": [{"name": "a", "seconds": 10}, {"name": "b", "seconds": 40}]},
                            {"items": [{"name": "c", "seconds": 25}]}]}"""));

        // THEN nested results, all waits side by side (the longest, 40 s), and each level's Done was its own
        assertEquals(Execution.Status.SUCCEEDED, execution.status(), execution.cause());
        assertEquals(json("{\"all\": [[{\"done\": \"a\"}, {\"done\": \"b\"}], [{\"done\": \"c\"}]]}"), execution.output());
        assertEquals(START.plusSeconds(40), clock.instant());
        assertEquals(List.of(START.plusSeconds(10), START.plusSeconds(25), START.plusSeconds(40)), taskTimes);
        assertEquals(2 + 3, types(execution).stream().filter("MapIterationSucceeded"::equals).count());
        assertEquals(List.of("SucceedStateEntered", "SucceedStateEntered", "SucceedStateEntered"),
                types(execution).stream().filter(t -> t.startsWith("Succeed") && t.endsWith("Entered")).toList());
    }

    @Test
    void history_ofATwoItemMap_readsLikeGetExecutionHistory() {
        StateMachine machine = machine("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Double", "States": {
                    "Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": true}}},
                    "Next": "Done"},
                  "Done": {"Type": "Succeed"}
                }}""");

        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json("[{\"n\": 1}, {\"n\": 5}]"));

        assertEquals(List.of("ExecutionStarted", "MapStateEntered", "MapStateStarted",
                "MapIterationStarted", "MapIterationStarted",
                "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
                "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
                "MapStateSucceeded", "MapStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"),
                types(execution));
        List<HistoryEvent> events = execution.history();
        assertEquals(2, events.get(2).length());
        assertEquals(List.of(0, 1, 0, 1), events.stream().filter(e -> e.type().startsWith("MapIteration")).map(HistoryEvent::index).toList());
        assertTrue(events.stream().filter(e -> e.type().startsWith("MapIteration")).allMatch(e -> "Each".equals(e.stateName())));
        assertNull(events.get(1).index());
        // each iteration is a chain of its own: its first event follows its MapIterationStarted
        assertEquals(events.get(3).id(), events.get(5).previousEventId());
        assertEquals(events.get(4).id(), events.get(8).previousEventId());
        assertEquals(events.get(9).id(), events.get(10).previousEventId());
        assertEquals("{\"twice\":10}", events.get(9).output());
        assertEquals("[{\"twice\":2},{\"twice\":10}]", events.get(12).output());
        assertEquals(List.of("Each", "Double", "Double", "Done"), execution.statePath());
        assertEquals(4, execution.stateTransitions());
    }

    @Test
    void theHistoryLimit_countsTheIterationsEvents() {
        // GIVEN an iteration that loops through a Pass state forever
        StateMachine machine = mapOf("", """
                {"StartAt": "Spin", "States": {"Spin": {"Type": "Pass", "Next": "Spin"}}}""");

        // WHEN
        Execution execution = new LocalExecutor(work(), clock).run(machine, "e", json("[1]"));

        // THEN the execution fails once its history (inner events included) passes the limit
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("States.Runtime", execution.error());
        assertTrue(execution.cause().contains("history exceeded " + Execution.MAX_HISTORY_EVENTS), execution.cause());
        assertTrue(execution.history().size() > Execution.MAX_HISTORY_EVENTS
                && execution.history().size() < Execution.MAX_HISTORY_EVENTS + 10, "size " + execution.history().size());
        assertEquals("ExecutionFailed", execution.history().getLast().type());
    }

    @Test
    void problemsInsideAMap_failAtLoad_namingWhereTheyAre() {
        String definition = """
                {"StartAt": "DrainEach", "States": {
                  "DrainEach": {"Type": "Map", "MaxConcurrency": -1, "ItemSelector": {}, "Parameters": {},
                    "ToleratedFailurePercentage": 5,
                    "ItemProcessor": {"StartAt": "Drain", "States": {
                      "Drain": {"Type": "Task", "Resource": "x", "Next": "Report"},
                      "Nested": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Nowhere", "States": {
                        "Deep": {"Type": "Parallel", "End": true}}}}
                    }},
                    "Next": "Report"},
                  "Report": {"Type": "Pass", "End": true},
                  "Distributed": {"Type": "Map", "ItemReader": {}, "End": true,
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                      "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}},
                  "Bare": {"Type": "Map", "End": true}
                }}""";

        UnsupportedDefinition error = assertThrows(UnsupportedDefinition.class, () -> StateMachine.load("bad", definition, Map.of()));

        List<String> problems = error.problems();
        for (String expected : List.of(
                "state 'Drain' (in Map 'DrainEach').Next → 'Report' is not a state",
                "StartAt 'Nowhere' is not a state (in Map 'Nested' in Map 'DrainEach')",
                "state 'Deep' (in Map 'Nested' in Map 'DrainEach'): type Parallel is not supported",
                "state 'DrainEach': MaxConcurrency must be a non-negative integer, got -1",
                "state 'DrainEach': a Map takes ItemSelector or its legacy name Parameters, not both",
                "state 'DrainEach': field ToleratedFailurePercentage is not supported on a Map state (distributed mode does not run locally)",
                "state 'Distributed': field ItemReader is not supported on a Map state (distributed mode does not run locally)",
                "state 'Distributed': ProcessorConfig Mode DISTRIBUTED is not supported (only INLINE runs locally)",
                "state 'Distributed'.ItemProcessor.ProcessorConfig: field ExecutionType is not supported",
                "state 'Bare': a Map needs exactly one of ItemProcessor or Iterator")) {
            assertTrue(problems.contains(expected), expected + " not in " + problems);
        }
        assertEquals(10, problems.size(), problems.toString());
    }

    @Test
    void validMapDefinitions_load_andTheirNestedTasksAreListed() {
        StateMachine machine = machine("""
                {"StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "ItemsPath": "$.a", "MaxConcurrency": 0, "Comment": "c",
                    "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "ResultSelector": {"n.$": "States.ArrayLength($)"},
                    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Work", "States": {
                      "Work": {"Type": "Task", "Resource": "${WorkArn}", "End": true}}},
                    "End": true}
                }}""");

        assertEquals(java.util.Set.of(WORK_ARN), machine.taskResources());
        assertEquals(List.of("Each", "Each/Work"), machine.allStates().stream().map(StateMachine.StateEntry::path).toList());
    }
}
