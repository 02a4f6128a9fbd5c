package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.engine.LeaseLedger.Entry;
import dev.k3sautoscaler.simulator.engine.LeaseLedger.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NO_SIDE_EFFECT_UNDER_LOST_LEASE on hand-made ledgers: fails on a stale actuation, holds on a careful one. */
class LeaseLedgerInvariantTest {
    private static final Duration TTL = Duration.ofMinutes(5);

    private static Entry at(long seconds, String execution, String function, Kind kind) {
        return new Entry(Duration.ofSeconds(seconds), execution, function, kind);
    }

    private static List<String> check(Entry... ledger) {
        return Invariants.sideEffectsUnderLease(List.of(ledger), TTL).stream().map(Invariants.Violation::toString).toList();
    }

    @Test
    void breaks_whenASideEffectLandsAfterAnotherExecutionAcquiredTheLock() {
        // GIVEN A's launch hangs past its lease; B acquires the lock at 5 min; A's launch lands at 6 min
        List<String> violations = check(
                at(0, "scale-up-a", "acquire-lock", Kind.ACQUIRED),
                at(300, "scale-up-b", "acquire-lock", Kind.ACQUIRED),
                at(300, "scale-up-b", "launch-workers", Kind.SIDE_EFFECT),
                at(360, "scale-up-a", "launch-workers", Kind.SIDE_EFFECT));

        // THEN A's side effect was made under a lease B had taken (a leased step renews as it acts,
        // so only the takeover can break it)
        assertEquals(List.of("NO_SIDE_EFFECT_UNDER_LOST_LEASE: scale-up-a launch-workers at [00:06:00]: scale-up-b"
                + " acquired the lock at [00:05:00], after this execution's acquisition at [00:00:00]"), violations);
    }

    @Test
    void breaks_whenAnUnfencedSideEffectLandsAfterTheLeaseRanOut_evenIfNobodyElseTookTheLock() {
        List<String> violations = check(
                at(0, "scale-down-a", "acquire-lock", Kind.ACQUIRED),
                at(299, "scale-down-a", "drain-node", Kind.SIDE_EFFECT),
                at(600, "scale-down-a", "uncordon-node", Kind.SIDE_EFFECT));

        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.getFirst().contains("last lease operation at [00:04:59], 301 s before"), violations.toString());
    }

    @Test
    void holds_whenALeasedStepActsAfterItsLeaseRanOut_butNobodyTookTheLock() {
        // GIVEN the lease ran out while the drain waited; the next pass's fence renewed it before evicting
        List<String> violations = check(
                at(0, "scale-down-a", "acquire-lock", Kind.ACQUIRED),
                at(0, "scale-down-a", "cordon-node", Kind.SIDE_EFFECT),
                at(400, "scale-down-a", "drain-node", Kind.SIDE_EFFECT),
                at(400, "scale-down-a", "terminate-workers", Kind.SIDE_EFFECT));

        assertEquals(List.of(), violations);
    }

    @Test
    void holds_whenEverySideEffectIsWithinARenewedLease_andCompletedStepsRenew() {
        List<String> violations = check(
                at(0, "scale-down-a", "acquire-lock", Kind.ACQUIRED),
                at(0, "scale-down-a", "cordon-node", Kind.SIDE_EFFECT),
                at(240, "scale-down-a", "drain-node", Kind.SIDE_EFFECT),
                at(480, "scale-down-a", "drain-node", Kind.SIDE_EFFECT),
                at(700, "scale-down-a", "renew-lock", Kind.RENEWED),
                at(900, "scale-down-a", "terminate-workers", Kind.SIDE_EFFECT),
                at(900, "scale-down-a", "delete-node", Kind.SIDE_EFFECT),
                at(900, "scale-down-a", "release-lock", Kind.RELEASED),
                at(960, "scale-up-b", "acquire-lock", Kind.ACQUIRED));

        assertEquals(List.of(), violations);
    }

    @Test
    void holds_forLocklessSideEffects_theSpotDrain_andAfterReleaseLock() {
        List<String> violations = check(
                at(0, "scale-up-a", "acquire-lock", Kind.ACQUIRED),
                at(0, "scale-up-a", "launch-workers", Kind.SIDE_EFFECT),
                at(60, "scale-up-a", "release-lock", Kind.RELEASED),
                at(120, "scale-down-b", "acquire-lock", Kind.ACQUIRED),
                // A's join loop after it released the lock, and a Spot drain that never takes it
                at(900, "scale-up-a", "terminate-workers", Kind.SIDE_EFFECT),
                at(900, "spot-interruption-i-1", "drain-node", Kind.SIDE_EFFECT));

        assertEquals(List.of(), violations);
    }
}
