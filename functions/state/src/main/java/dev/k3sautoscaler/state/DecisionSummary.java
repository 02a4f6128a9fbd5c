package dev.k3sautoscaler.state;

/**
 * What the Decide step concluded, as much as a notice needs (the ASL passes {@code $.decision}
 * whole; its other fields are ignored).
 *
 * @param currentWorkers workers counted when deciding (absent before a decision)
 * @param targetWorkers  workers planned after the action
 * @param atMaxCapacity  more was wanted than MAX_WORKERS allows
 * @param reason         the decision's one line
 */
public record DecisionSummary(Integer currentWorkers, Integer targetWorkers, Boolean atMaxCapacity, String reason) {
}
