package dev.k3sautoscaler.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The alert path's timing, as Prometheus and Alertmanager would play it. */
class AlertPathTest {
    /** Evaluated every 15 s from 5 s; no `for`; group_wait 0 s, group_interval 30 s, repeat 1 h; delivery 2 s. */
    private static final AlertPath.Timings TIMINGS = new AlertPath.Timings(Duration.ofSeconds(15), Duration.ZERO,
            Duration.ZERO, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(2));

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    /** Plays the path until {@code until}; {@code unschedulable} says what the last scrape saw at each instant. */
    private static List<Duration> ticks(AlertPath path, Duration until, Function<Duration, Set<String>> unschedulable) {
        List<Duration> ticks = new ArrayList<>();
        for (Duration now = path.nextInstant(); now.compareTo(until) <= 0; now = path.nextInstant()) {
            Optional<Duration> tick = path.advance(now, unschedulable.apply(now));
            tick.ifPresent(ticks::add);
        }
        return ticks;
    }

    @Test
    void firstAlert_startsATickAtTheNextEvaluationPlusDelivery() {
        AlertPath path = new AlertPath(TIMINGS, seconds(5));

        // GIVEN a pod the scrape sees unschedulable from 12 s
        List<Duration> ticks = ticks(path, seconds(60), now -> now.compareTo(seconds(12)) >= 0 ? Set.of("app/web-1") : Set.of());

        // THEN the evaluation at 20 s fires it, the group flushes at once, the tick starts at 22 s; nothing new after
        assertEquals(List.of(seconds(22)), ticks);
    }

    @Test
    void newPodsOfAFiringGroup_waitForTheGroupInterval_andTheSamePodsAreNotNotifiedAgain() {
        AlertPath path = new AlertPath(TIMINGS, seconds(0));

        // GIVEN one pod from 0 s, a second from 20 s, a third from 40 s, all waiting until 120 s
        List<Duration> ticks = ticks(path, seconds(119), now -> {
            if (now.compareTo(seconds(40)) >= 0) {
                return Set.of("a", "b", "c");
            }
            return now.compareTo(seconds(20)) >= 0 ? Set.of("a", "b") : Set.of("a");
        });

        // THEN notices at 0 s (a), 30 s (b), 60 s (c); the flushes at 90 s brought nothing new
        assertEquals(List.of(seconds(2), seconds(32), seconds(62)), ticks);
    }

    @Test
    void resolvedGroup_isDropped_andTheNextSpikeStartsANewOneWithoutWaiting() {
        AlertPath path = new AlertPath(TIMINGS, seconds(0));

        // GIVEN pods waiting 0-29 s, then again from 100 s
        List<Duration> ticks = ticks(path, seconds(130), now -> now.compareTo(seconds(30)) < 0 || now.compareTo(seconds(100)) >= 0
                ? Set.of("p-" + (now.compareTo(seconds(100)) >= 0 ? 2 : 1)) : Set.of());

        // THEN one notice for each spike, the second at its first evaluation (105 s), not at a 30 s boundary of the old group
        assertEquals(List.of(seconds(2), seconds(107)), ticks);
    }

    @Test
    void forClause_holdsTheAlertUntilThePodMatchedThatLong() {
        AlertPath path = new AlertPath(new AlertPath.Timings(Duration.ofSeconds(15), seconds(30), Duration.ZERO,
                Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(2)), seconds(0));

        List<Duration> ticks = ticks(path, seconds(60), now -> Set.of("a"));

        assertEquals(List.of(seconds(32)), ticks);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {AlertPath.PODS_ALERT, AlertPath.HEADROOM_ALERT})
    void deployedTimings_comeFromClusterBootstrapsFiles(String alert) {
        AlertPath.Timings deployed = AlertPath.Timings.deployed(dev.k3sautoscaler.simulator.virtual.MonitoringTimings.deployed(), alert);

        // The delivery is the hops alone: PENDING_UP_SEC is waited inside the tick, by its ASL.
        assertEquals(new AlertPath.Timings(seconds(15), Duration.ZERO, seconds(1), seconds(15), Duration.ofHours(1),
                AlertPath.DELIVERY), deployed);
    }

    @Test
    void anAlertTheRulesDoNotHave_failsWithWhereItLooked() {
        IllegalStateException missing = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> AlertPath.Timings.deployed(dev.k3sautoscaler.simulator.virtual.MonitoringTimings.deployed(), "NoSuchAlert"));

        assertEquals(AlertPath.RULES + " group " + AlertPath.GROUP + " has no entry with alert NoSuchAlert", missing.getMessage());
    }
}
