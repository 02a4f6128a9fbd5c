package dev.k3sautoscaler.core.fleet;

import java.util.List;

/**
 * What LaunchWorkers started, as facts with a stable {@link Code}; {@link FleetWording} words it.
 * Nothing started at all is the error InsufficientCapacity, not an outcome.
 */
public sealed interface LaunchOutcome {

    Code code();

    enum Code { LAUNCHED, PARTIAL }

    int requested();

    int launched();

    /** Where the launched workers run, in launch order. */
    List<Placement> placements();

    /** Workers an earlier attempt of this execution had started (counted in {@code launched}). */
    int alreadyStarted();

    /** Offerings EC2 refused in this call. */
    List<Refusal> refused();

    /** @param offering e.g. "t3.small@eu-west-1a/on-demand" */
    record Placement(long count, String offering) {
    }

    /** @param errorCode EC2's, e.g. InsufficientInstanceCapacity */
    record Refusal(String offering, String errorCode) {
    }

    /** All asked for are running or pending; some offerings may have been refused on the way. */
    record Launched(int requested, int launched, List<Placement> placements, int alreadyStarted,
                    List<Refusal> refused) implements LaunchOutcome {
        public Launched {
            placements = List.copyOf(placements);
            refused = List.copyOf(refused);
        }

        public Code code() { return Code.LAUNCHED; }
    }

    /** Fewer than asked for: no offering had capacity for the rest. */
    record Partial(int requested, int launched, List<Placement> placements, int alreadyStarted,
                   List<Refusal> refused) implements LaunchOutcome {
        public Partial {
            placements = List.copyOf(placements);
            refused = List.copyOf(refused);
        }

        public Code code() { return Code.PARTIAL; }
    }
}
