package dev.k3sautoscaler.idempotency;

import static dev.k3sautoscaler.state.StateTableSchema.Idempotency.STATUS_COMPLETED;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.k3sautoscaler.errors.IdempotencyInProgress;
import dev.k3sautoscaler.errors.IdempotencyPayloadMismatch;
import dev.k3sautoscaler.runtime.PayloadHash;
import dev.k3sautoscaler.runtime.StepJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs a side effect at most once per key, for steps the workflow may retry after a timeout
 * (Launch, Terminate): a retry with the same key gets the stored result instead of a second
 * side effect. Usage in a handler:
 *
 * <pre>{@code
 * IdempotentStep<LaunchResult> launch = new IdempotentStep<>(store, "launch-instances", LaunchResult.class,
 *         LAUNCH_IN_PROGRESS_TIMEOUT, IdempotentStep.DEFAULT_EXPIRY);
 * LaunchResult result = launch.run(new LaunchKey(input.execution(), input.count()), () -> ec2Launch(input)).value();
 * }</pre>
 *
 * The record id is {@code <stepName>#<SHA-256 of the key payload's canonical JSON>}; the validation
 * hash covers a second payload (by default the key itself), so a key that leaves out something
 * that changes the side effect is caught as {@link IdempotencyPayloadMismatch}.
 */
public final class IdempotentStep<R> {
    /** A completed result is replayed for an hour: Step Functions retries arrive within minutes (Powertools' default too). */
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(1);

    private final IdempotencyStore store;
    private final String stepName;
    private final Class<R> resultType;
    private final Duration inProgressTimeout;
    private final Duration expiry;

    /**
     * @param inProgressTimeout how long a claim protects a running side effect; use the Lambda's timeout, so a
     *                          crashed invocation's claim lapses when a retry could no longer overlap it
     * @param expiry            how long a completed result is replayed
     */
    public IdempotentStep(IdempotencyStore store, String stepName, Class<R> resultType, Duration inProgressTimeout,
                          Duration expiry) {
        this.store = Objects.requireNonNull(store, "store");
        this.stepName = Objects.requireNonNull(stepName, "stepName");
        this.resultType = Objects.requireNonNull(resultType, "resultType");
        this.inProgressTimeout = Objects.requireNonNull(inProgressTimeout, "inProgressTimeout");
        this.expiry = Objects.requireNonNull(expiry, "expiry");
    }

    /** Runs {@code sideEffect} unless {@code key} already completed; the key is its own validation payload. */
    public IdempotentResult<R> run(Object key, Supplier<R> sideEffect) {
        return run(key, key, sideEffect);
    }

    /**
     * @throws IdempotencyInProgress      (retryable) another invocation with this key is still running
     * @throws IdempotencyPayloadMismatch this key completed for a different validation payload
     */
    public IdempotentResult<R> run(Object key, Object validationPayload, Supplier<R> sideEffect) {
        String id = stepName + "#" + PayloadHash.of(key);
        String validation = PayloadHash.of(validationPayload);
        Instant now = store.clock().instant();
        IdempotencyStore.Claim claim = store.claim(id, validation, now.plus(expiry), now.plus(inProgressTimeout));
        if (claim instanceof IdempotencyStore.Found found) {
            if (!validation.equals(found.validation())) {
                throw new IdempotencyPayloadMismatch(stepName + ": key " + id + " was used before with a different payload;"
                        + " the key must cover everything that changes the side effect");
            }
            if (STATUS_COMPLETED.equals(found.status())) {
                return new IdempotentResult<>(read(found.data()), true);
            }
            throw new IdempotencyInProgress(stepName + ": an invocation with key " + id
                    + " is still running (its claim lasts until " + found.inProgressUntil() + "); retry later");
        }
        R result;
        try {
            result = sideEffect.get();
        } catch (RuntimeException | Error failure) {
            try {
                store.release(id);
            } catch (RuntimeException releaseFailure) {
                failure.addSuppressed(releaseFailure); // the claim lapses at in_progress_expiration anyway
            }
            throw failure;
        }
        store.complete(id, validation, write(result), store.clock().instant().plus(expiry));
        return new IdempotentResult<>(result, false);
    }

    private String write(R result) {
        try {
            return StepJson.MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(stepName + ": result cannot be stored as JSON", e);
        }
    }

    private R read(String data) {
        try {
            return StepJson.MAPPER.readValue(data, resultType);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(stepName + ": stored result cannot be read as " + resultType.getSimpleName(), e);
        }
    }
}
