package dev.k3sautoscaler.idempotency;

/**
 * The result of an idempotent side effect.
 *
 * @param value    the side effect's result (this run's, or the stored one)
 * @param replayed true when the side effect did not run now and {@code value} is the stored result of an earlier run
 */
public record IdempotentResult<R>(R value, boolean replayed) {
}
