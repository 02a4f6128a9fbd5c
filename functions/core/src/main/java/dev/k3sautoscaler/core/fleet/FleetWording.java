package dev.k3sautoscaler.core.fleet;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place the fleet steps' outcomes become words: the {@code reason} of LaunchWorkers and
 * TerminateWorkers, which RecordOutcome stores in the event log.
 */
public final class FleetWording {
    /** Appended to a replayed result's reason, so the console says nothing was done this time. */
    public static final String REPLAYED = " (stored result of this step's earlier attempt; EC2 not called again)";

    private FleetWording() {
    }

    public static String launch(LaunchOutcome outcome) {
        return switch (outcome) {
            case LaunchOutcome.None none -> "launched none of " + none.requested() + " workers: every offering failed"
                    + refused(none.refused())
                    + (none.skipped().isEmpty() ? "" : "; skipped as recently unavailable: " + String.join(", ", none.skipped()));
            case LaunchOutcome.Launched launched -> "launched " + started(launched);
            case LaunchOutcome.Partial partial -> "launched only " + started(partial);
        };
    }

    private static String started(LaunchOutcome outcome) {
        String where = outcome.placements().stream().map(p -> p.count() + "× " + p.offering())
                .collect(Collectors.joining(", "));
        return outcome.launched() + " of " + outcome.requested() + " workers: " + where
                + (outcome.alreadyStarted() > 0 ? " (" + outcome.alreadyStarted() + " already started by this execution)" : "")
                + refused(outcome.refused());
    }

    private static String refused(List<LaunchOutcome.Refusal> refused) {
        return refused.isEmpty() ? "" : "; no capacity: " + refused.stream()
                .map(r -> r.offering() + " " + r.errorCode()).collect(Collectors.joining(", "));
    }

    public static String terminate(TerminateOutcome outcome) {
        return switch (outcome) {
            case TerminateOutcome.Terminating o -> "terminating " + String.join(", ", o.terminated()) + gone(o.alreadyGone());
            case TerminateOutcome.NothingToTerminate o -> "nothing to terminate" + gone(o.alreadyGone());
        };
    }

    /** A stored result given again to a retried step: its words, marked as not done this time. */
    public static String replayed(String reason) {
        return reason + REPLAYED;
    }

    private static String gone(List<String> alreadyGone) {
        return alreadyGone.isEmpty() ? "" : "; already gone: " + String.join(", ", alreadyGone);
    }
}
