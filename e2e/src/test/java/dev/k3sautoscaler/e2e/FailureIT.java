package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.PendingPod;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.TaskFailure;
import io.fabric8.kubernetes.api.model.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Crashes mid-step: after the real side effect, the workflow must still leave nothing behind. */
class FailureIT {
    private final AutoscalerRig rig = new AutoscalerRig();

    @AfterEach
    void close() {
        Checks.noUnrecognisedQueries(rig);
        rig.close();
    }

    @Test
    void retriedLaunchWorkers_launchesOnce_whenTheFirstAttemptCrashedAfterLaunching() {
        // GIVEN a pod that needs a worker, and a LaunchWorkers whose runtime dies right after EC2 answered
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if ("LaunchWorkers".equals(task.stateName()) && task.attempt() == 0) {
                throw new TaskFailure("Lambda.Unknown", "The Lambda runtime exited before answering");
            }
            return result;
        };

        // WHEN the actuation runs (the ASL retries Lambda.Unknown)
        Execution execution = rig.actuate("retry-1", "{\"trigger\":\"scale\"}");

        // THEN LaunchWorkers ran twice but EC2 holds one instance for this execution
        Checks.succeeded(execution);
        assertEquals(2, rig.invocations("launch-workers"));
        List<FakeInstance> launched = rig.ec2.instances().stream()
                .filter(i -> "retry-1".equals(i.tag("k3s-autoscaler/launched-by"))).toList();
        assertEquals(1, launched.size(), "launched once: " + launched);
        assertEquals(1, Checks.event(rig.events(), OutcomeAction.SCALE_UP).count());
        Checks.lockReleased(rig);
    }

    @Test
    void drainCrash_uncordonsRecordsAndReleases_soNothingIsOrphaned() {
        // GIVEN three idle workers, and a DrainNode that crashes after its evictions went out
        for (int i = 0; i < 3; i++) {
            String instanceId = rig.runningWorker();
            String pod = "web-" + i;
            rig.pod("shop", pod, AutoscalerRig.nodeName(instanceId));
            rig.evictionAnswers("shop", pod, 429, 100);
        }
        rig.idle = true;
        rig.interceptor = (task, call) -> {
            var result = call.call();
            if ("DrainNode".equals(task.stateName())) {
                throw new IllegalStateException("simulated crash after the eviction calls");
            }
            return result;
        };

        // WHEN the actuation runs
        Execution execution = rig.actuate("crash-1", "{\"trigger\":\"scale\"}");

        // THEN it fails with the crash's name, after undoing the cordon, recording that worker's ending and
        // releasing the lock
        assertEquals(Execution.Status.FAILED, execution.status());
        assertEquals("java.lang.IllegalStateException", execution.error());
        assertTrue(execution.statePath().containsAll(List.of("UncordonAfterFailure", "Failed", "RecordScaleDown",
                "RemovalFailed?", "ReleaseLockAfterFailure")), execution.statePath().toString());
        for (Node node : rig.admin.nodes().list().getItems()) {
            assertNotEquals(Boolean.TRUE, node.getSpec().getUnschedulable(), node.getMetadata().getName() + " cordoned");
        }
        assertEquals(3, rig.aliveInstances().size(), "no instance terminated");
        rig.aliveInstances().forEach(i -> assertNotNull(rig.nodeOf(i.instanceId()), "every instance is a node"));
        EventRecord failure = Checks.event(rig.events(), OutcomeAction.SCALE_DOWN);
        assertEquals(OutcomeResult.FAILED, failure.result());
        assertEquals("java.lang.IllegalStateException", failure.error());
        Checks.lockReleased(rig);
    }

    @Test
    void lockExpires_andTheNextActuationProceeds_whenReleaseCrashedForGood() {
        // GIVEN a steady cluster and a ReleaseLock that fails every time
        rig.runningWorker();
        rig.interceptor = (task, call) -> {
            if (task.stateName().startsWith("ReleaseLock")) {
                throw new IllegalStateException("simulated crash in ReleaseLock");
            }
            return call.call();
        };
        Execution crashed = rig.actuate("stuck-1", "{\"trigger\":\"scale\"}");
        assertEquals(Execution.Status.FAILED, crashed.status());
        assertTrue(rig.state().locked(), "the lease outlives the crashed execution");
        rig.interceptor = (task, call) -> call.call();

        // WHEN the next actuation comes after LOCK_TTL_SEC (300 s)
        Execution busy = rig.actuate("next-1", "{\"trigger\":\"scale\"}");
        rig.clock.advance(Duration.ofSeconds(301));
        Execution next = rig.actuate("next-2", "{\"trigger\":\"scale\"}");

        // THEN before the expiry it found the lock busy, after it acquired, decided and released
        assertEquals("lock busy: another actuation is running", busy.output().path("outcome").asText());
        Checks.succeeded(next);
        assertTrue(next.statePath().contains("Decide"), next.statePath().toString());
        Checks.lockReleased(rig);
    }
}
