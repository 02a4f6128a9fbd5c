package dev.k3sautoscaler.decide;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.k3sautoscaler.core.model.Decision;

/**
 * Output of the Decide step: the {@link Decision} fields at the top level (action, count, trigger,
 * reason, currentWorkers, targetWorkers, blocked, tooLargeForWorker, atMaxCapacity), plus:
 *
 * @param actuationName a deterministic execution name for the actuation the tick starts
 *                      ({@code scale-up-20261123-1200}): a repeated tick in the same minute gets
 *                      ExecutionAlreadyExists instead of a second actuation
 * @param policy        which policy decided ({@code default} or {@code seed-baseline})
 */
public record DecideOutput(@JsonUnwrapped Decision decision, String actuationName, String policy) {
}
