package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.runtime.StepMetrics;
import dev.k3sautoscaler.testkit.emf.EmfCapture;
import dev.k3sautoscaler.testkit.emf.EmfCapture.Metric;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.PendingPod;
import dev.k3sautoscaler.workflow.Execution;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CloudWatch metrics (EMF lines on stdout) the steps emit along the real workflows. */
class MetricsIT {
    private final AutoscalerRig rig = new AutoscalerRig();
    private final EmfCapture emf = EmfCapture.start();

    @AfterEach
    void close() {
        emf.close();
        rig.close();
    }

    @Test
    void scaleUp_emitsTheDecisionGauges_theEventAndTheJoinLatency() {
        // GIVEN one worker and one unschedulable pod
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));

        // WHEN the actuation scales up and the worker joins 70 s after launch
        Checks.succeeded(rig.actuate("metrics-up", "{\"trigger\":\"scale\"}"));

        // THEN the decision gauges, the scale-up event and the join latency were published for the cluster
        assertEquals(1.0, only(StepMetrics.WORKER_COUNT).value());
        assertEquals(1.0, only(StepMetrics.UNSCHEDULABLE_PODS).value());
        assertEquals(0.0, only(StepMetrics.AT_MAX_CAPACITY).value());
        Metric decision = only(StepMetrics.SCALING_DECISIONS);
        assertEquals(Map.of("ClusterId", "e2e", "Action", "SCALE_UP", "Trigger", "UNSCHEDULABLE_PODS"),
                decision.dimensions());
        Metric up = only(StepMetrics.SCALE_UP_EVENTS);
        assertEquals(1.0, up.value());
        assertEquals("Count", up.unit());
        assertEquals("UNSCHEDULABLE_PODS", up.dimensions().get("Trigger"));
        Metric latency = only(StepMetrics.NODE_JOIN_LATENCY);
        assertEquals("Milliseconds", latency.unit());
        // Registered at +70 s, seen by the fourth 20-s poll: +80 s on the virtual clock.
        assertEquals(80_000.0, latency.value());
        // The lock was released right after the launch was recorded, before the 80 s of join polling:
        // on the virtual clock, where the steps themselves take no time, it was held for 0 ms.
        Metric held = only(StepMetrics.LOCK_HOLD_TIME);
        assertEquals("Milliseconds", held.unit());
        assertEquals(0.0, held.value(), () -> "lock held " + held.value() + " ms");
        emf.metrics().forEach(metric -> {
            assertEquals(StepMetrics.NAMESPACE, metric.namespace());
            assertEquals("e2e", metric.dimensions().get("ClusterId"));
        });
    }

    @Test
    void failedDrain_emitsAScalingFailureByErrorType() {
        // GIVEN idle workers and a DrainNode that crashes
        for (int i = 0; i < 3; i++) {
            String instanceId = rig.runningWorker();
            rig.pod("shop", "web-" + i, AutoscalerRig.nodeName(instanceId));
        }
        rig.idle = true;
        rig.interceptor = (task, call) -> {
            if ("DrainNode".equals(task.stateName())) {
                throw new IllegalStateException("simulated crash");
            }
            return call.call();
        };

        // WHEN the actuation runs
        Execution execution = rig.actuate("metrics-fail", "{\"trigger\":\"scale\"}");

        // THEN one failure was counted, named by its error type
        assertEquals(Execution.Status.FAILED, execution.status());
        Metric failure = only(StepMetrics.SCALING_FAILURES);
        assertEquals(1.0, failure.value());
        assertEquals("java.lang.IllegalStateException", failure.dimensions().get("ErrorType"));
        assertTrue(emf.named(StepMetrics.SCALE_DOWN_EVENTS).isEmpty(), "no scale-down happened");
    }

    @Test
    void spotDrainAndBusyLock_areCounted() {
        // GIVEN a worker with an evictable pod, and the lock held by a stuck actuation
        String instanceId = rig.runningWorker();
        rig.pod("shop", "web-0", AutoscalerRig.nodeName(instanceId));
        rig.evictionAnswers("shop", "web-0", 201, 1);
        rig.lock.acquire("stuck-actuation");

        // WHEN a Spot interruption arrives and a scale actuation tries the lock
        Checks.succeeded(rig.actuate("metrics-spot", "{\"trigger\":\"spot-interruption\",\"instanceId\":\"" + instanceId + "\"}"));
        Checks.succeeded(rig.actuate("metrics-busy", "{\"trigger\":\"scale\"}"));

        // THEN one Spot drain and one busy lock were published
        assertEquals(1.0, only(StepMetrics.SPOT_DRAINS).value());
        assertEquals(1.0, only(StepMetrics.LOCK_BUSY).value());
    }

    @Test
    void joinTimeout_isCountedPerInstance() {
        // GIVEN a pod that needs a worker, and instances that never join
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        rig.bootAndJoin = null;

        // WHEN the actuation runs past JOIN_TIMEOUT_SEC
        Checks.succeeded(rig.actuate("metrics-timeout", "{\"trigger\":\"scale\"}"));

        // THEN the launch and the timed-out instance were counted, and no join latency
        assertEquals(1.0, only(StepMetrics.SCALE_UP_EVENTS).value());
        assertEquals(1.0, only(StepMetrics.JOIN_TIMEOUTS).value());
        assertTrue(emf.named(StepMetrics.NODE_JOIN_LATENCY).isEmpty());
    }

    @Test
    void abortedDrain_isCounted_andIsNotAScaleDown() {
        // GIVEN idle workers whose pods a PodDisruptionBudget keeps
        idleWorkers(429, 1000);

        // WHEN the actuation gives up after DRAIN_TIMEOUT_SEC
        Checks.succeeded(rig.actuate("metrics-abort", "{\"trigger\":\"scale\"}"));

        // THEN one aborted drain, no scale-down event, and the decision said IDLE
        assertEquals(1.0, only(StepMetrics.DRAINS_ABORTED).value());
        assertTrue(emf.named(StepMetrics.SCALE_DOWN_EVENTS).isEmpty());
        assertEquals("IDLE", only(StepMetrics.SCALING_DECISIONS).dimensions().get("Trigger"));
    }

    @Test
    void scaleDown_emitsTheEventWithItsTrigger_andTheDrainDuration() {
        // GIVEN three idle workers whose pods are evicted at once, and leave when evicted
        idleWorkers(201, 1);

        // WHEN the actuation removes one worker
        Checks.succeeded(rig.actuate("metrics-down", "{\"trigger\":\"scale\"}"));

        // THEN one scale-down event, labelled with the decision's trigger, and how long the drain took
        Metric down = only(StepMetrics.SCALE_DOWN_EVENTS);
        assertEquals(1.0, down.value());
        assertEquals("IDLE", down.dimensions().get("Trigger"));
        Metric drain = only(StepMetrics.DRAIN_DURATION);
        assertEquals("Milliseconds", drain.unit());
        assertTrue(drain.value() >= 0 && drain.value() <= 300_000.0, () -> "drain took " + drain.value() + " ms");
        assertEquals(1, emf.named(StepMetrics.LOCK_HOLD_TIME).size());
        // AND the decision's view of the three unneeded workers: one goes, two wait for the disruption budget
        assertEquals(3.0, only(StepMetrics.UNNEEDED_WORKERS).value());
        Metric kept = only(StepMetrics.UNNEEDED_WORKERS_KEPT);
        assertEquals(2.0, kept.value());
        assertEquals(Map.of("ClusterId", "e2e", "Reason", "DISRUPTION_BUDGET"), kept.dimensions());
    }

    /** Three idle workers with one pod each, whose evictions answer {@code status} {@code times} times. */
    private void idleWorkers(int status, int times) {
        for (int i = 0; i < 3; i++) {
            String instanceId = rig.runningWorker();
            rig.pod("shop", "web-" + i, AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", "web-" + i, status, times);
        }
        rig.idle = true;
    }

    private Metric only(String name) {
        List<Metric> found = emf.named(name);
        assertEquals(1, found.size(), () -> name + " published " + found.size() + " times: " + emf.metrics());
        return found.getFirst();
    }
}
