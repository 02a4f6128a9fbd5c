package dev.k3sautoscaler.core.fleet;

import java.util.List;

/**
 * What LaunchWorkers started, as facts with a stable {@link Code}; {@link FleetWording} words it.
 * Nothing started at all is an outcome too ({@link None}), so the offerings EC2 refused reach the
 * state like any launch's; the workflow then fails with InsufficientCapacity.
 */
public sealed interface LaunchOutcome {

    Code code();

    enum Code { LAUNCHED, PARTIAL, NONE }

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

    /**
     * Not one worker: every offering was refused now or skipped as still remembered unavailable.
     *
     * @param skipped offerings not asked because the state remembers them as unavailable, e.g. "t3.small@eu-west-1a/on-demand"
     */
    record None(int requested, List<Refusal> refused, List<String> skipped) implements LaunchOutcome {
        public None {
            refused = List.copyOf(refused);
            skipped = List.copyOf(skipped);
        }

        public Code code() { return Code.NONE; }

        public int launched() { return 0; }

        public List<Placement> placements() { return List.of(); }

        /** An earlier attempt's workers would count as launched, so there are none. */
        public int alreadyStarted() { return 0; }
    }
}
