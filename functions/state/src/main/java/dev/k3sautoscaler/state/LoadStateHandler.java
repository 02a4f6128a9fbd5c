package dev.k3sautoscaler.state;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;

/**
 * Step LoadState (Lambda {@code load-state}): reads the scaling state and who holds the lock,
 * without taking it, for the scheduled tick's preliminary decision. The actuation re-reads the
 * state under the lock (AcquireLock), so nothing here is trusted for actuation.
 *
 * <p>Input: {@code {"execution": "..."}}. Output: {@link LoadStateOutput}.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.InvalidStepInput},
 * {@code dev.k3sautoscaler.errors.StateStoreUnavailable} (retryable),
 * {@code dev.k3sautoscaler.errors.StateStoreRejected}.
 */
public final class LoadStateHandler extends JsonStepHandler<ExecutionInput, LoadStateOutput> {
    private final StateReader reader;

    public LoadStateHandler() {
        this(new StateReader(StateAccess.fromEnvironment(System.getenv())));
    }

    /** Tests and the simulator (another package) pass a reader on DynamoDB Local with their clock. */
    public LoadStateHandler(StateReader reader) {
        super(ExecutionInput.class, "load-state", reader.clusterId());
        this.reader = reader;
    }

    @Override
    protected LoadStateOutput handle(ExecutionInput input, Context context) {
        return reader.load();
    }
}
