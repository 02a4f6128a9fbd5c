package dev.k3sautoscaler.core.state;

import dev.k3sautoscaler.core.words.WordingTables;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of the scaling lease's outcomes: the only test that pins how they read. */
class LeaseWordingTest {
    private static final Instant T = Instant.parse("2026-11-23T12:00:00Z");
    private static final Instant LATER = Instant.parse("2026-11-23T12:15:00Z");

    static Stream<Arguments> outcomes() {
        return Stream.of(
                row(new LeaseOutcome.Acquired(3, LATER), "lock acquired (token 3, until 2026-11-23T12:15:00Z)"),
                row(new LeaseOutcome.Busy("exec-a", LATER, 3),
                        "lock busy: held by exec-a until 2026-11-23T12:15:00Z (token 3)"),
                row(new LeaseOutcome.BusyReleasedLater(Instant.parse("2026-11-23T12:00:01Z"), T),
                        "lock busy: released at 2026-11-23T12:00:01Z, later than this call's clock 2026-11-23T12:00:00Z"),
                row(new LeaseOutcome.Renewed(3, LATER), "lock renewed until 2026-11-23T12:15:00Z (token 3)"),
                row(new LeaseOutcome.Released(3, 42, false), "lock released (token 3, held 42 s)"),
                row(new LeaseOutcome.Released(3, 0, true), "lock released (token 3, held 0 s, its acquisition's answer lost)"),
                row(new LeaseOutcome.AlreadyReleased(3), "already released (token 3); nothing to do"),
                row(new LeaseOutcome.Superseded(3, 4, "exec-b"), "nothing released: token 3 was superseded by token 4 held by exec-b"),
                row(new LeaseOutcome.Superseded(3, 4, null), "nothing released: token 3 was superseded by token 4 (since released)"),
                row(new LeaseOutcome.NotHeld(3, "exec-a", 1), "nothing released: no lease token 3 for exec-a (current token 1)"),
                row(new LeaseOutcome.OwnerHoldsNone("exec-a"), "nothing released: exec-a holds no lease"));
    }

    private static Arguments row(LeaseOutcome outcome, String expected) {
        return Arguments.of(outcome, expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("outcomes")
    void everyOutcome_readsAsPinned(LeaseOutcome outcome, String expected) {
        assertEquals(expected, LeaseWording.reason(outcome));
    }

    @Test
    void theTable_coversEveryCode() {
        WordingTables.assertCoversEveryCode(outcomes(), LeaseOutcome.class, LeaseOutcome::code, LeaseOutcome.Code.class);
    }
}
