package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import java.time.Instant;
import java.util.List;

/**
 * One event-log item as read back (newest first).
 *
 * @param fencingToken the lease it was recorded under (null for lockless Spot drains)
 * @param expiresAt    epoch seconds when DynamoDB TTL deletes it
 */
public record EventRecord(String eventKey, Instant at, String execution, OutcomeAction action, OutcomeResult result,
                          int count, List<String> instanceIds, String reason, String error, Long fencingToken,
                          long expiresAt) {
}
