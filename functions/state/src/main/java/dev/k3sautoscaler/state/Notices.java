package dev.k3sautoscaler.state;

import dev.k3sautoscaler.core.control.ControlRequest;
import dev.k3sautoscaler.core.notify.NotificationFacts;
import dev.k3sautoscaler.core.notify.NotificationRenderer;
import dev.k3sautoscaler.core.state.Outcome;
import java.time.Duration;
import java.time.Instant;

/** The notice for a recorded outcome: facts from the step input, text from the pure renderer. */
final class Notices {
    private Notices() {
    }

    static SnsNotification render(String clusterId, String execution, Outcome outcome, ControlRequest request,
                                  DecisionSummary decision, Instant startedAt, Instant now) {
        DecisionSummary known = decision == null ? new DecisionSummary(null, null, false, null) : decision;
        // Before Decide the ASL's placeholder decision has no counts: say nothing rather than "0 workers".
        Duration took = startedAt == null ? null : Duration.between(startedAt, now);
        NotificationFacts facts = new NotificationFacts(clusterId, execution, outcome, request, known.currentWorkers(),
                known.targetWorkers(), Boolean.TRUE.equals(known.atMaxCapacity()), known.reason(), took);
        return SnsNotification.of(NotificationRenderer.render(facts), clusterId);
    }
}
