package dev.k3sautoscaler.core.policy;

import static dev.k3sautoscaler.core.policy.Fixtures.NOW;
import static dev.k3sautoscaler.core.policy.Fixtures.launch;
import static dev.k3sautoscaler.core.policy.Fixtures.metrics;
import static dev.k3sautoscaler.core.policy.Fixtures.pods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.DecisionReason;
import dev.k3sautoscaler.core.model.DecisionReason.Need;
import dev.k3sautoscaler.core.model.HoldBack;
import dev.k3sautoscaler.core.model.ScaleTrigger;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.words.Compared;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultScalingPolicyTest {
    private static final AutoscalerConfig CONFIG = AutoscalerConfig.defaults();
    private final ScalingPolicy policy = new DefaultScalingPolicy();

    private Decision decide(ClusterMetrics metrics, ScalingState state) {
        return policy.decide(metrics, state, CONFIG, NOW);
    }

    private static ScalingState scaledUpAgo(Duration ago) {
        return ScalingState.initial().withLastScaleUpAt(NOW.minus(ago));
    }

    @Nested
    class WhenItMustNotAct {
        @Test
        void noop_whenMetricsUnavailable_andSaysWhy() {
            // GIVEN Prometheus did not answer
            ClusterMetrics metrics = ClusterMetrics.unavailable("Prometheus timed out after 5 s", NOW);

            // WHEN
            Decision decision = decide(metrics, ScalingState.initial());

            // THEN
            assertEquals(ScalingAction.NOOP, decision.action());
            assertEquals(new DecisionReason.MetricsUnavailable("Prometheus timed out after 5 s"), decision.why());
        }

        @Test
        void noop_whenPaused_evenWithUnschedulablePods() {
            ScalingState paused = ScalingState.initial().withPaused(true, "incident INC-42");

            Decision decision = decide(metrics().unschedulable(pods(5, 500, 256)).build(), paused);

            assertEquals(ScalingAction.NOOP, decision.action());
            assertEquals(new DecisionReason.Paused("incident INC-42"), decision.why());
        }

        @ParameterizedTest(name = "{0} failures, last {1} s ago → acts: {2}")
        @CsvSource({
                "1, 59, false",   // first backoff is FAILURE_BACKOFF_SEC = 60
                "1, 60, true",
                "2, 119, false",  // doubles
                "2, 120, true",
                "6, 899, false",  // 60·2^5 = 1920, capped at FAILURE_BACKOFF_MAX_SEC = 900
                "6, 900, true"})
        void backoff_holdsEveryActionUntilItExpires(int failures, long secondsAgo, boolean acts) {
            ScalingState state = ScalingState.initial().withFailures(failures, NOW.minusSeconds(secondsAgo));

            Decision decision = decide(metrics().unschedulable(pods(3, 500, 256)).build(), state);

            assertEquals(acts, decision.action() == ScalingAction.SCALE_UP, decision.reason());
            if (!acts) {
                assertEquals(DecisionReason.Code.BACKING_OFF, decision.reasonCode(), decision.reason());
            }
        }

        @Test
        void scaleDownFailures_holdBackScaleDownsOnly_neverAScaleUpForUnschedulablePods() {
            // GIVEN two scale-downs that just failed
            ScalingState downFailed = ScalingState.initial().withFailures(2, NOW.minusSeconds(10), ScalingAction.SCALE_DOWN);

            // WHEN pods cannot be scheduled, and later when the cluster is idle
            Decision surge = decide(metrics().unschedulable(pods(3, 500, 256)).build(), downFailed);
            Decision idle = decide(metrics().idle().build(), downFailed);

            // THEN the scale-up goes ahead, and the scale-down waits, saying until when: the longer of the
            // backoff (120 s) and SCALE_DOWN_DELAY_AFTER_FAILURE_SEC (180 s)
            assertEquals(ScalingAction.SCALE_UP, surge.action(), surge.reason());
            assertEquals(ScalingAction.NOOP, idle.action(), idle.reason());
            assertTrue(CONFIG.backoffAfter(2).compareTo(CONFIG.scaleDown().delayAfterFailure()) < 0);
            assertTrue(idle.heldBack().contains(new HoldBack.ScaleDownBackingOff(2,
                    NOW.minusSeconds(10).plus(CONFIG.scaleDown().delayAfterFailure()))), idle.blocked().toString());
        }

        @Test
        void noop_whenNothingIsWrong_describesTheCluster() {
            Decision decision = decide(metrics().build(), ScalingState.initial());

            assertEquals(ScalingAction.NOOP, decision.action());
            assertEquals(new DecisionReason.Steady(4, 50, 50, 0), decision.why());
            assertEquals(4, decision.currentWorkers());
            assertEquals(4, decision.targetWorkers());
        }
    }

    @Nested
    class Bounds {
        @ParameterizedTest(name = "{0} workers, MIN 2 → +{1}")
        @CsvSource({"0, 2", "1, 1"})
        void scaleUp_toMinimum_whenBelowIt(int workers, int expected) {
            Decision decision = decide(metrics().workers(workers).build(), ScalingState.initial());

            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(ScaleTrigger.BELOW_MIN, decision.trigger());
            assertEquals(expected, decision.count());
        }

        @Test
        void burstOfAThousandPods_needsAtMostTwoActuationsAtTheDefaults() {
            // 1,000 pods of 250m on workers of 1900m: 7 per worker → 143 workers; 100 now, the rest on the next tick
            AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("MAX_WORKERS", "300"));

            Decision decision = policy.decide(metrics().workers(2).unschedulable(pods(1000, 250, 100)).build(),
                    ScalingState.initial(), config, NOW);

            assertEquals(100, decision.count());
            assertEquals(new DecisionReason.Cap(143, "MAX_SCALE_UP_STEP", 100), ((DecisionReason.ScaleUp) decision.why()).cap());
        }

        @Test
        void belowMinimum_isCappedByMaxStep() {
            AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("MIN_WORKERS", "8", "MAX_SCALE_UP_STEP", "3"));

            Decision decision = policy.decide(metrics().workers(1).build(), ScalingState.initial(), config, NOW);

            assertEquals(3, decision.count());
        }

        @Test
        void atMax_noopFlagsAtMaxCapacity_andNamesThePods() {
            Decision decision = decide(metrics().workers(10).unschedulable(pods(7, 500, 256)).build(), ScalingState.initial());

            assertEquals(ScalingAction.NOOP, decision.action());
            assertTrue(decision.atMaxCapacity());
            assertEquals(ScaleTrigger.UNSCHEDULABLE_PODS, decision.trigger());
            assertEquals(new DecisionReason.AtMaxWorkers(10, 10, new Need.Pods(7, 3500, 7 * 256 * Fixtures.MIB)),
                    decision.why());
        }

        @Test
        void scaleUp_isCappedByMax_andFlagged() {
            // 9 workers, pods needing 3 → only 1 fits under MAX_WORKERS=10
            Decision decision = decide(metrics().workers(9).unschedulable(pods(3, 1500, 100)).build(), ScalingState.initial());

            assertEquals(1, decision.count());
            assertTrue(decision.atMaxCapacity());
            assertEquals(new DecisionReason.Cap(3, "MAX_WORKERS", 10), ((DecisionReason.ScaleUp) decision.why()).cap());
        }

        @Test
        void scaleUp_isCappedByMaxStep_withoutAtMaxFlag() {
            AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("MAX_SCALE_UP_STEP", "5"));
            Decision decision = policy.decide(metrics().workers(2).unschedulable(pods(8, 1500, 100)).build(), ScalingState.initial(),
                    config, NOW);

            assertEquals(5, decision.count());
            assertFalse(decision.atMaxCapacity());
            assertEquals(new DecisionReason.Cap(8, "MAX_SCALE_UP_STEP", 5), ((DecisionReason.ScaleUp) decision.why()).cap());
        }

        @Test
        void belowMinimum_doesNotCountANotReadyNodeNoLaunchExplains() {
            // GIVEN MIN 2: one Ready worker, and the NotReady Node of an instance that is gone
            // (its deletion failed after the terminate; found by the simulator's fault matrix)
            List<WorkerNode> nodes = new ArrayList<>(Fixtures.readyWorkers(1));
            nodes.add(new WorkerNode("ghost", "i-terminated", false, true));

            Decision decision = decide(metrics().workers(nodes).build(), ScalingState.initial());

            // THEN the missing worker is replaced, and the reason says why the ghost did not count
            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(ScaleTrigger.BELOW_MIN, decision.trigger());
            assertEquals(1, decision.count());
            assertEquals(new DecisionReason.BelowMin(1, 1, 2, 1), decision.why());
        }

        @Test
        void belowMinimum_stillNeverOvershootsMax_whenNotReadyNodesFillIt() {
            // GIVEN MIN 3, MAX 4: one Ready worker and three NotReady Nodes nobody launched
            AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("MIN_WORKERS", "3", "MAX_WORKERS", "4"));
            List<WorkerNode> nodes = new ArrayList<>(Fixtures.readyWorkers(1));
            for (int i = 0; i < 3; i++) {
                nodes.add(new WorkerNode("stuck-" + i, "i-stuck" + i, false, true));
            }

            Decision decision = policy.decide(metrics().workers(nodes).build(), ScalingState.initial(), config, NOW);

            // THEN no launch: MAX counts every Node
            assertFalse(decision.action() == ScalingAction.SCALE_UP && decision.trigger() == ScaleTrigger.BELOW_MIN,
                    decision.toString());
        }

        @Test
        void aJoiningLaunch_countsTowardMinimum() {
            // GIVEN MIN 2: one Ready worker and our launch, registered but not Ready yet
            List<WorkerNode> nodes = new ArrayList<>(Fixtures.readyWorkers(1));
            nodes.add(new WorkerNode("booting", "i-booting", false, true));
            ScalingState state = ScalingState.initial().withPendingLaunches(List.of(launch("i-booting", NOW.minusSeconds(60))));

            Decision decision = decide(metrics().workers(nodes).build(), state);

            // THEN nothing more is launched for MIN
            assertFalse(decision.trigger() == ScaleTrigger.BELOW_MIN, decision.toString());
        }

        @Test
        void registeredLaunch_isNotCountedTwiceAgainstMax() {
            // GIVEN 9 registered workers, one of which (NotReady) is our pending launch
            List<WorkerNode> nodes = new ArrayList<>(Fixtures.readyWorkers(8));
            nodes.add(new WorkerNode("booting", "i-booting", false, true));
            ScalingState state = ScalingState.initial().withPendingLaunches(List.of(launch("i-booting", NOW.minusSeconds(60))));

            Decision decision = decide(metrics().workers(nodes).unschedulable(pods(12, 1500, 100)).build(), state);

            // THEN total is 9 (not 10), so one more fits under MAX
            assertEquals(9, decision.currentWorkers());
            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(1, decision.count());
        }
    }

    @Nested
    class UnschedulablePods {
        @Test
        void scaleUp_sizedByBinPacking_withOperatorReadableReason() {
            Decision decision = decide(metrics().unschedulable(pods(7, 500, 256)).build(), ScalingState.initial());

            // 7 × 500m: 3 per 1900m worker → 3 workers
            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(3, decision.count());
            assertEquals(ScaleTrigger.UNSCHEDULABLE_PODS, decision.trigger());
            assertEquals(new DecisionReason.ScaleUp(3, new Need.Pods(7, 3500, 7 * 256 * Fixtures.MIB), 0, 4, null),
                    decision.why());
        }

        @Test
        void scaleUp_ignoresUtilizationCooldown() {
            Decision decision = decide(metrics().unschedulable(pods(2, 500, 256)).build(), scaledUpAgo(Duration.ofSeconds(30)));

            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(1, decision.count());
        }

        @Test
        void noop_whenInFlightCapacityAbsorbsThePods() {
            ScalingState state = ScalingState.initial().withPendingLaunches(List.of(
                    launch("i-new1", NOW.minusSeconds(60)), launch("i-new2", NOW.minusSeconds(60))));

            Decision decision = decide(metrics().unschedulable(pods(5, 500, 256)).build(), state);

            assertEquals(ScalingAction.NOOP, decision.action());
            assertTrue(decision.heldBack().contains(new HoldBack.PodsFitLaunching(5, 2)), decision.blocked().toString());
        }

        @Test
        void scaleUp_onlyForWhatInFlightCapacityCannotHold() {
            ScalingState state = ScalingState.initial().withPendingLaunches(List.of(launch("i-new1", NOW.minusSeconds(60))));

            Decision decision = decide(metrics().unschedulable(pods(6, 600, 256)).build(), state);

            assertEquals(1, decision.count());
            assertEquals(1, ((DecisionReason.ScaleUp) decision.why()).inFlight(), decision.reason());
        }

        @Test
        void launchPastJoinTimeout_isNotCapacityInFlight() {
            ScalingState state = ScalingState.initial().withPendingLaunches(List.of(
                    launch("i-lost", NOW.minus(CONFIG.joinTimeout()))));

            Decision decision = decide(metrics().unschedulable(pods(1, 500, 256)).build(), state);

            assertEquals(ScalingAction.SCALE_UP, decision.action());
            assertEquals(1, decision.count());
        }

        @Test
        void podLargerThanAnyWorker_isReportedNotScaledFor() {
            Decision decision = decide(metrics().unschedulable(pods(1, 4000, 512)).build(), ScalingState.initial());

            assertEquals(ScalingAction.NOOP, decision.action());
            assertEquals(1, decision.tooLargeForWorker().size());
            assertTrue(decision.blockedCodes().contains(HoldBack.Code.PODS_TOO_LARGE), decision.blocked().toString());
        }

        @Test
        void onePod_needs_inTheSingular() {
            // GIVEN one unschedulable pod / WHEN decided
            Decision decision = decide(metrics().unschedulable(pods(1, 500, 256)).build(), ScalingState.initial());

            // THEN the verb agrees with the count
            assertTrue(decision.reason().contains("1 unschedulable pod needs 0.5 vCPU"), decision.reason());
        }

        @Test
        void countWithoutRequests_launchesOneWorker() {
            Fixtures.Metrics builder = metrics();
            builder.unschedulable = 4; // requests unknown (e.g. truncated)
            Decision decision = decide(builder.build(), ScalingState.initial());

            assertEquals(1, decision.count());
            assertEquals(new Need.Pods(4, 0, 0), ((DecisionReason.ScaleUp) decision.why()).need());
        }
    }

    @Nested
    class Utilization {
        @ParameterizedTest(name = "lowest CPU over the window {0}% → scale up: {1}")
        @CsvSource({"70.0, false", "70.1, true", "69.9, false"})
        void cpu_mustStayAboveThresholdForTheWholeWindow(double sustainedHigh, boolean scalesUp) {
            Decision decision = decide(metrics().cpu(90, sustainedHigh, 60).build(), ScalingState.initial());

            assertEquals(scalesUp, decision.action() == ScalingAction.SCALE_UP, decision.reason());
            if (scalesUp) {
                assertEquals(ScaleTrigger.HIGH_CPU, decision.trigger());
            }
        }

        @Test
        void spikeNotSustained_doesNotScaleUp() {
            // CPU is 100% now but dipped to 40% inside the sustain window
            Decision decision = decide(metrics().cpu(100, 40, 60).build(), ScalingState.initial());

            assertEquals(ScalingAction.NOOP, decision.action());
        }

        @ParameterizedTest(name = "memory {0}% → scale up: {1}")
        @CsvSource({"75.0, false", "75.1, true"})
        void memory_aboveThreshold(double memory, boolean scalesUp) {
            Decision decision = decide(metrics().memory(memory, 70).build(), ScalingState.initial());

            assertEquals(scalesUp, decision.action() == ScalingAction.SCALE_UP, decision.reason());
            if (scalesUp) {
                assertEquals(ScaleTrigger.HIGH_MEMORY, decision.trigger());
            }
        }

        @Test
        void memoryJustAboveTheThreshold_showsTheNumbersThatMadeItAbove() {
            // GIVEN memory at 75.4% against MEM_UP=75 / WHEN decided
            Decision decision = decide(metrics().memory(75.4, 70).build(), ScalingState.initial());

            // THEN it scaled up, and the line does not read "75% above 75%"
            assertEquals(ScaleTrigger.HIGH_MEMORY, decision.trigger());
            assertFalse(decision.reason().contains("75% above 75%"), decision.reason());
            assertTrue(decision.reason().contains("memory above 75% for 2 min (lowest 75.4%)"), decision.reason());
        }

        @Test
        void memoryHighForOneSample_addsNoWorker_untilItStaysHighForItsWindow() {
            // GIVEN memory at 80% now, but it dipped to 70% within MEM_UP_SUSTAIN_SEC (a jittery sample)
            Decision jitter = decide(metrics().memory(80, 70, 70).build(), ScalingState.initial());

            // THEN no scale-up; once it stayed above 75% for the whole window, one
            assertEquals(ScalingAction.NOOP, jitter.action(), jitter.reason());
            Decision sustained = decide(metrics().memory(80, 76, 70).build(), ScalingState.initial());
            assertEquals(ScaleTrigger.HIGH_MEMORY, sustained.trigger(), sustained.reason());
        }

        @Test
        void growsInProportionToTheOvershoot() {
            // 4 workers at 100% against a 70% target → ceil(4 × 100/70) = 6 → +2
            Decision decision = decide(metrics().cpu(100, 100, 90).build(), ScalingState.initial());

            assertEquals(2, decision.count());
        }

        @ParameterizedTest(name = "last scale-up {0} s ago → scale up: {1}")
        @CsvSource({"299, false", "300, true"})
        void cooldownUp_dampsUtilizationGrowth(long secondsAgo, boolean scalesUp) {
            Decision decision = decide(metrics().cpu(95, 90, 80).build(), scaledUpAgo(Duration.ofSeconds(secondsAgo)));

            assertEquals(scalesUp, decision.action() == ScalingAction.SCALE_UP, decision.reason());
            if (!scalesUp) {
                assertEquals(HoldBack.Code.SCALE_UP_COOLDOWN, decision.blockedCodes().getFirst(), decision.blocked().toString());
            }
        }

        @Test
        void inFlightCapacity_holdsUtilizationGrowth() {
            ScalingState state = ScalingState.initial().withPendingLaunches(List.of(launch("i-new", NOW.minusSeconds(30))));

            Decision decision = decide(metrics().cpu(95, 90, 80).build(), state);

            assertEquals(ScalingAction.NOOP, decision.action());
            assertEquals(HoldBack.Code.SCALE_UP_LAUNCHING, decision.blockedCodes().getFirst(), decision.blocked().toString());
        }

        @Test
        void podsAndCpuTogether_takeTheLargerNeed() {
            Decision decision = decide(metrics().cpu(100, 100, 90).unschedulable(pods(1, 100, 64)).build(),
                    ScalingState.initial());

            assertEquals(2, decision.count());
            assertEquals(ScaleTrigger.HIGH_CPU, decision.trigger());
        }
    }
}
