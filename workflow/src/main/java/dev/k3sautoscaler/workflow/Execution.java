package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One execution of a {@link StateMachine}, run in steps on a (virtual) clock: {@link #advance()}
 * runs states until the execution ends or has to wait (a Wait state, a Retry interval); the caller
 * moves the clock and calls it again. This is what lets the simulator interleave many executions
 * on one timeline. The history is recorded like GetExecutionHistory's.
 */
public final class Execution {
    /** Step Functions fails an execution whose history passes 25,000 events; so do we (it also stops runaway loops). */
    public static final int MAX_HISTORY_EVENTS = 25_000;

    public enum Status { RUNNING, WAITING, SUCCEEDED, FAILED }

    private enum Phase { ENTER, WAIT_DONE, RETRY_TASK, TASK_DUE }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final StateMachine machine;
    private final String name;
    private final JsonNode input;
    private final Clock clock;
    private final TaskInvoker invoker;
    private final Random jitter;
    private final Instant startTime;
    private final List<HistoryEvent> history = new ArrayList<>();

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

    /**
     * @param jitter randomness for {@code JitterStrategy: FULL}; null turns jitter off (deterministic tests)
     */
    Execution(StateMachine machine, String name, JsonNode input, Clock clock, TaskInvoker invoker, Random jitter) {
        this.machine = machine;
        this.name = name;
        this.input = input == null ? NODES.objectNode() : input;
        this.clock = clock;
        this.invoker = invoker;
        this.jitter = jitter;
        this.startTime = clock.instant();
        this.current = machine.startAt();
        this.stateInput = this.input;
        record("ExecutionStarted", null, null, this.input, null, null, null);
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
                failExecution(e.error(), "An error occurred while executing the state '" + current + "'. " + e.getMessage());
            }
            if (history.size() > MAX_HISTORY_EVENTS) {
                failExecution("States.Runtime", "history exceeded " + MAX_HISTORY_EVENTS + " events");
            }
        }
        return status;
    }

    private void step(Instant now) {
        JsonNode state = machine.state(current);
        String type = state.get("Type").asText();
        switch (phase) {
            case WAIT_DONE -> {
                waitingUntil = null;
                exitState(state, type, applyOutputPath(state, inputPath(state, stateInput)));
            }
            case RETRY_TASK -> {
                waitingUntil = null;
                stateTransitions++;
                attempt++;
                runTask(state);
            }
            case TASK_DUE -> {
                waitingUntil = null;
                TaskInvoker.DeferredWork work = pendingTask;
                pendingTask = null;
                completeTask(state, work);
            }
            case ENTER -> enter(state, type, now);
        }
    }

    private void enter(JsonNode state, String type, Instant now) {
        stateTransitions++;
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
                phase = Phase.RETRY_TASK;
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
                record("TaskStateExited", current, null, null, out, null, null);
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

    private void exitState(JsonNode state, String type, JsonNode out) {
        record(type + "StateExited", current, null, null, out, null, null);
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

    private void succeed(JsonNode out) {
        output = out;
        status = Status.SUCCEEDED;
        record("ExecutionSucceeded", null, null, null, out, null, null);
    }

    private void failExecution(String failError, String failCause) {
        error = failError;
        cause = failCause;
        status = Status.FAILED;
        record("ExecutionFailed", null, null, null, null, failError, failCause);
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
    private JsonNode context() {
        ObjectNode context = NODES.objectNode();
        context.putObject("Execution")
                .put("Id", "arn:aws:states:local:000000000000:execution:" + machine.name() + ":" + name)
                .put("Name", name)
                .put("StartTime", startTime.toString())
                .set("Input", input);
        context.putObject("StateMachine")
                .put("Id", "arn:aws:states:local:000000000000:stateMachine:" + machine.name())
                .put("Name", machine.name());
        context.putObject("State")
                .put("Name", current)
                .put("EnteredTime", (enteredTime == null ? startTime : enteredTime).toString())
                .put("RetryCount", attempt);
        return context;
    }

    private void record(String type, String stateName, String resource, JsonNode in, JsonNode out, String err, String errCause) {
        long id = history.size() + 1L;
        history.add(new HistoryEvent(id, id - 1, clock.instant(), type, stateName, resource,
                in == null ? null : in.toString(), out == null ? null : out.toString(), err, errCause));
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

    /** Billable state transitions so far (states entered plus retries), as Standard workflows are priced. */
    public long stateTransitions() {
        return stateTransitions;
    }

    public List<HistoryEvent> history() {
        return List.copyOf(history);
    }

    /** The states entered, in order (retries not repeated): what the cross-check compares. */
    public List<String> statePath() {
        return history.stream().filter(e -> e.type().endsWith("StateEntered")).map(HistoryEvent::stateName).toList();
    }
}
