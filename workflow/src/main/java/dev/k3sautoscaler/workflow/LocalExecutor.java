package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;

/**
 * Starts executions of loaded state machines against one task invoker and one clock. With a
 * {@link VirtualClock}, {@link #runToCompletion(Execution)} jumps over every Wait, so a workflow
 * that takes 15 minutes of wall time runs in milliseconds.
 */
public final class LocalExecutor {
    private final TaskInvoker invoker;
    private final VirtualClock clock;
    private final Random jitter;

    /** Jitter off: retry delays are exactly IntervalSeconds × BackoffRate^n. */
    public LocalExecutor(TaskInvoker invoker, VirtualClock clock) {
        this(invoker, clock, null);
    }

    public LocalExecutor(TaskInvoker invoker, VirtualClock clock, Random jitter) {
        this.invoker = invoker;
        this.clock = clock;
        this.jitter = jitter;
    }

    /**
     * Starts an execution and runs it until it first waits or ends.
     *
     * @throws InvalidName for a name StartExecution refuses; nothing runs
     */
    public Execution start(StateMachine machine, String executionName, JsonNode input) {
        InvalidName.check(executionName);
        Execution execution = new Execution(machine, executionName, input, clock, invoker, jitter);
        execution.advance();
        return execution;
    }

    /** Advances the virtual clock over each wait until the execution ends. */
    public Execution runToCompletion(Execution execution) {
        while (!execution.isDone()) {
            if (execution.waitingUntil() != null) {
                clock.advanceTo(execution.waitingUntil());
            }
            execution.advance();
        }
        return execution;
    }

    public Execution run(StateMachine machine, String executionName, JsonNode input) {
        return runToCompletion(start(machine, executionName, input));
    }

    public VirtualClock clock() {
        return clock;
    }
}
