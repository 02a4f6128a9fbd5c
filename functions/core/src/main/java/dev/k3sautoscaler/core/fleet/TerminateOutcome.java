package dev.k3sautoscaler.core.fleet;

import java.util.List;

/**
 * What TerminateWorkers asked EC2 to do, as facts with a stable {@link Code}; {@link FleetWording}
 * words it. A refused instance (not ours) is the error RefusedToTerminate, not an outcome.
 */
public sealed interface TerminateOutcome {

    Code code();

    enum Code { TERMINATING, NOTHING_TO_TERMINATE }

    /** @param alreadyGone instances already shutting-down, terminated or unknown to EC2 */
    record Terminating(List<String> terminated, List<String> alreadyGone) implements TerminateOutcome {
        public Terminating {
            terminated = List.copyOf(terminated);
            alreadyGone = List.copyOf(alreadyGone);
        }

        public Code code() { return Code.TERMINATING; }
    }

    /** Every instance asked for was already gone (or none was asked for). */
    record NothingToTerminate(List<String> alreadyGone) implements TerminateOutcome {
        public NothingToTerminate {
            alreadyGone = List.copyOf(alreadyGone);
        }

        public Code code() { return Code.NOTHING_TO_TERMINATE; }
    }
}
