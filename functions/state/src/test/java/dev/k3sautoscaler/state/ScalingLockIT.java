package dev.k3sautoscaler.state;

import dev.k3sautoscaler.workflow.VirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.LeaseOutcome;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.errors.LockLost;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Lock semantics against DynamoDB Local; time moves only through the virtual clock. */
class ScalingLockIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration TTL = LocalState.LOCK_TTL;

    private final VirtualClock clock = new VirtualClock(T0);
    private final StateAccess state = LocalState.access(clock);
    private final ScalingLease lock = new ScalingLease(state);
    private final OutcomeLog outcomes = new OutcomeLog(state);
    private final StateReader reader = new StateReader(state);

    @Test
    void acquire_onANewCluster_grantsTokenOne_andTheInitialState() {
        // WHEN the first execution ever acquires
        AcquireLockOutput result = lock.acquire("exec-a");

        // THEN it gets token 1, a lease of LOCK_TTL, and an empty state
        assertTrue(result.acquired(), result.reason());
        assertEquals(new Lease("exec-a", 1L, T0.plus(TTL)), result.lease());
        assertEquals(ScalingState.initial(), result.state());
        assertNull(result.heldBy());
    }

    @Test
    void acquire_whileALeaseIsLive_answersBusy_withHolderAndExpiry() {
        // GIVEN exec-a holds the lock
        lock.acquire("exec-a");
        clock.advance(TTL.minusSeconds(1));

        // WHEN exec-b tries one second before the lease ends
        AcquireLockOutput busy = lock.acquire("exec-b");

        // THEN it is told who holds it and until when, without an error
        assertFalse(busy.acquired());
        assertEquals("exec-a", busy.heldBy());
        assertEquals(T0.plus(TTL), busy.heldUntil());
        assertNull(busy.lease());
        assertEquals(LeaseOutcome.Code.BUSY, busy.outcome(), busy.reason());
    }

    @Test
    void acquire_afterTheLeaseExpired_takesOver_withAHigherToken() {
        // GIVEN exec-a acquired and crashed (never released)
        Lease crashed = lock.acquire("exec-a").lease();

        // WHEN the lease's expiry is reached and exec-b tries
        clock.advance(TTL);
        AcquireLockOutput takeover = lock.acquire("exec-b");

        // THEN exec-b holds it, with a higher fencing token
        assertTrue(takeover.acquired(), takeover.reason());
        assertEquals(crashed.fencingToken() + 1, takeover.lease().fencingToken());
    }

    @Test
    void releaseHeldBy_releasesTheExecutionsOwnLease_whateverItsToken_andNoOneElses() {
        // GIVEN exec-a acquired twice (a retried AcquireLock whose answers were lost: token 2 now)
        lock.acquire("exec-a");
        lock.acquire("exec-a");

        // WHEN another execution asks first, then exec-a
        ReleaseLockOutput other = lock.releaseHeldBy("exec-b");
        boolean stillHeld = reader.load().locked();
        ReleaseLockOutput own = lock.releaseHeldBy("exec-a");

        // THEN only exec-a's own release released, and the lock is free at once
        assertEquals(ReleaseLockOutput.Status.NOT_HELD, other.status());
        assertEquals(LeaseOutcome.Code.OWNER_HOLDS_NONE, other.outcome(), other.reason());
        assertTrue(stillHeld, "exec-b released nothing");
        assertEquals(ReleaseLockOutput.Status.RELEASED, own.status());
        assertEquals(LeaseOutcome.Code.RELEASED, own.outcome(), own.reason());
        assertTrue(own.reason().contains("token 2"), own.reason());
        assertTrue(lock.acquire("exec-c").acquired());
    }

    @Test
    void acquire_afterRelease_succeedsAtOnce() {
        // GIVEN exec-a acquired and released
        lock.release(lock.acquire("exec-a").lease());

        // WHEN exec-b acquires at the same instant
        AcquireLockOutput next = lock.acquire("exec-b");

        // THEN it is granted without waiting for the old expiry
        assertTrue(next.acquired(), next.reason());
        assertEquals(2L, next.lease().fencingToken());
    }

    @Test
    void acquire_repeatedByTheHolder_grantsAgain_soARetryAfterALostAnswerDoesNotBlockItself() {
        // GIVEN exec-a acquired (and its answer was lost on the way back)
        lock.acquire("exec-a");

        // WHEN the step is retried by the same execution
        AcquireLockOutput retried = lock.acquire("exec-a");

        // THEN it holds the lock under a new token, and other executions are still kept out
        assertTrue(retried.acquired(), retried.reason());
        assertEquals(2L, retried.lease().fencingToken());
        assertFalse(lock.acquire("exec-b").acquired());
    }

    @Test
    void renew_byTheOwner_extendsTheLease_andKeepsOthersOut() {
        // GIVEN exec-a's lease, 200 s in
        Lease lease = lock.acquire("exec-a").lease();
        clock.advance(Duration.ofSeconds(200));

        // WHEN it renews
        RenewResult renewed = lock.renew(lease);

        // THEN the lease runs LOCK_TTL from now, same token; exec-b is still busy past the old expiry
        assertEquals(LeaseOutcome.Code.RENEWED, renewed.outcome(), renewed.reason());
        assertEquals(new Lease("exec-a", lease.fencingToken(), T0.plusSeconds(200).plus(TTL)), renewed.lease());
        clock.advance(Duration.ofSeconds(150));
        AcquireLockOutput other = lock.acquire("exec-b");
        assertFalse(other.acquired());
        assertEquals(renewed.lease().expiresAt(), other.heldUntil());
    }

    @Test
    void renew_byAStaleOwner_afterATakeover_isRejected_andDoesNotExtendTheNewLease() {
        // GIVEN exec-a's lease expired and exec-b took over
        Lease stale = lock.acquire("exec-a").lease();
        clock.advance(TTL);
        Lease current = lock.acquire("exec-b").lease();

        // WHEN exec-a tries to renew
        LockLost lost = assertThrows(LockLost.class, () -> lock.renew(stale));

        // THEN it is told the lock moved on, and exec-b's lease is unchanged
        assertTrue(lost.getMessage().contains("held by exec-b"), lost.getMessage());
        assertEquals(current.expiresAt(), reader.load().lockExpiresAt());
        assertEquals("exec-b", reader.load().lockOwner());
    }

    @Test
    void renew_afterRelease_isRejected() {
        Lease lease = lock.acquire("exec-a").lease();
        lock.release(lease);

        assertThrows(LockLost.class, () -> lock.renew(lease));
    }

    @Test
    void renew_ofAnExpiredLeaseNobodyTook_succeeds_becauseTheTokenProvesNoOneHeldItSince() {
        // GIVEN exec-a's lease expired but nobody acquired
        Lease lease = lock.acquire("exec-a").lease();
        clock.advance(TTL.plusSeconds(30));

        // WHEN exec-a renews
        RenewResult renewed = lock.renew(lease);

        // THEN it holds the lock again from now
        assertEquals(clock.instant().plus(TTL), renewed.lease().expiresAt());
        assertFalse(lock.acquire("exec-b").acquired());
    }

    @Test
    void release_twice_releasesOnce_andSaysSoTheSecondTime() {
        Lease lease = lock.acquire("exec-a").lease();

        ReleaseLockOutput first = lock.release(lease);
        ReleaseLockOutput second = lock.release(lease);

        assertEquals(ReleaseLockOutput.Status.RELEASED, first.status());
        assertTrue(first.released());
        assertEquals(T0, first.releasedAt());
        assertEquals(ReleaseLockOutput.Status.ALREADY_RELEASED, second.status());
        assertFalse(second.released());
        assertEquals(LeaseOutcome.Code.ALREADY_RELEASED, second.outcome(), second.reason());
    }

    @Test
    void release_byAStaleOwner_neverReleasesTheNewHoldersLock() {
        // GIVEN exec-a's lease expired and exec-b took over
        Lease stale = lock.acquire("exec-a").lease();
        clock.advance(TTL);
        lock.acquire("exec-b");

        // WHEN exec-a's failure path releases its old lease
        ReleaseLockOutput result = lock.release(stale);

        // THEN nothing is released: exec-b still holds the lock
        assertEquals(ReleaseLockOutput.Status.SUPERSEDED, result.status());
        assertFalse(result.released());
        assertEquals(LeaseOutcome.Code.SUPERSEDED, result.outcome(), result.reason());
        assertEquals("exec-b", reader.load().lockOwner());
        assertFalse(lock.acquire("exec-c").acquired());
    }

    @Test
    void release_ofALeaseWithTheWrongOwner_releasesNothing() {
        Lease real = lock.acquire("exec-a").lease();

        ReleaseLockOutput result = lock.release(new Lease("exec-x", real.fencingToken(), real.expiresAt()));

        assertEquals(ReleaseLockOutput.Status.NOT_HELD, result.status());
        assertEquals(LeaseOutcome.Code.NOT_HELD, result.outcome(), result.reason());
        assertEquals("exec-a", reader.load().lockOwner());
    }

    @Test
    void record_byAStaleOwner_isRejected_andNothingIsWritten() {
        // GIVEN exec-a's lease expired and exec-b took over
        Lease stale = lock.acquire("exec-a").lease();
        clock.advance(TTL);
        lock.acquire("exec-b");
        int eventsBefore = reader.recentEvents(10).size();

        // WHEN exec-a records a scale-up it believes it did
        Outcome outcome = Outcome.of(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED, 2, "scale-up +2");
        assertThrows(LockLost.class, () -> outcomes.record("exec-a", stale, outcome));

        // THEN neither the state nor the event log changed
        assertEquals(ScalingState.initial(), reader.load().state());
        assertEquals(eventsBefore, reader.recentEvents(10).size());
    }

    @Test
    void load_reportsTheHolder_withoutTakingTheLock() {
        Lease lease = lock.acquire("exec-a").lease();

        LoadStateOutput locked = reader.load();
        clock.advance(TTL);
        LoadStateOutput expired = reader.load();

        assertTrue(locked.locked());
        assertEquals("exec-a", locked.lockOwner());
        assertEquals(lease.expiresAt(), locked.lockExpiresAt());
        assertFalse(expired.locked(), "an expired lease is not a lock");
        assertEquals(1L, expired.fencingToken());
    }
}
