package dev.k3sautoscaler.idempotency;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Launch step: a side effect (here a counter) that must happen once per request,
 * wrapped the way the fleet's handlers wrap RunInstances.
 */
final class CountingLaunchHandler extends JsonStepHandler<CountingLaunchHandler.Input, CountingLaunchHandler.Output> {
    static final String STEP = "launch-instances";
    /** The stand-in Lambda's timeout: a claim older than this belongs to a dead invocation. */
    static final Duration IN_PROGRESS_TIMEOUT = Duration.ofSeconds(60);

    record Input(String execution, String availabilityZone, Integer count) implements Validatable {
        @Override
        public List<String> validationProblems() {
            return InputCheck.start().required("execution", execution).required("availabilityZone", availabilityZone)
                    .required("count", count).problems();
        }
    }

    /** What identifies one launch request: a retry of the same execution's launch repeats all of it. */
    record LaunchKey(String execution, String availabilityZone, int count) {
    }

    record Launched(int launchNumber, String availabilityZone, int count) {
    }

    record Output(int launchNumber, boolean replayed, String reason) {
    }

    final AtomicInteger sideEffects = new AtomicInteger();
    private final IdempotentStep<Launched> step;
    private volatile Runnable duringSideEffect = () -> { };

    CountingLaunchHandler(IdempotencyStore store) {
        super(Input.class, STEP, "cluster-idempotency");
        this.step = new IdempotentStep<>(store, STEP, Launched.class, IN_PROGRESS_TIMEOUT, IdempotentStep.DEFAULT_EXPIRY);
    }

    /** Runs {@code action} inside the next side effect, while its claim is INPROGRESS. */
    void duringNextSideEffect(Runnable action) {
        this.duringSideEffect = action;
    }

    @Override
    protected Output handle(Input input, Context context) {
        IdempotentResult<Launched> result = step.run(new LaunchKey(input.execution(), input.availabilityZone(), input.count()),
                () -> {
                    Runnable hook = duringSideEffect;
                    duringSideEffect = () -> { };
                    hook.run();
                    return new Launched(sideEffects.incrementAndGet(), input.availabilityZone(), input.count());
                });
        return new Output(result.value().launchNumber(), result.replayed(),
                (result.replayed() ? "replayed launch #" : "launch #") + result.value().launchNumber());
    }
}
