package dev.k3sautoscaler.state;

import dev.k3sautoscaler.workflow.VirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.LockLost;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many executions racing for one cluster's lock on DynamoDB Local. Each granted lease's
 * [start, end) is recorded, where end is its release time if released, else its (last renewed)
 * expiry; no two may overlap. Time is a shared virtual clock every thread moves forward, so
 * expiries and takeovers happen without sleeping.
 */
class LockContentionIT {
    private static final int THREADS = 16;
    private static final int ACQUISITIONS = 10_000;
    /** Short lease, so abandoned locks expire and slow holders lose theirs to a takeover within seconds of contention. */
    private static final Duration TTL = Duration.ofSeconds(10);

    /** One granted lease as its holder saw it; only its holder's thread updates it. */
    private static final class Grant {
        final String owner;
        final long token;
        final long start;
        long end;
        String ending;

        Grant(Lease lease) {
            this.owner = lease.owner();
            this.token = lease.fencingToken();
            this.end = lease.expiresAt().getEpochSecond();
            this.start = end - TTL.toSeconds();
            this.ending = "expired";
        }

        boolean overlaps(Grant other) {
            return start < other.end && other.start < end;
        }

        @Override
        public String toString() {
            return owner + " token " + token + " [" + start + ", " + end + ") " + ending;
        }
    }

    @BeforeEach
    void quietLockLog() {
        // 10,000 "lock busy" lines say nothing the counts below do not.
        Configurator.setLevel(ScalingLease.class.getName(), Level.ERROR);
    }

    @AfterEach
    void restoreLockLog() {
        Configurator.setLevel(ScalingLease.class.getName(), Level.INFO);
    }

    @Test
    void sixteenThreads_tenThousandAcquisitions_neverTwoLiveLeasesAtOnce() throws Exception {
        // GIVEN one cluster's lock and 16 executions hammering it
        VirtualClock clock = new VirtualClock(Instant.parse("2026-03-01T00:00:00Z"));
        StateAccess state = LocalState.access(LocalState.newClusterId(), clock, TTL);
        ScalingLease lock = new ScalingLease(state);
        AtomicInteger attemptsLeft = new AtomicInteger(ACQUISITIONS);
        Tally tally = new Tally();
        ConcurrentLinkedQueue<Grant> grants = new ConcurrentLinkedQueue<>();

        // WHEN each thread acquires; a holder works 0-2 s, then releases (80%), renews once and
        // releases (15%), or crashes and lets the lease expire (5%); every attempt moves time 0-1 s
        long wallStart = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int threadId = thread;
                workers.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int attempt;
                    while ((attempt = attemptsLeft.getAndDecrement()) > 0) {
                        AcquireLockOutput result = lock.acquire("exec-" + threadId + "-" + attempt);
                        if (!result.acquired()) {
                            tally.denials.incrementAndGet();
                        } else {
                            Grant grant = new Grant(result.lease());
                            grants.add(grant);
                            hold(lock, clock, result.lease(), grant, random, tally);
                        }
                        clock.advance(Duration.ofSeconds(random.nextInt(2)));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);

        // THEN no two recorded leases overlap, and every grant took exactly one fencing token
        List<Grant> all = new ArrayList<>(grants);
        all.sort(Comparator.comparingLong(grant -> grant.token));
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                if (all.get(i).overlaps(all.get(j))) {
                    overlaps.add(all.get(i) + " overlaps " + all.get(j));
                }
            }
        }
        System.out.printf("lock contention: %d threads, %d acquisitions: %d granted, %d denied; "
                        + "%d released, %d renewed, %d abandoned to expiry, %d lost to a takeover; "
                        + "%d virtual seconds; wall time %.1f s%n",
                THREADS, ACQUISITIONS, all.size(), tally.denials.get(), tally.releases.get(), tally.renewals.get(),
                tally.abandoned.get(), tally.lostLeases.get(), all.isEmpty() ? 0 : all.getLast().end - all.getFirst().start, wall.toMillis() / 1000.0);
        assertEquals(List.of(), overlaps.stream().limit(5).toList(), overlaps.size() + " overlapping leases");
        assertEquals(ACQUISITIONS, all.size() + tally.denials.get());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).token, "fencing tokens are 1..n with no gap or repeat");
        }
        assertTrue(tally.abandoned.get() > 0 && tally.releases.get() > 0 && tally.renewals.get() > 0,
                "the run exercised releases, renewals and expiries");
        assertEquals(all.size(), new StateReader(state).load().fencingToken());
    }

    /** How the attempts ended, for the printed summary. */
    private static final class Tally {
        final AtomicInteger denials = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final AtomicInteger renewals = new AtomicInteger();
        final AtomicInteger abandoned = new AtomicInteger();
        final AtomicInteger lostLeases = new AtomicInteger();
    }

    private static void hold(ScalingLease lock, VirtualClock clock, Lease lease, Grant grant, ThreadLocalRandom random,
                             Tally tally) {
        clock.advance(Duration.ofSeconds(random.nextInt(3)));
        int choice = random.nextInt(100);
        if (choice < 5) {
            tally.abandoned.incrementAndGet();
            return;
        }
        Lease current = lease;
        if (choice < 20) {
            try {
                current = lock.renew(lease).lease();
                grant.end = current.expiresAt().getEpochSecond();
                tally.renewals.incrementAndGet();
                clock.advance(Duration.ofSeconds(random.nextInt(3)));
            } catch (LockLost lost) {
                grant.ending = "lost before renewal";
                tally.lostLeases.incrementAndGet();
                return;
            }
        }
        ReleaseLockOutput released = lock.release(current);
        if (released.released()) {
            grant.end = released.releasedAt().getEpochSecond();
            grant.ending = "released";
            tally.releases.incrementAndGet();
        } else {
            grant.ending = "lost before release";
            tally.lostLeases.incrementAndGet();
        }
    }
}
