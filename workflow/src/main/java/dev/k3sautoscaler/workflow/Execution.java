package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One execution of a {@link StateMachine}, run in steps on a (virtual) clock: {@link #advance()}
 * runs states until the execution ends or has to wait (a Wait state, a Retry interval); the caller
 * moves the clock and calls it again. This is what lets the simulator interleave many executions
 * on one timeline. The history is recorded like GetExecutionHistory's.
 *
 * <p>A Map state (inline mode) runs each item as an iteration: an {@code Execution} of the item
 * processor's states that shares this one's clock, task invoker, history and transition count.
 * Iterations run side by side in virtual time (at most MaxConcurrency at once, and never more than
 * {@value #INLINE_MAP_CONCURRENCY}): a Wait in one does not hold up another, and while any of them
 * waits, so does the Map, until the earliest of them.
 */
public final class Execution {
    /** Step Functions fails an execution whose history passes 25,000 events; so do we (it also stops runaway loops). */
    public static final int MAX_HISTORY_EVENTS = 25_000;
    /** Step Functions' quota on a state's output, as UTF-8; past it the execution fails States.DataLimitExceeded. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    /** An inline Map state runs at most 40 iterations at once in Step Functions, whatever its MaxConcurrency; so do we. */
    public static final int INLINE_MAP_CONCURRENCY = 40;

    public enum Status { RUNNING, WAITING, SUCCEEDED, FAILED }

    private enum Phase { ENTER, WAIT_DONE, RETRY, TASK_DUE, MAP_RUNNING }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final StateMachine machine;
    /** The states this run goes through: the machine's, or (in a Map iteration) the Map's item processor. */
    private final StateMachine scope;
    /** The execution itself; for a Map iteration, the execution it is part of (its history, input, counts). */
    private final Execution root;
    private final String name;
    private final JsonNode input;
    private final Clock clock;
    private final TaskInvoker invoker;
    private final Random jitter;
    private final Instant startTime;
    /** The node the history last wrote, and its text ({@link #written}). */
    private JsonNode lastWritten;
    private String lastWrittenText;
    /** The execution's history, its data packed once asked ({@link #packEventData}); a Map iteration adds to its execution's list. */
    private final List<KeptEvent> history;

    private Status status = Status.RUNNING;
    private String current;
    private JsonNode stateInput;
    private Phase phase = Phase.ENTER;
    private Instant enteredTime;
    private Instant waitingUntil;
    /** The work of a task that completes later ({@link TaskInvoker.Started.Later}); null otherwise. */
    private TaskInvoker.DeferredWork pendingTask;
    private int[] retryCounts = new int[0];
    private int attempt;
    private long stateTransitions;
    private JsonNode output;
    private String error;
    private String cause;
    /** The iterations of the Map state being run; null otherwise. */
    private MapRun mapRun;
    /** The id of this run's latest event: the previousEventId of its next one. */
    private long lastEventId;
    /** Failed by a data-flow failure ({@link RuntimeFailure}) or the history limit, which no enclosing Catch takes. */
    private boolean fatal;

    /**
     * @param jitter randomness for {@code JitterStrategy: FULL}; null turns jitter off (deterministic tests)
     */
    Execution(StateMachine machine, String name, JsonNode input, Clock clock, TaskInvoker invoker, Random jitter) {
        this.machine = machine;
        this.scope = machine;
        this.root = this;
        this.name = name;
        this.input = input == null ? NODES.objectNode() : input;
        this.clock = clock;
        this.invoker = invoker;
        this.jitter = jitter;
        this.startTime = clock.instant();
        this.history = new ArrayList<>();
        this.current = machine.startAt();
        this.stateInput = this.input;
        record("ExecutionStarted", null, null, this.input, null, null, null);
    }

    /** One iteration of a Map state of {@code parent}: the item processor's states on {@code itemInput}. */
    private Execution(Execution parent, StateMachine processor, JsonNode itemInput, long startedEventId) {
        this.machine = parent.machine;
        this.scope = processor;
        this.root = parent.root;
        this.name = parent.name;
        this.input = itemInput;
        this.clock = parent.clock;
        this.invoker = parent.invoker;
        this.jitter = parent.jitter;
        this.startTime = clock.instant();
        this.history = parent.history;
        this.current = processor.startAt();
        this.stateInput = itemInput;
        this.lastEventId = startedEventId;
    }

    /** Runs until the execution ends or waits; returns the status. Safe to call at any time. */
    public Status advance() {
        while (status == Status.RUNNING || status == Status.WAITING) {
            Instant now = clock.instant();
            if (waitingUntil != null && now.isBefore(waitingUntil)) {
                status = Status.WAITING;
                return status;
            }
            status = Status.RUNNING;
            try {
                step(now);
            } catch (RuntimeFailure e) {
                stopIterations();
                failFatally(e.error(), "An error occurred while executing the state '" + current + "'. " + e.getMessage());
            }
            if (history.size() > MAX_HISTORY_EVENTS && !isDone()) {
                stopIterations();
                failFatally("States.Runtime", "history exceeded " + MAX_HISTORY_EVENTS + " events");
            }
        }
        return status;
    }

    private void step(Instant now) {
        JsonNode state = scope.state(current);
        String type = state.get("Type").asText();
        switch (phase) {
            case WAIT_DONE -> {
                waitingUntil = null;
                exitState(state, type, applyOutputPath(state, inputPath(state, stateInput)));
            }
            case RETRY -> {
                waitingUntil = null;
                root.stateTransitions++;
                attempt++;
                if ("Map".equals(type)) {
                    startMap(state);
                } else {
                    runTask(state);
                }
            }
            case TASK_DUE -> {
                waitingUntil = null;
                TaskInvoker.DeferredWork work = pendingTask;
                pendingTask = null;
                completeTask(state, work);
            }
            case MAP_RUNNING -> {
                waitingUntil = null;
                advanceMap(state);
            }
            case ENTER -> enter(state, type, now);
        }
    }

    private void enter(JsonNode state, String type, Instant now) {
        root.stateTransitions++;
        enteredTime = now;
        attempt = 0;
        retryCounts = new int[state.path("Retry").size()];
        record(type + "StateEntered", current, null, stateInput, null, null, null);
        switch (type) {
            case "Pass" -> {
                JsonNode effective = inputPath(state, stateInput);
                JsonNode result = state.has("Result") ? state.get("Result")
                        : state.has("Parameters") ? PayloadTemplate.apply(state.get("Parameters"), effective, context()) : effective;
                exitState(state, type, applyOutputPath(state, resultPath(state, stateInput, result)));
            }
            case "Task" -> runTask(state);
            case "Choice" -> choose(state);
            case "Wait" -> startWait(state, now);
            case "Map" -> startMap(state);
            case "Succeed" -> {
                JsonNode out = applyOutputPath(state, inputPath(state, stateInput));
                record("SucceedStateExited", current, null, null, out, null, null);
                succeed(out);
            }
            case "Fail" -> {
                JsonNode effective = stateInput;
                String failError = state.has("ErrorPath") ? Paths.read(state.get("ErrorPath").asText(), effective, context()).asText()
                        : state.path("Error").asText(null);
                String failCause = state.has("CausePath") ? Paths.read(state.get("CausePath").asText(), effective, context()).asText()
                        : state.path("Cause").asText(null);
                failExecution(failError, failCause);
            }
            default -> throw new IllegalStateException("unchecked state type " + type);
        }
    }

    private void runTask(JsonNode state) {
        String resource = state.get("Resource").asText();
        JsonNode effective = inputPath(state, stateInput);
        JsonNode taskInput = state.has("Parameters") ? PayloadTemplate.apply(state.get("Parameters"), effective, context()) : effective;
        record(isLambda(resource) ? "LambdaFunctionScheduled" : "TaskScheduled", current, resource, taskInput, null, null, null);
        TaskInvoker.TaskContext taskContext = new TaskInvoker.TaskContext(name, current, attempt, clock.instant());
        completeTask(state, () -> {
            TaskInvoker.Started started = invoker.start(resource, taskInput, taskContext);
            return switch (started) {
                case TaskInvoker.Started.Now now -> now.result();
                case TaskInvoker.Started.Later later -> {
                    // The task is still running: the execution waits for it as for a Wait state.
                    pendingTask = later.work();
                    waitingUntil = later.at();
                    phase = Phase.TASK_DUE;
                    yield null;
                }
            };
        });
    }

    /** Runs {@code work} as the current Task's outcome: a result leaves the state, a failure goes to Retry/Catch. */
    private void completeTask(JsonNode state, TaskInvoker.DeferredWork work) {
        String resource = state.get("Resource").asText();
        boolean lambda = isLambda(resource);
        JsonNode result;
        try {
            result = work.complete();
        } catch (TaskFailure failure) {
            record(lambda ? "LambdaFunctionFailed" : "TaskFailed", current, resource, null, null, failure.error(), failure.cause());
            handleError(state, failure.error(), failure.cause());
            return;
        } catch (RuntimeFailure e) {
            throw e;
        } catch (RuntimeException e) {
            // A Lambda's unhandled exception: Step Functions sees its fully qualified class name as the error.
            String errorName = e.getClass().getName();
            ObjectNode errorCause = NODES.objectNode().put("errorMessage", String.valueOf(e.getMessage())).put("errorType", errorName);
            record(lambda ? "LambdaFunctionFailed" : "TaskFailed", current, resource, null, null, errorName, errorCause.toString());
            handleError(state, errorName, errorCause.toString());
            return;
        }
        if (pendingTask != null) {
            return; // deferred: completes when the clock reaches waitingUntil
        }
        JsonNode safeResult = result == null ? NODES.nullNode() : result;
        record(lambda ? "LambdaFunctionSucceeded" : "TaskSucceeded", current, resource, null, safeResult, null, null);
        JsonNode selected = state.has("ResultSelector") ? PayloadTemplate.apply(state.get("ResultSelector"), safeResult, context()) : safeResult;
        exitState(state, "Task", applyOutputPath(state, resultPath(state, stateInput, selected)));
    }

    private static boolean isLambda(String resource) {
        return resource.startsWith("arn:aws:lambda:");
    }

    private void handleError(JsonNode state, String errorName, String errorCause) {
        JsonNode retriers = state.path("Retry");
        for (int i = 0; i < retriers.size(); i++) {
            JsonNode retrier = retriers.get(i);
            if (!ErrorNames.matches(retrier.get("ErrorEquals"), errorName)) {
                continue;
            }
            int maxAttempts = retrier.path("MaxAttempts").asInt(3);
            if (retryCounts[i] < maxAttempts) {
                double interval = retrier.path("IntervalSeconds").asDouble(1);
                double delay = interval * Math.pow(retrier.path("BackoffRate").asDouble(2.0), retryCounts[i]);
                if (retrier.has("MaxDelaySeconds")) {
                    delay = Math.min(delay, retrier.get("MaxDelaySeconds").asDouble());
                }
                if (jitter != null && "FULL".equals(retrier.path("JitterStrategy").asText("NONE"))) {
                    delay = jitter.nextDouble() * delay;
                }
                retryCounts[i]++;
                waitingUntil = clock.instant().plus(Duration.ofMillis(Math.round(delay * 1000)));
                phase = Phase.RETRY;
                return;
            }
            break; // the first matching retrier decides; exhausted → catchers
        }
        JsonNode catchers = state.path("Catch");
        for (JsonNode catcher : catchers) {
            if (ErrorNames.matches(catcher.get("ErrorEquals"), errorName)) {
                ObjectNode errorOutput = NODES.objectNode().put("Error", errorName).put("Cause", errorCause);
                String path = catcher.has("ResultPath") ? catcher.get("ResultPath").asText() : "$";
                JsonNode out = catcher.hasNonNull("ResultPath") || !catcher.has("ResultPath")
                        ? Paths.write(stateInput, path, errorOutput) : stateInput;
                record(state.get("Type").asText() + "StateExited", current, null, null, out, null, null);
                transition(catcher.get("Next").asText(), out);
                return;
            }
        }
        failExecution(errorName, errorCause);
    }

    private void choose(JsonNode state) {
        JsonNode effective = inputPath(state, stateInput);
        for (JsonNode rule : state.get("Choices")) {
            if (ChoiceRules.matches(rule, effective, context())) {
                JsonNode out = applyOutputPath(state, effective);
                record("ChoiceStateExited", current, null, null, out, null, null);
                transition(rule.get("Next").asText(), out);
                return;
            }
        }
        if (state.has("Default")) {
            JsonNode out = applyOutputPath(state, effective);
            record("ChoiceStateExited", current, null, null, out, null, null);
            transition(state.get("Default").asText(), out);
            return;
        }
        failExecution("States.NoChoiceMatched", "no choice rule matched in state '" + current + "' and it has no Default");
    }

    private void startWait(JsonNode state, Instant now) {
        JsonNode effective = inputPath(state, stateInput);
        Instant wakeAt;
        if (state.has("Seconds")) {
            wakeAt = now.plusSeconds(state.get("Seconds").asLong());
        } else if (state.has("SecondsPath")) {
            JsonNode seconds = Paths.read(state.get("SecondsPath").asText(), effective, context());
            if (!seconds.isIntegralNumber() || seconds.asLong() < 0) {
                throw new RuntimeFailure("SecondsPath must select a non-negative integer, got " + seconds);
            }
            wakeAt = now.plusSeconds(seconds.asLong());
        } else {
            JsonNode timestamp = state.has("Timestamp") ? state.get("Timestamp")
                    : Paths.read(state.get("TimestampPath").asText(), effective, context());
            try {
                wakeAt = Instant.parse(timestamp.asText());
            } catch (java.time.format.DateTimeParseException e) {
                throw new RuntimeFailure("not an ISO-8601 timestamp: " + timestamp);
            }
        }
        phase = Phase.WAIT_DONE;
        waitingUntil = wakeAt;
    }

    /** The iterations of a running Map state: one per item, at most {@code maxConcurrency} at once. */
    private static final class MapRun {
        final JsonNode effectiveInput;
        final JsonNode items;
        final int maxConcurrency;
        final JsonNode[] results;
        /** Started and not yet ended, in item order. */
        final List<Iteration> running = new ArrayList<>();
        int nextItem;

        MapRun(JsonNode effectiveInput, JsonNode items, int maxConcurrency) {
            this.effectiveInput = effectiveInput;
            this.items = items;
            this.maxConcurrency = maxConcurrency;
            this.results = new JsonNode[items.size()];
        }
    }

    /** One item's run through the item processor. */
    private record Iteration(int index, Execution run) {
    }

    /** Selects the items (ItemsPath, after InputPath) and starts the iterations; on a retry, from the start again. */
    private void startMap(JsonNode state) {
        JsonNode effective = inputPath(state, stateInput);
        String itemsPath = state.path("ItemsPath").asText("$");
        JsonNode items = Paths.read(itemsPath, effective, context());
        if (!items.isArray()) {
            throw new RuntimeFailure("the ItemsPath " + itemsPath + " must select a JSON array, got " + Paths.abbreviate(items));
        }
        lastEventId = recordMapEvent("MapStateStarted", null, items.size(), lastEventId);
        int maxConcurrency = state.path("MaxConcurrency").asInt(0); // 0: no limit of its own
        mapRun = new MapRun(effective, items, maxConcurrency == 0 ? INLINE_MAP_CONCURRENCY : Math.min(maxConcurrency, INLINE_MAP_CONCURRENCY));
        phase = Phase.MAP_RUNNING;
        advanceMap(state);
    }

    /**
     * Runs the Map's iterations at the clock's now: starts as many as MaxConcurrency lets, advances
     * each (in item order) until it ends or waits, starts the next when one ends. Then the Map ends
     * (all succeeded, or one failed) or waits until the earliest instant one of them waits for.
     */
    private void advanceMap(JsonNode state) {
        MapRun run = mapRun;
        StateMachine processor = scope.processor(current);
        boolean anEnd = true;
        while (anEnd) {
            while (run.nextItem < run.items.size() && run.running.size() < run.maxConcurrency) {
                startIteration(state, run, processor, run.nextItem++);
            }
            anEnd = false;
            for (Iteration iteration : List.copyOf(run.running)) {
                Execution item = iteration.run();
                item.advance();
                if (item.status == Status.FAILED) {
                    run.running.remove(iteration);
                    iterationFailed(state, iteration);
                    return;
                }
                if (item.status == Status.SUCCEEDED) {
                    run.running.remove(iteration);
                    lastEventId = recordMapEvent("MapIterationSucceeded", iteration.index(), null, item.lastEventId);
                    run.results[iteration.index()] = item.output;
                    anEnd = true;
                }
            }
        }
        if (!run.running.isEmpty()) {
            waitingUntil = run.running.stream().map(i -> i.run().waitingUntil).min(Instant::compareTo).orElseThrow();
            return;
        }
        mapRun = null;
        ArrayNode results = NODES.arrayNode();
        for (JsonNode result : run.results) {
            results.add(result);
        }
        lastEventId = recordMapEvent("MapStateSucceeded", null, null, lastEventId);
        JsonNode selected = state.has("ResultSelector") ? PayloadTemplate.apply(state.get("ResultSelector"), results, context()) : results;
        exitState(state, "Map", applyOutputPath(state, resultPath(state, stateInput, selected)));
    }

    private void startIteration(JsonNode state, MapRun run, StateMachine processor, int index) {
        JsonNode item = run.items.get(index);
        JsonNode selector = state.has("ItemSelector") ? state.get("ItemSelector") : state.get("Parameters");
        JsonNode itemInput = selector == null ? item : PayloadTemplate.apply(selector, run.effectiveInput, mapContext(index, item));
        long started = recordMapEvent("MapIterationStarted", index, null, lastEventId);
        lastEventId = started;
        run.running.add(new Iteration(index, new Execution(this, processor, itemInput, started)));
    }

    /** An iteration failed: the others are stopped, and the Map state fails with its error (its Retry and Catch apply). */
    private void iterationFailed(JsonNode state, Iteration iteration) {
        Execution failed = iteration.run();
        lastEventId = recordMapEvent("MapIterationFailed", iteration.index(), null, failed.lastEventId);
        stopIterations();
        lastEventId = recordMapEvent("MapStateFailed", null, null, lastEventId);
        if (failed.fatal) {
            failFatally(failed.error, failed.cause);
        } else {
            handleError(state, failed.error, failed.cause);
        }
    }

    /** Stops the running iterations of the current Map state, if any (each records that it was aborted). */
    private void stopIterations() {
        MapRun run = mapRun;
        if (run == null) {
            return;
        }
        mapRun = null;
        for (Iteration iteration : run.running) {
            iteration.run().abort();
            lastEventId = recordMapEvent("MapIterationAborted", iteration.index(), null, iteration.run().lastEventId);
        }
    }

    /** Ends this iteration where it is: the state it waits in is aborted (and a Map's own iterations with it). */
    private void abort() {
        if (isDone()) {
            return;
        }
        boolean inAState = status == Status.WAITING || mapRun != null;
        stopIterations();
        String type = scope.state(current).get("Type").asText();
        if (inAState && Set.of("Task", "Wait", "Map").contains(type)) {
            record(type + "StateAborted", current, null, null, null, null, null);
        }
        pendingTask = null;
        waitingUntil = null;
        status = Status.FAILED;
    }

    private void exitState(JsonNode state, String type, JsonNode out) {
        String text = written(out);
        long bytes = text == null ? 0 : utf8Length(text);
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw RuntimeFailure.dataLimitExceeded(current, bytes);
        }
        lastEventId = recordEvent(type + "StateExited", current, null, null, text, null, null, null, null, lastEventId);
        if (state.path("End").asBoolean(false)) {
            succeed(out);
        } else {
            transition(state.get("Next").asText(), out);
        }
    }

    private void transition(String next, JsonNode out) {
        current = next;
        stateInput = out;
        phase = Phase.ENTER;
        waitingUntil = null;
    }

    /** This run succeeded: the execution, or (for an iteration) the iteration, whose Map records it. */
    private void succeed(JsonNode out) {
        output = out;
        status = Status.SUCCEEDED;
        stateInput = null; // a finished run keeps its input, output and history, not its last state's data
        if (root == this) {
            record("ExecutionSucceeded", null, null, null, out, null, null);
        }
    }

    /** This run failed: the execution, or (for an iteration) the iteration, whose Map then fails. */
    private void failExecution(String failError, String failCause) {
        error = failError;
        cause = failCause;
        status = Status.FAILED;
        stateInput = null;
        if (root == this) {
            record("ExecutionFailed", null, null, null, null, failError, failCause);
        }
    }

    /** A failure no Catch takes, in a Map iteration either: it ends the whole execution. */
    private void failFatally(String failError, String failCause) {
        fatal = true;
        failExecution(failError, failCause);
    }

    private JsonNode inputPath(JsonNode state, JsonNode raw) {
        if (!state.has("InputPath")) {
            return raw;
        }
        return state.get("InputPath").isNull() ? NODES.objectNode() : Paths.read(state.get("InputPath").asText(), raw, context());
    }

    private JsonNode resultPath(JsonNode state, JsonNode raw, JsonNode result) {
        if (!state.has("ResultPath")) {
            return result;
        }
        return state.get("ResultPath").isNull() ? raw : Paths.write(raw, state.get("ResultPath").asText(), result);
    }

    private JsonNode applyOutputPath(JsonNode state, JsonNode out) {
        if (!state.has("OutputPath")) {
            return out;
        }
        return state.get("OutputPath").isNull() ? NODES.objectNode() : Paths.read(state.get("OutputPath").asText(), out, context());
    }

    /** The context object ($$) as Step Functions provides it. */
    private ObjectNode context() {
        ObjectNode context = NODES.objectNode();
        context.putObject("Execution")
                .put("Id", "arn:aws:states:local:000000000000:execution:" + machine.name() + ":" + name)
                .put("Name", name)
                .put("StartTime", root.startTime.toString())
                .set("Input", root.input);
        context.putObject("StateMachine")
                .put("Id", "arn:aws:states:local:000000000000:stateMachine:" + machine.name())
                .put("Name", machine.name());
        context.putObject("State")
                .put("Name", current)
                .put("EnteredTime", (enteredTime == null ? startTime : enteredTime).toString())
                .put("RetryCount", attempt);
        return context;
    }

    /** The context object a Map state's ItemSelector sees: {@code $$.Map.Item.Index} and {@code .Value} added. */
    private JsonNode mapContext(int index, JsonNode item) {
        ObjectNode context = context();
        context.putObject("Map").putObject("Item").put("Index", index).set("Value", item);
        return context;
    }

    private void record(String type, String stateName, String resource, JsonNode in, JsonNode out, String err, String errCause) {
        lastEventId = recordEvent(type, stateName, resource, written(in), written(out), err, errCause, null, null, lastEventId);
    }

    /**
     * The node's text for the history. A state's output is the next state's input, and often its
     * task's input too: the same node is written once, not three times. Safe because the executor
     * never changes a node in place (a ResultPath writes into a copy).
     */
    private String written(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node != lastWritten) {
            lastWritten = node;
            lastWrittenText = node.toString();
        }
        return lastWrittenText;
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** An event of the current Map state about its items: {@code MapStateStarted} (length), {@code MapIteration*} (index). */
    private long recordMapEvent(String type, Integer index, Integer length, long previousEventId) {
        return recordEvent(type, current, null, null, null, null, null, index, length, previousEventId);
    }

    private long recordEvent(String type, String stateName, String resource, String in, String out, String err, String errCause,
                             Integer index, Integer length, long previousEventId) {
        long id = history.size() + 1L;
        history.add(KeptEvent.of(new HistoryEvent(id, previousEventId, clock.instant(), type, stateName, resource,
                in, out, err, errCause, index, length)));
        return id;
    }

    public String name() {
        return name;
    }

    public StateMachine machine() {
        return machine;
    }

    public Status status() {
        return status;
    }

    public boolean isDone() {
        return status == Status.SUCCEEDED || status == Status.FAILED;
    }

    /** When a waiting execution wants to run again; null when it is not waiting. */
    public Instant waitingUntil() {
        return status == Status.WAITING ? waitingUntil : null;
    }

    public JsonNode input() {
        return input;
    }

    public JsonNode output() {
        return output;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }

    public Instant startTime() {
        return startTime;
    }

    /** Billable state transitions so far (states entered plus retries, in Map iterations too), as Standard workflows are priced. */
    public long stateTransitions() {
        return stateTransitions;
    }

    public List<HistoryEvent> history() {
        return history.stream().map(KeptEvent::event).toList();
    }

    /** When the last history event happened; empty before the first. */
    public Optional<Instant> lastEventTime() {
        return history.isEmpty() ? Optional.empty() : Optional.of(history.getLast().timestamp());
    }

    /**
     * Deflates every history event's input and output: a finished execution kept to the end of a long
     * run holds a tenth of the memory. Reading its history afterwards inflates them again.
     */
    public void packEventData() {
        if (!isDone()) {
            throw new IllegalStateException(name + " is still running: its history is still being written");
        }
        history.replaceAll(KeptEvent::packed);
    }

    /** Whether every history event's data is held deflated ({@link #packEventData}). */
    boolean eventDataPacked() {
        return history.stream().allMatch(KeptEvent::isPacked);
    }

    /**
     * Drops the input and output of every history event {@code keep} does not accept, keeping the
     * events themselves (types, states, times, errors), and packs what it keeps ({@link #packEventData}).
     * Express executions have no stored history in Step Functions; a long local run of them need not
     * hold every state's data once it has been read.
     */
    public void dropEventData(Predicate<HistoryEvent> keep) {
        if (!isDone()) {
            throw new IllegalStateException(name + " is still running: its history is still being written");
        }
        history.replaceAll(kept -> kept.input() == null && kept.output() == null ? kept
                : keep.test(kept.event()) ? kept.packed() : kept.withoutData());
    }

    /** The states entered, in order (retries not repeated): what the cross-check compares. */
    public List<String> statePath() {
        return history.stream().filter(e -> e.type().endsWith("StateEntered")).map(KeptEvent::stateName).toList();
    }

    /** A {@link HistoryEvent} as kept: the same fields, its input and output packable. */
    private record KeptEvent(long id, long previousEventId, Instant timestamp, String type, String stateName,
                             String resource, PackedText.Kept input, PackedText.Kept output, String error, String cause,
                             Integer index, Integer length) {
        static KeptEvent of(HistoryEvent event) {
            return new KeptEvent(event.id(), event.previousEventId(), event.timestamp(), event.type(), event.stateName(),
                    event.resource(), PackedText.Kept.of(event.input()), PackedText.Kept.of(event.output()), event.error(),
                    event.cause(), event.index(), event.length());
        }

        boolean isPacked() {
            return (input == null || input.raw() == null) && (output == null || output.raw() == null);
        }

        KeptEvent packed() {
            return new KeptEvent(id, previousEventId, timestamp, type, stateName, resource,
                    input == null ? null : input.packed(), output == null ? null : output.packed(), error, cause, index, length);
        }

        KeptEvent withoutData() {
            return new KeptEvent(id, previousEventId, timestamp, type, stateName, resource, null, null, error, cause,
                    index, length);
        }

        HistoryEvent event() {
            return new HistoryEvent(id, previousEventId, timestamp, type, stateName, resource,
                    input == null ? null : input.text(), output == null ? null : output.text(), error, cause, index, length);
        }
    }
}
