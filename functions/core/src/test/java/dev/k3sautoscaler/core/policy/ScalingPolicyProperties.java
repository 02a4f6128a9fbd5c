package dev.k3sautoscaler.core.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of both policies over generated clusters, states and configurations. */
class ScalingPolicyProperties {
    private static final Instant NOW = Fixtures.NOW;

    record Case(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config) {
    }

    @Property(tries = 2000)
    void neverAboveMax_neverBelowMin_neverDownWithUnschedulablePods_alwaysAReason(
            @ForAll("cases") Case c, @ForAll("policies") ScalingPolicy policy) {
        Decision decision = policy.decide(c.metrics(), c.state(), c.config(), NOW);

        assertFalse(decision.reason().isBlank());
        if (decision.action() == ScalingAction.SCALE_UP) {
            assertTrue(decision.targetWorkers() <= c.config().maxWorkers()
                            || decision.trigger() == dev.k3sautoscaler.core.model.ScaleTrigger.BELOW_MIN,
                    () -> "above MAX: " + decision);
            assertTrue(decision.count() <= Math.max(c.config().maxScaleUpStep(), 1) || policy instanceof SeedBaselinePolicy,
                    () -> "above the step: " + decision);
        }
        if (decision.action() == ScalingAction.SCALE_DOWN) {
            assertTrue(decision.targetWorkers() >= c.config().minWorkers(), () -> "below MIN: " + decision);
            assertTrue(c.metrics().unschedulablePods() == 0, () -> "scale-down with unschedulable pods: " + decision);
        }
    }

    @Property(tries = 500)
    void unavailableMetrics_neverAct(@ForAll("cases") Case c, @ForAll("policies") ScalingPolicy policy) {
        ClusterMetrics missing = ClusterMetrics.unavailable("no data", NOW);

        Decision decision = policy.decide(missing, c.state(), c.config(), NOW);

        assertTrue(decision.isNoop());
    }

    @Provide
    Arbitrary<ScalingPolicy> policies() {
        return Arbitraries.of(new DefaultScalingPolicy(), new SeedBaselinePolicy());
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<AutoscalerConfig> configs = Combinators.combine(
                Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 14),
                Arbitraries.integers().between(1, 6),
                Arbitraries.of("0", "0", "1900"), Arbitraries.of("0", "0", "1600"))
                .as((min, extra, step, headroomCpu, headroomMib) -> AutoscalerConfig.fromEnvironment(Map.of(
                        "MIN_WORKERS", Integer.toString(min),
                        "MAX_WORKERS", Integer.toString(Math.max(1, min + extra)),
                        "MAX_SCALE_UP_STEP", Integer.toString(step),
                        "HEADROOM_CPU_MILLIS", headroomCpu, "HEADROOM_MEMORY_MIB", headroomMib)));
        return Combinators.combine(metrics(), states(), configs).as(Case::new);
    }

    private Arbitrary<ClusterMetrics> metrics() {
        Arbitrary<Double> percent = Arbitraries.doubles().between(0, 100).ofScale(1);
        Arbitrary<List<WorkerNode>> workers = Combinators.combine(
                        Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3))
                .as((ready, notReady, cordoned) -> {
                    List<WorkerNode> nodes = new ArrayList<>();
                    for (int i = 0; i < ready + notReady + cordoned; i++) {
                        nodes.add(new WorkerNode("n" + i, "i-" + i, i < ready || i >= ready + notReady, i < ready + notReady));
                    }
                    return nodes;
                });
        Arbitrary<List<PodRequest>> pods = Combinators.combine(
                        Arbitraries.longs().between(10, 5000), Arbitraries.longs().between(16, 4096))
                .as((cpu, mib) -> new PodRequest("ns", "p" + cpu + "-" + mib, cpu, mib * Fixtures.MIB))
                .list().ofMaxSize(40);
        return Builders.withBuilder(Fixtures::metrics)
                .use(Combinators.combine(percent, percent, percent).as(List::of))
                .in((b, cpu) -> b.cpu(cpu.get(0), cpu.get(1), cpu.get(2)))
                .use(Combinators.combine(percent, percent).as(List::of)).in((b, m) -> b.memory(m.get(0), m.get(1)))
                .use(pods).in(Fixtures.Metrics::unschedulable)
                .use(Arbitraries.integers().between(0, 5)).in(Fixtures.Metrics::unschedulableWithin)
                .use(Combinators.combine(Arbitraries.longs().between(0, 40_000), Arbitraries.longs().between(0, 40_000))
                        .as(List::of)).in((b, r) -> b.requested(r.get(0), r.get(1)))
                .use(workers).in(Fixtures.Metrics::workers)
                .build(Fixtures.Metrics::build);
    }

    private Arbitrary<ScalingState> states() {
        Arbitrary<Instant> recent = Arbitraries.longs().between(0, 3600).map(NOW::minusSeconds).injectNull(0.4);
        Arbitrary<List<PendingLaunch>> launches = Arbitraries.longs().between(0, 900)
                .map(ago -> new PendingLaunch("i-p" + ago, "t3.small", "a", NOW.minus(Duration.ofSeconds(ago))))
                .list().ofMaxSize(4);
        return Combinators.combine(recent, recent, recent, Arbitraries.integers().between(0, 4), launches,
                        Arbitraries.of(true, false).injectNull(0))
                .as((up, down, failedAt, failures, pending, paused) -> new ScalingState(up, down,
                        failures == 0 ? null : (failedAt == null ? NOW.minusSeconds(3600) : failedAt), failures,
                        pending, List.of(), paused && failures == 4, null));
    }
}
