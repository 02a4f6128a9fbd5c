package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.idempotency.IdempotencyStore;
import dev.k3sautoscaler.idempotency.IdempotentStep;
import java.time.Duration;
import java.util.List;

/**
 * The idempotency store around the two side-effecting fleet steps. The store catches the retry of a
 * step that completed (its result is replayed, EC2 is not called); the ClientTokens and the
 * launched-by tag catch the retry of one that died half-way (no record was completed).
 */
final class FleetIdempotency {
    /**
     * The fleet Lambdas' timeout, from the step catalogue CDK deploys: a claim older than this belongs
     * to a crashed invocation and may be taken over.
     */
    static final Duration STEP_TIMEOUT = Step.Timeouts.FLEET;

    /** One launch per execution: the actuation workflow launches once, then polls for the nodes to join. */
    record LaunchKey(String execution, int count) {
    }

    record TerminateKey(String execution, List<String> instanceIds) {
        TerminateKey {
            instanceIds = instanceIds.stream().sorted().toList();
        }
    }

    private FleetIdempotency() {
    }

    static <R> IdempotentStep<R> step(IdempotencyStore store, String stepName, Class<R> resultType) {
        return new IdempotentStep<>(store, stepName, resultType, STEP_TIMEOUT, IdempotentStep.DEFAULT_EXPIRY);
    }
}
