package dev.k3sautoscaler.state;

import dev.k3sautoscaler.workflow.VirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.core.state.OutcomeRules;
import dev.k3sautoscaler.state.StateTableSchema.EventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.k3sautoscaler.errors.StateStoreUnavailable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Recording outcomes: the state write and the event log, against DynamoDB Local. */
class RecordOutcomeIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private final VirtualClock clock = new VirtualClock(T0);
    private final StateAccess state = LocalState.access(clock);
    private final ScalingLease lock = new ScalingLease(state);
    private final OutcomeLog outcomes = new OutcomeLog(state);
    private final StateReader reader = new StateReader(state);

    private static Outcome scaleUp(String... instanceIds) {
        List<PendingLaunch> launches = java.util.Arrays.stream(instanceIds)
                .map(id -> new PendingLaunch(id, "t3.small", "eu-west-1a", T0)).toList();
        return new Outcome(OutcomeAction.SCALE_UP, OutcomeResult.SUCCEEDED, instanceIds.length, List.of(instanceIds),
                "scale-up +" + instanceIds.length + ": 3 unschedulable pods", null, launches, List.of(),
                List.of(new UnavailableOffering("t3.small", "eu-west-1b", "on-demand", T0.plusSeconds(180),
                        "InsufficientInstanceCapacity")));
    }

    @Test
    void record_storesTheNewState_andTheNextAcquisitionReturnsIt() {
        // GIVEN exec-a holds the lock
        Lease lease = lock.acquire("exec-a").lease();

        // WHEN it records a scale-up of two instances (one offering was unavailable) and releases
        RecordOutcomeOutput recorded = outcomes.record("exec-a", lease, scaleUp("i-1", "i-2"));
        lock.release(lease);
        clock.advance(Duration.ofSeconds(60));
        AcquireLockOutput next = lock.acquire("exec-b");

        // THEN the next execution sees exactly that state, every field through the item and back
        assertTrue(recorded.applied(), recorded.reason());
        ScalingState expected = new ScalingState(T0, null, null, 0,
                List.of(new PendingLaunch("i-1", "t3.small", "eu-west-1a", T0), new PendingLaunch("i-2", "t3.small", "eu-west-1a", T0)),
                List.of(new UnavailableOffering("t3.small", "eu-west-1b", "on-demand", T0.plusSeconds(180), "InsufficientInstanceCapacity")),
                false, null);
        assertEquals(expected, recorded.state());
        assertEquals(expected, next.state());
    }

    @Test
    void record_ofAFailure_countsIt_blocksTheNode_andPauseIsKeptWithItsReason() {
        Lease lease = lock.acquire("exec-a").lease();

        outcomes.record("exec-a", lease, new Outcome(OutcomeAction.SCALE_DOWN, OutcomeResult.FAILED, 0, List.of("i-9"),
                "TerminateInstances failed after the drain of node-9", "dev.k3sautoscaler.errors.Ec2Unavailable",
                List.of(), List.of(), List.of()));
        clock.advance(Duration.ofSeconds(1));
        RecordOutcomeOutput paused = outcomes.record("exec-a", lease,
                Outcome.of(OutcomeAction.PAUSE, OutcomeResult.SUCCEEDED, 0, "maintenance window"));

        ScalingState stored = reader.load().state();
        assertEquals(1, paused.state().consecutiveFailures());
        assertEquals(T0, paused.state().lastFailureAt());
        assertTrue(paused.state().paused());
        assertEquals("maintenance window", stored.pausedReason());
        // Written to and read back from the table: the direction of the failures and the blocked node.
        assertEquals(dev.k3sautoscaler.core.model.ScalingAction.SCALE_DOWN, stored.failedAction());
        assertEquals(List.of(new dev.k3sautoscaler.core.model.BlockedNode("i-9",
                "TerminateInstances failed after the drain of node-9", T0.plus(OutcomeRules.BLOCKED_NODE_MEMORY))),
                stored.blockedNodes());
    }

    @Test
    void eventLog_isReadNewestFirst_withEveryField() {
        // GIVEN three outcomes recorded a minute apart
        Lease lease = lock.acquire("exec-a").lease();
        outcomes.record("exec-a", lease, scaleUp("i-1"));
        clock.advance(Duration.ofMinutes(1));
        outcomes.record("exec-a", lease, new Outcome(OutcomeAction.JOIN_CHECK, OutcomeResult.FAILED, 1, List.of("i-1"),
                "i-1 not Ready after 600 s; terminated", "JoinTimeout", List.of(), List.of("i-1"), List.of()));
        clock.advance(Duration.ofMinutes(1));
        outcomes.record("exec-a", lease, Outcome.of(OutcomeAction.NOOP, OutcomeResult.SUCCEEDED, 0, "nothing to do"));

        // WHEN the newest two are read
        List<EventRecord> events = reader.recentEvents(2);

        // THEN they come newest first, with what the operator needs
        assertEquals(List.of(OutcomeAction.NOOP, OutcomeAction.JOIN_CHECK), events.stream().map(EventRecord::action).toList());
        EventRecord join = events.get(1);
        assertEquals(T0.plus(Duration.ofMinutes(1)), join.at());
        assertEquals("exec-a", join.execution());
        assertEquals(OutcomeResult.FAILED, join.result());
        assertEquals(1, join.count());
        assertEquals(List.of("i-1"), join.instanceIds());
        assertEquals("JoinTimeout", join.error());
        assertEquals("i-1 not Ready after 600 s; terminated", join.reason());
        assertEquals(lease.fencingToken(), join.fencingToken());
        assertTrue(join.eventKey().startsWith("2026-03-01T12:01:00.000Z#exec-a#"), join.eventKey());
        assertEquals(3, reader.recentEvents(10).size());
    }

    @Test
    void eventLog_itemsCarryTheTtlAttribute_retentionAfterTheirTime() {
        Lease lease = lock.acquire("exec-a").lease();
        RecordOutcomeOutput recorded = outcomes.record("exec-a", lease, scaleUp("i-1"));

        Map<String, AttributeValue> item = LocalState.dynamo().getItem(r -> r.tableName(LocalState.EVENT_LOG_TABLE)
                .key(Map.of(EventLog.CLUSTER_ID, AttributeValue.fromS(state.clusterId()),
                        EventLog.EVENT_KEY, AttributeValue.fromS(recorded.eventKey())))).item();

        assertEquals(Long.toString(T0.plus(LocalState.RETENTION).getEpochSecond()), item.get(EventLog.EXPIRES_AT).n());
    }

    @Test
    void record_retriedWithTheSameOutcome_isAppliedOnce() {
        // GIVEN a failure was recorded, and the step is retried because its answer was lost
        Lease lease = lock.acquire("exec-a").lease();
        Outcome failure = new Outcome(OutcomeAction.SCALE_UP, OutcomeResult.FAILED, 0, List.of(), "RunInstances failed",
                "InsufficientCapacity", List.of(), List.of(), List.of());
        RecordOutcomeOutput first = outcomes.record("exec-a", lease, failure);
        clock.advance(Duration.ofSeconds(2));

        // WHEN the same outcome arrives again
        RecordOutcomeOutput retry = outcomes.record("exec-a", lease, failure);

        // THEN it is not applied twice: one failure counted, one event
        assertTrue(first.applied());
        assertFalse(retry.applied());
        assertNull(retry.eventKey());
        assertEquals(1, retry.state().consecutiveFailures());
        assertEquals(1, reader.recentEvents(10).size());
    }

    @Test
    void spotDrain_isRecordedWithoutTheLock_andTheHoldersLaterRecordKeepsIt() {
        // GIVEN exec-a holds the lock for a scale-up
        Lease lease = lock.acquire("exec-a").lease();

        // WHEN a Spot drain (which never waits for the lock) records that its offering is being reclaimed
        UnavailableOffering reclaimed = new UnavailableOffering("t3.small", "eu-west-1c", "spot", T0.plusSeconds(600),
                "Spot interruption warning");
        RecordOutcomeOutput spot = outcomes.record("spot-exec", null, new Outcome(OutcomeAction.SPOT_DRAIN, OutcomeResult.SUCCEEDED,
                1, List.of("i-7"), "spot interruption: node-7 drained", null, List.of(), List.of(), List.of(reclaimed)));
        clock.advance(Duration.ofSeconds(5));
        RecordOutcomeOutput holder = outcomes.record("exec-a", lease, scaleUp("i-1"));

        // THEN both are in the state (neither write lost the other), the lock is untouched, both are logged
        assertTrue(spot.applied(), spot.reason());
        assertTrue(holder.state().unavailableOfferings().contains(reclaimed), holder.state().toString());
        assertEquals("exec-a", reader.load().lockOwner());
        assertEquals(List.of(OutcomeAction.SCALE_UP, OutcomeAction.SPOT_DRAIN),
                reader.recentEvents(10).stream().map(EventRecord::action).toList());
        assertNull(reader.recentEvents(10).get(1).fencingToken());
    }

    @Test
    void theTicksTimers_areWrittenWithoutTheLock_whileAnActuationHoldsIt_andSurviveItsRecord() {
        // GIVEN an actuation holding the lock
        Lease lease = lock.acquire("exec-a").lease();
        List<UnneededNode> timers = List.of(new UnneededNode("w-1", "i-1", T0.minusSeconds(300)),
                new UnneededNode("w-2", "i-2", T0));

        // WHEN a tick records the per-node timers without a lease, then the holder records its scale-down
        RecordOutcomeOutput tick = outcomes.record("tick-1", null, Outcome.unneeded(timers, "per-node scale-down timers"));
        clock.advance(Duration.ofSeconds(1));
        RecordOutcomeOutput holder = outcomes.record("exec-a", lease,
                Outcome.of(OutcomeAction.SCALE_DOWN, OutcomeResult.SUCCEEDED, 1, "scale-down -1"));

        // THEN both are applied, and the timers are still there for the next decision
        assertTrue(tick.applied(), tick.reason());
        assertTrue(holder.applied(), holder.reason());
        assertEquals(timers, reader.load().state().unneededNodes());
        assertEquals(List.of(OutcomeAction.SCALE_DOWN, OutcomeAction.UNNEEDED),
                reader.recentEvents(2).stream().map(EventRecord::action).toList());
    }

    @Test
    void concurrentLocklessRecords_loseNoWrite() throws Exception {
        // GIVEN eight Spot drains recording at once, each remembering a different reclaimed offering
        int drains = 8;
        try (ExecutorService pool = Executors.newFixedThreadPool(drains)) {
            List<Future<RecordOutcomeOutput>> results = new java.util.ArrayList<>();
            for (int i = 0; i < drains; i++) {
                UnavailableOffering offering = new UnavailableOffering("t3.small", "zone-" + i, "spot",
                        T0.plusSeconds(600), "Spot interruption warning");
                Outcome outcome = new Outcome(OutcomeAction.SPOT_DRAIN, OutcomeResult.SUCCEEDED, 1, List.of("i-" + i),
                        "spot interruption " + i, null, List.of(), List.of(), List.of(offering));
                String execution = "spot-" + i;
                // WHEN each records, retrying StateStoreUnavailable as the ASL's Retry would
                results.add(pool.submit(() -> {
                    while (true) {
                        try {
                            return outcomes.record(execution, null, outcome);
                        } catch (StateStoreUnavailable contended) {
                            // every attempt lost the optimistic race; the workflow retries the step
                        }
                    }
                }));
            }
            for (Future<RecordOutcomeOutput> result : results) {
                assertTrue(result.get().applied());
            }
        }

        // THEN every offering and every event is there: the state version ordered the writes
        assertEquals(drains, reader.load().state().unavailableOfferings().size());
        assertEquals(drains, reader.recentEvents(20).size());
    }

    @Test
    void aLocklessWrite_betweenTheHoldersReadAndWrite_isNotOverwritten() {
        // GIVEN exec-a holds the lock, and a Spot drain will record exactly between exec-a's read of the
        // state and its write (the log reads the clock in between; this clock lets the drain in then)
        Lease lease = lock.acquire("exec-a").lease();
        OutcomeLog spotSide = new OutcomeLog(LocalState.access(state.clusterId(), new VirtualClock(T0), LocalState.LOCK_TTL));
        UnavailableOffering reclaimed = new UnavailableOffering("t3.small", "eu-west-1c", "spot", T0.plusSeconds(600),
                "Spot interruption warning");
        Runnable spotDrain = () -> spotSide.record("spot-exec", null, new Outcome(OutcomeAction.SPOT_DRAIN,
                OutcomeResult.SUCCEEDED, 1, List.of("i-7"), "spot interruption", null, List.of(), List.of(), List.of(reclaimed)));
        OutcomeLog holderSide = new OutcomeLog(LocalState.access(state.clusterId(),
                new InterleavingClock(T0.plusSeconds(1), spotDrain), LocalState.LOCK_TTL));

        // WHEN exec-a records its scale-up
        RecordOutcomeOutput recorded = holderSide.record("exec-a", lease, scaleUp("i-1"));

        // THEN its first write failed on the state version, it re-read, and both changes are kept
        assertTrue(recorded.applied());
        assertEquals(List.of("eu-west-1b", "eu-west-1c"),
                recorded.state().unavailableOfferings().stream().map(UnavailableOffering::availabilityZone).sorted().toList());
        assertEquals(List.of("i-1"), recorded.state().pendingLaunches().stream().map(PendingLaunch::instanceId).toList());
        assertEquals(reader.load().state(), recorded.state());
    }

    /** A fixed clock that runs {@code interloper} the first time it is read. */
    private static final class InterleavingClock extends java.time.Clock {
        private final Instant now;
        private Runnable interloper;

        InterleavingClock(Instant now, Runnable interloper) {
            this.now = now;
            this.interloper = interloper;
        }

        @Override
        public Instant instant() {
            Runnable once = interloper;
            interloper = null;
            if (once != null) {
                once.run();
            }
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
