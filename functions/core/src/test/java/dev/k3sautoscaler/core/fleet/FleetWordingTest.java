package dev.k3sautoscaler.core.fleet;

import dev.k3sautoscaler.core.words.WordingTables;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.fleet.LaunchOutcome.Placement;
import dev.k3sautoscaler.core.fleet.LaunchOutcome.Refusal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of LaunchWorkers and TerminateWorkers: the only test that pins how they read. */
class FleetWordingTest {
    private static final List<Placement> TWO_ZONES = List.of(new Placement(2, "t3.small@eu-west-1a/on-demand"),
            new Placement(1, "t3.small@eu-west-1b/on-demand"));
    private static final Refusal NO_CAPACITY = new Refusal("t3.small@eu-west-1c/spot", "InsufficientInstanceCapacity");

    static Stream<Arguments> launches() {
        return Stream.of(
                row(new LaunchOutcome.Launched(3, 3, TWO_ZONES, 0, List.of()),
                        "launched 3 of 3 workers: 2× t3.small@eu-west-1a/on-demand, 1× t3.small@eu-west-1b/on-demand"),
                row(new LaunchOutcome.Launched(3, 3, TWO_ZONES, 2, List.of(NO_CAPACITY)),
                        "launched 3 of 3 workers: 2× t3.small@eu-west-1a/on-demand, 1× t3.small@eu-west-1b/on-demand"
                                + " (2 already started by this execution); no capacity: t3.small@eu-west-1c/spot"
                                + " InsufficientInstanceCapacity"),
                row(new LaunchOutcome.Partial(3, 1, List.of(new Placement(1, "t3.small@eu-west-1a/on-demand")), 0,
                                List.of(NO_CAPACITY, new Refusal("t3.medium@eu-west-1a/spot", "Unsupported"))),
                        "launched only 1 of 3 workers: 1× t3.small@eu-west-1a/on-demand; no capacity:"
                                + " t3.small@eu-west-1c/spot InsufficientInstanceCapacity, t3.medium@eu-west-1a/spot Unsupported"),
                row(new LaunchOutcome.None(2, List.of(NO_CAPACITY), List.of("t3.small@eu-west-1a/spot", "t3.small@eu-west-1b/spot")),
                        "launched none of 2 workers: every offering failed; no capacity: t3.small@eu-west-1c/spot"
                                + " InsufficientInstanceCapacity; skipped as recently unavailable: t3.small@eu-west-1a/spot,"
                                + " t3.small@eu-west-1b/spot"),
                row(new LaunchOutcome.None(1, List.of(NO_CAPACITY), List.of()),
                        "launched none of 1 workers: every offering failed; no capacity: t3.small@eu-west-1c/spot"
                                + " InsufficientInstanceCapacity"));
    }

    static Stream<Arguments> terminations() {
        return Stream.of(
                row(new TerminateOutcome.Terminating(List.of("i-1", "i-2"), List.of()), "terminating i-1, i-2"),
                row(new TerminateOutcome.Terminating(List.of("i-1"), List.of("i-2")), "terminating i-1; already gone: i-2"),
                row(new TerminateOutcome.NothingToTerminate(List.of("i-1", "i-2")),
                        "nothing to terminate; already gone: i-1, i-2"),
                row(new TerminateOutcome.NothingToTerminate(List.of()), "nothing to terminate"));
    }

    private static Arguments row(Object outcome, String expected) {
        return Arguments.of(outcome, expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("launches")
    void everyLaunch_readsAsPinned(LaunchOutcome outcome, String expected) {
        assertEquals(expected, FleetWording.launch(outcome));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("terminations")
    void everyTermination_readsAsPinned(TerminateOutcome outcome, String expected) {
        assertEquals(expected, FleetWording.terminate(outcome));
    }

    @Test
    void aReplayedResult_saysEc2WasNotCalledAgain() {
        assertEquals("terminating i-1 (stored result of this step's earlier attempt; EC2 not called again)",
                FleetWording.replayed("terminating i-1"));
    }

    @Test
    void theTables_coverEveryCode() {
                        WordingTables.assertCoversEveryCode(launches(), LaunchOutcome.class, LaunchOutcome::code, LaunchOutcome.Code.class);
        WordingTables.assertCoversEveryCode(terminations(), TerminateOutcome.class, TerminateOutcome::code, TerminateOutcome.Code.class);
    }
}
