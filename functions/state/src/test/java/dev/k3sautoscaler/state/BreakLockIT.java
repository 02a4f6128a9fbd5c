package dev.k3sautoscaler.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.errors.LockLost;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An operator's break-lock, pause and resume on DynamoDB Local. */
class BreakLockIT {
    private final VirtualClock clock = new VirtualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final StateAccess state = LocalState.access(clock);
    private final ScalingLease lock = new ScalingLease(state);
    private final OutcomeLog outcomes = new OutcomeLog(state);
    private final StateReader reader = new StateReader(state);

    private JsonNode breakLock(String requestedBy, String reason) throws Exception {
        String input = """
                {"execution": "break-1", "startedAt": "2026-11-23T12:00:00Z",
                 "request": {"trigger": "break-lock", "requestedBy": "%s", "reason": "%s",
                             "summary": "break-lock requested by %s: %s"}}""".formatted(requestedBy, reason, requestedBy, reason);
        return StepJson.MAPPER.readTree(new BreakLockHandler(new LockBreaker(state)).invoke(input, LocalLambdaContext.forFunction("break-lock")));
    }

    @Test
    void breakLock_freesALiveLease_recordsWhoAndTheHolder_andFencesTheHolderOut() throws Exception {
        // GIVEN a lease held by an actuation that hangs
        Lease held = lock.acquire("scale-up-20261123-1158").lease();
        clock.advance(Duration.ofSeconds(30));

        // WHEN alice breaks it
        JsonNode output = breakLock("alice", "hung since 11:58");

        // THEN the lock is free, the event names her, the previous holder and its token
        assertFalse(reader.load().locked());
        String expected = "lease of scale-up-20261123-1158 (token " + held.fencingToken() + ", until "
                + held.expiresAt() + ") removed; by alice: hung since 11:58";
        assertEquals("recorded LOCK_BROKEN: " + expected, output.get("reason").asText());
        EventRecord event = reader.recentEvents(1).getFirst();
        assertEquals(OutcomeAction.LOCK_BROKEN, event.action());
        assertEquals(expected, event.reason());
        assertEquals("break-1", event.execution());
        assertEquals("Scaling lock broken by alice: " + expected, output.at("/notification/text").asText());
        assertEquals("lock-broken", output.at("/notification/attributes/event/StringValue").asText());

        // AND the former holder can no longer write; a new actuation acquires at once
        assertThrows(LockLost.class, () -> outcomes.record(held.owner(), held,
                Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, "too late")));
        assertFalse(lock.release(held).released());
        assertTrue(lock.acquire("scale-up-20261123-1201").acquired());
    }

    @Test
    void breakLock_onAFreeLock_isRecordedForTheAudit() throws Exception {
        // GIVEN no lock WHEN bob breaks it THEN nothing to break, and the request is still in the log
        JsonNode output = breakLock("bob", "checking");

        assertTrue(output.get("reason").asText().startsWith("recorded LOCK_BROKEN: nothing to break: the lock was free (token 0)"));
        assertEquals(OutcomeAction.LOCK_BROKEN, reader.recentEvents(1).getFirst().action());
        assertFalse(reader.load().locked());
    }

    @Test
    void pauseAndResume_areRecordedWithoutALease_evenWhileAnActuationHoldsTheLock() throws Exception {
        // GIVEN an actuation holding the lock
        Lease held = lock.acquire("scale-up-1").lease();
        RecordOutcomeHandler record = new RecordOutcomeHandler(outcomes);

        // WHEN alice pauses, without a lease
        JsonNode paused = StepJson.MAPPER.readTree(record.invoke("""
                {"execution": "pause-1", "outcome": {"action": "PAUSE", "result": "SUCCEEDED", "count": 0,
                 "reason": "pause requested by alice: INC-123"},
                 "request": {"trigger": "pause", "requestedBy": "alice", "reason": "INC-123"}}""",
                LocalLambdaContext.forFunction("record-outcome")));

        // THEN the state is paused and the lease untouched; the holder still records under it
        assertTrue(paused.at("/state/paused").asBoolean());
        assertEquals("Autoscaling paused by alice: INC-123; every tick does nothing until resume",
                paused.at("/notification/text").asText());
        assertTrue(reader.load().locked());
        outcomes.record(held.owner(), held, Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, "no action: paused"));
        assertTrue(reader.load().state().paused(), "the holder's record keeps the pause");

        // AND a lockless record of anything else is still refused
        assertThrows(IllegalArgumentException.class, () -> outcomes.record("x", null,
                Outcome.of(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED, 1, "sneaky")));
    }
}
