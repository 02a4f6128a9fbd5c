package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.state.OutcomeAction;
import dev.k3sautoscaler.core.state.OutcomeResult;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.testkit.TestWorld;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.PendingPod;
import dev.k3sautoscaler.workflow.Execution;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scale-up through the actuation machine: launch, wait for the join, record, release. */
class ScaleUpIT {
    private final AutoscalerRig rig = new AutoscalerRig();

    @AfterEach
    void close() {
        Checks.noUnrecognisedQueries(rig);
        rig.close();
    }

    @Test
    void actuation_launchesAndWaitsForTheJoin_whenAPodIsUnschedulable() {
        // GIVEN one running worker and a pod no worker can take
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));

        // WHEN the actuation runs (the new instance boots and joins 70 s after its launch)
        Execution execution = rig.actuate("scale-1", "{\"trigger\":\"scale\"}");

        // THEN one instance was launched, its Node joined, and the run ended cleanly
        Checks.succeeded(execution);
        List<FakeInstance> alive = rig.aliveInstances();
        assertEquals(2, alive.size(), "the seeded worker and one new one");
        FakeInstance launched = alive.stream().filter(i -> "scale-1".equals(i.tag("k3s-autoscaler/launched-by")))
                .findFirst().orElseThrow();
        assertNotNull(rig.nodeOf(launched.instanceId()), "the new worker registered its Node");
        assertTrue(rig.stateVisits(execution).get("CheckWorkersJoined") >= 2, "it polled until the join: "
                + execution.statePath());
        // AND the event log says so, and the lock is free
        List<EventRecord> events = rig.events();
        EventRecord join = Checks.event(events, OutcomeAction.JOIN_CHECK);
        assertEquals(OutcomeResult.SUCCEEDED, join.result());
        assertEquals(List.of(launched.instanceId()), join.instanceIds());
        EventRecord launch = Checks.event(events, OutcomeAction.SCALE_UP);
        assertEquals(1, launch.count());
        Checks.lockReleased(rig);
        assertTrue(rig.state().state().pendingLaunches().isEmpty(), "pending launches cleared after the join");
    }

    @Test
    void offeringsEc2Refused_areRememberedWhenNothingLaunched_andNotAskedAgainUntilTheirTimeIsUp() {
        // GIVEN a pod that needs a worker, and no capacity in any offering (t3.small, t3a.small × a, b; on-demand)
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Map<String, Long> eachAskedOnce = Stream.of("t3.small@subnet-a", "t3.small@subnet-b", "t3a.small@subnet-a",
                "t3a.small@subnet-b").collect(Collectors.toMap(offering -> offering, offering -> 1L));
        rig.capacityEverywhere(0);
        Map<String, Instant> launchedAt = new HashMap<>();
        rig.interceptor = (task, call) -> {
            if ("LaunchWorkers".equals(task.stateName())) {
                launchedAt.putIfAbsent(task.executionName(), rig.clock.instant());
            }
            return call.call();
        };

        // WHEN an actuation tries to launch
        Execution first = rig.actuate("no-capacity-1", "{\"trigger\":\"scale\"}");

        // THEN it fails with InsufficientCapacity after asking each offering once, the lock released
        assertEquals(Execution.Status.FAILED, first.status(), first.statePath().toString());
        assertEquals("dev.k3sautoscaler.errors.InsufficientCapacity", first.error());
        assertEquals(eachAskedOnce, runInstancesPerOffering());
        Checks.lockReleased(rig);
        // AND the state remembers every refused offering until OFFERING_UNAVAILABLE_SEC (180 s) after the refusal,
        // and counts the failure for the backoff
        Instant until = launchedAt.get("no-capacity-1").plusSeconds(180);
        ScalingState state = rig.state().state();
        assertEquals(Set.of("t3.small@eu-west-1a/on-demand", "t3.small@eu-west-1b/on-demand",
                        "t3a.small@eu-west-1a/on-demand", "t3a.small@eu-west-1b/on-demand"),
                state.unavailableOfferings().stream().map(o -> o.instanceType() + "@" + o.availabilityZone() + "/"
                        + o.capacityType()).collect(Collectors.toSet()));
        state.unavailableOfferings().forEach(o -> assertEquals(until, o.until(), o.toString()));
        assertEquals(1, state.consecutiveFailures());
        EventRecord failure = Checks.event(rig.events(), OutcomeAction.SCALE_UP);
        assertEquals(OutcomeResult.FAILED, failure.result());
        assertEquals("dev.k3sautoscaler.errors.InsufficientCapacity", failure.error());

        // WHEN the next actuation comes after the failure backoff (FAILURE_BACKOFF_SEC 60 s), the offerings still marked
        rig.clock.advanceTo(state.lastFailureAt().plusSeconds(61));
        Execution second = rig.actuate("no-capacity-2", "{\"trigger\":\"scale\"}");

        // THEN it launched and failed the same way without one RunInstances call
        assertTrue(second.statePath().contains("LaunchWorkers"), second.statePath().toString());
        assertEquals("dev.k3sautoscaler.errors.InsufficientCapacity", second.error());
        assertEquals(eachAskedOnce, runInstancesPerOffering());

        // WHEN capacity returns and an actuation comes after the marks expired (and the doubled backoff, 120 s)
        rig.capacityEverywhere(10);
        Instant backedOff = rig.state().state().lastFailureAt().plusSeconds(121);
        rig.clock.advanceTo(backedOff.isAfter(until) ? backedOff : until.plusSeconds(1));
        Execution third = rig.actuate("no-capacity-3", "{\"trigger\":\"scale\"}");

        // THEN the launch asks EC2 again and a worker joins
        Checks.succeeded(third);
        assertEquals(2, rig.aliveInstances().size());
        assertEquals(5, rig.ec2.requests("RunInstances").size());
        Checks.lockReleased(rig);
    }

    /** RunInstances calls so far, by instance type @ subnet. */
    private Map<String, Long> runInstancesPerOffering() {
        return rig.ec2.requests("RunInstances").stream()
                .collect(Collectors.groupingBy(r -> r.get("InstanceType") + "@" + r.get("SubnetId"), Collectors.counting()));
    }

    @Test
    void actuation_recordsAJoinTimeout_andTheNextTickTerminatesTheWorkerThatNeverJoined() {
        // GIVEN a pod that needs a worker, and instances that never register a Node
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        rig.bootAndJoin = null;

        // WHEN the actuation runs past JOIN_TIMEOUT_SEC, then a tick runs
        Execution execution = rig.actuate("scale-2", "{\"trigger\":\"scale\"}");
        FakeInstance launched = rig.ec2.instances().stream()
                .filter(i -> "scale-2".equals(i.tag("k3s-autoscaler/launched-by"))).findFirst().orElseThrow();
        EventRecord timeout = Checks.event(rig.events(), OutcomeAction.JOIN_CHECK);
        rig.unschedulable = List.of();
        rig.runTick("tick-after-timeout");

        // THEN the actuation recorded the join timeout; the tick's reconcile terminated the instance and cleared it
        Checks.succeeded(execution);
        assertEquals(OutcomeResult.PARTIAL, timeout.result());
        assertEquals(List.of(launched.instanceId()), timeout.instanceIds());
        assertTrue(Duration.between(TestWorld.T0, rig.clock.instant()).toSeconds() >= 600,
                "it waited the whole join timeout");
        assertFalse(rig.ec2.instance(launched.instanceId()).isAlive(), "terminated: " + rig.ec2.instance(launched.instanceId()).state());
        assertTrue(rig.state().state().pendingLaunches().isEmpty(), "pending launch cleared");
        Checks.lockReleased(rig);
    }

    @Test
    void twoActuations_oneAcquiresTheLock_theOtherEndsLockBusy() {
        // GIVEN a pod that needs a worker, and a second actuation that starts while the first is launching
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Execution[] second = {null};
        rig.interceptor = (task, call) -> {
            if ("scale-a".equals(task.executionName()) && "LaunchWorkers".equals(task.stateName())) {
                second[0] = rig.executor.run(rig.actuation, "scale-b", Checks.json("{\"trigger\":\"scale\"}"));
            }
            return call.call();
        };

        // WHEN the first runs
        Execution first = rig.actuate("scale-a", "{\"trigger\":\"scale\"}");

        // THEN the second ended cleanly as lock busy and launched nothing; the first scaled up
        Checks.succeeded(second[0]);
        assertEquals("lock busy: another actuation is running", second[0].output().path("outcome").asText());
        assertFalse(second[0].statePath().contains("LaunchWorkers"));
        Checks.succeeded(first);
        assertEquals(1, rig.ec2.instances().stream()
                .filter(i -> i.tag("k3s-autoscaler/launched-by") != null).count(), "one launch in all");
        Checks.lockReleased(rig);
    }

    @Test
    void secondWave_launchesWhileTheFirstWorkersAreStillJoining() {
        // GIVEN a pod that needs a worker, whose actuation is waiting for the join (the lock released after the launch)
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Execution first = rig.executor.start(rig.actuation, "wave-1", Checks.json("{\"trigger\":\"scale\"}"));
        assertEquals(Execution.Status.WAITING, first.status(), "joining: " + first.statePath());
        assertFalse(rig.state().locked(), "the lock is free while the first wave joins");

        // WHEN a second wave of pods arrives that the joining worker will not hold
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024),
                new PendingPod("batch", "report-1", 1.8, 256L * 1024 * 1024));
        Execution second = rig.executor.run(rig.actuation, "wave-2", Checks.json("{\"trigger\":\"scale\"}"));
        rig.executor.runToCompletion(first);

        // THEN the second launched at once, counting the first's worker as in flight
        Checks.succeeded(second);
        assertTrue(second.statePath().contains("LaunchWorkers"), second.statePath().toString());
        Checks.succeeded(first);
        assertEquals(2, rig.ec2.instances().stream()
                .filter(i -> i.tag("k3s-autoscaler/launched-by") != null).count(), "one launch per wave");
    }

    /**
     * A steady worker, one whose Node turned Ready {@code readyFor} ago but which the scrape shows NotReady, two
     * small pods the scrape shows unschedulable; then the tick.
     */
    private Execution tickWhileTheScrapeShowsNotReady(java.time.Duration readyFor) {
        rig.runningWorker();
        rig.scrapeNotReadyYet.add(rig.workerReadySince(rig.clock.instant().minus(readyFor)));
        rig.unschedulable = List.of(new PendingPod("shop", "web-1", 0.25, 256L * 1024 * 1024),
                new PendingPod("shop", "web-2", 0.25, 256L * 1024 * 1024));
        return rig.runTick("tick-1");
    }

    @Test
    void tick_countsAWorkerThatJustJoinedButIsNotScrapedReadyYet_asArriving_andLaunchesNothingForItsPods() {
        // GIVEN a steady worker, and one whose Node turned Ready 30 s ago: the last scrape still shows it NotReady
        // and the two pods it is taking as unschedulable
        // WHEN the tick runs
        Execution tick = tickWhileTheScrapeShowsNotReady(java.time.Duration.ofSeconds(30));

        // THEN the pods are that worker's: no actuation
        Checks.succeeded(tick);
        assertEquals("no action", tick.output().path("outcome").asText(), tick.output().toString());
        assertTrue(rig.started.isEmpty(), rig.started.keySet().toString());
    }

    @Test
    void tick_launchesForPods_whenAWorkerTheScrapeShowsNotReadyTurnedReadyLongAgo() {
        // GIVEN the same, but the Node has been Ready for 20 minutes: the scrape is not lagging, that worker is lost
        // WHEN the tick runs
        Execution tick = tickWhileTheScrapeShowsNotReady(java.time.Duration.ofMinutes(20));

        // THEN it starts a scale-up for the pods
        Checks.succeeded(tick);
        assertEquals("actuation started", tick.output().path("outcome").asText(), tick.output().toString());
    }

    @Test
    void tick_doesNothing_whenTheClusterIsSteady() {
        // GIVEN two steady workers
        rig.runningWorker();
        rig.runningWorker();

        // WHEN the tick runs
        Execution tick = rig.runTick("tick-1");

        // THEN it ends with no action and starts no actuation
        Checks.succeeded(tick);
        assertEquals("no action", tick.output().path("outcome").asText(), tick.output().toString());
        assertTrue(rig.started.isEmpty());
        assertNull(rig.state().lockOwner());
    }

    @Test
    void overlappingTicks_startTheActuationOnce_whenAPodIsUnschedulable() {
        // GIVEN a pod that needs a worker, and a second tick that overtakes the first just before it
        // starts the actuation (a slow Express tick overlapping the next one)
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Execution[] overtaking = new Execution[1];
        rig.interceptor = (task, call) -> {
            if ("tick-1".equals(task.executionName()) && "StartActuation".equals(task.stateName())
                    && overtaking[0] == null) {
                overtaking[0] = rig.runTick("tick-2");
            }
            return call.call();
        };

        // WHEN the first tick runs
        Execution first = rig.runTick("tick-1");

        // THEN the overtaking tick started the actuation; the first found it already started by name
        Checks.succeeded(overtaking[0]);
        assertEquals("actuation started", overtaking[0].output().path("outcome").asText(),
                overtaking[0].output().toString());
        Checks.succeeded(first);
        assertEquals("the same actuation already started", first.output().path("outcome").asText(),
                first.output().toString());
        assertEquals(1, rig.started.size());
        // AND the one actuation, run on, scales up once
        Execution actuation = rig.started.values().iterator().next();
        rig.executor.runToCompletion(actuation);
        Checks.succeeded(actuation);
        assertEquals(2, rig.aliveInstances().size());
        Checks.lockReleased(rig);
    }

    @Test
    void alertTick_overtakenByTheScheduleTick_inTheSameMinute_startsTheActuationOnce() {
        // GIVEN a pod that needs a worker, and the schedule's tick overtaking the fast path's tick just
        // before it starts the actuation
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Execution[] schedule = new Execution[1];
        rig.interceptor = (task, call) -> {
            if (task.executionName().startsWith("alert-") && "StartActuation".equals(task.stateName()) && schedule[0] == null) {
                schedule[0] = rig.runTick("schedule-tick");
            }
            return call.call();
        };

        // WHEN the alert's tick runs
        Execution alert = rig.runTickFromAlert();

        // THEN the function named it for the alert, it went through FromUnschedulablePodsAlert, and met the schedule
        // tick's actuation by its name
        Checks.succeeded(alert);
        assertTrue(alert.name().matches("alert-\\d{8}-\\d{6}-[0-9a-f]{8}"), alert.name());
        assertEquals("FromUnschedulablePodsAlert", alert.statePath().get(1));
        assertEquals("the same actuation already started", alert.output().path("outcome").asText(), alert.output().toString());
        assertEquals("actuation started", schedule[0].output().path("outcome").asText(), schedule[0].output().toString());
        assertEquals(1, rig.started.size());
        rig.executor.runToCompletion(rig.started.values().iterator().next());
        assertEquals(2, rig.aliveInstances().size(), "one launch");
    }

    @Test
    void scheduleTick_afterTheAlertTicksActuationLaunched_launchesNothingMore() {
        // GIVEN the fast path's tick started an actuation, which launched a worker and waits for its join
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Execution alert = rig.runTickFromAlert();
        Checks.succeeded(alert);
        assertEquals("actuation started", alert.output().path("outcome").asText(), alert.output().toString());
        Execution actuation = rig.started.values().iterator().next();
        assertEquals(Execution.Status.WAITING, actuation.status(), "joining: " + actuation.statePath());

        // WHEN the schedule's tick sees the same pod still unschedulable
        Execution schedule = rig.runTick("schedule-tick");

        // THEN it counts the launching worker and starts nothing
        Checks.succeeded(schedule);
        assertEquals("no action", schedule.output().path("outcome").asText(), schedule.output().toString());
        // ("2 workers": the running one and the one launching, which holds the pod)
        assertTrue(schedule.output().path("reason").asText().startsWith(
                "no action: 2 workers, CPU 45%, memory 50%, 1 unschedulable pod that no new worker would help now"),
                schedule.output().toString());
        assertEquals(1, rig.started.size());
        rig.executor.runToCompletion(actuation);
        Checks.succeeded(actuation);
        assertEquals(2, rig.aliveInstances().size(), "one launch for the one spike");
    }

    @Test
    void aTickInTheSameMinute_thatSeesTheFirstActuationsLaunch_startsItsOwnForThePodsBeyondIt() {
        // GIVEN the fast path's tick started an actuation for one pod, which launched a worker and waits for its join
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Checks.succeeded(rig.runTickFromAlert());
        Execution first = rig.started.values().iterator().next();
        assertEquals(Execution.Status.WAITING, first.status(), "joining: " + first.statePath());
        String launched = rig.state().state().pendingLaunches().getFirst().instanceId();

        // WHEN, still in the same minute, a burst grows past what the launching worker holds and the next tick runs
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024),
                new PendingPod("shop", "checkout-a41", 1.5, 256L * 1024 * 1024),
                new PendingPod("shop", "checkout-b52", 1.5, 256L * 1024 * 1024));
        Execution next = rig.runTick("schedule-tick");

        // THEN it decided on what it saw, the first launch in flight, and started its own actuation, named for it
        Checks.succeeded(next);
        assertEquals("actuation started", next.output().path("outcome").asText(), next.output().toString());
        assertEquals(first.name() + "-after-" + launched, next.output().path("actuation").asText());
        assertEquals(2, rig.started.size());
        Execution second = rig.started.get(first.name() + "-after-" + launched);
        rig.executor.runToCompletion(second);
        Checks.succeeded(second);
        rig.executor.runToCompletion(first);
        Checks.succeeded(first);
        // (the running worker, the first launch, and two more for the 3.5 vCPU beyond it: the second decided again under the lock)
        assertEquals(4, rig.aliveInstances().size(), () -> "workers: " + rig.aliveInstances());
    }

    @Test
    void aNewWorkerInterruptedBeforeItsJoinIsSeen_isNoLongerInFlight_soTheNextTickReplacesIt() {
        // GIVEN a scale-up for a waiting pod: the new worker launched, its Node registered, and the actuation
        // waits for its next join poll
        rig.runningWorker();
        rig.unschedulable = List.of(new PendingPod("shop", "checkout-7d9", 0.5, 256L * 1024 * 1024));
        Checks.succeeded(rig.runTick("tick-1"));
        Execution scaleUp = rig.started.values().iterator().next();
        assertEquals(Execution.Status.WAITING, scaleUp.status(), "joining: " + scaleUp.statePath());
        String launched = rig.state().state().pendingLaunches().getFirst().instanceId();
        rig.worker(AutoscalerRig.nodeName(launched), TestWorld.AZ_A, launched);

        // WHEN EC2 warns that it reclaims the new worker, and the Spot drain deletes its Node
        Checks.succeeded(rig.runTick("spot-event", "{\"trigger\":\"spot-interruption\",\"instanceId\":\"" + launched + "\"}"));
        Execution spotDrain = rig.started.get("spot-interruption-" + launched);
        rig.executor.runToCompletion(spotDrain);
        Checks.succeeded(spotDrain);

        // THEN the state no longer holds it as a launch in flight, and the next tick, the pod still waiting,
        // launches its replacement instead of waiting for a worker that will not come
        assertTrue(rig.state().state().pendingLaunches().stream().noneMatch(pending -> pending.instanceId().equals(launched)),
                () -> "still in flight: " + rig.state().state().pendingLaunches());
        rig.clock.advanceTo(rig.clock.instant().plusSeconds(60));
        Execution next = rig.runTick("tick-2");
        Checks.succeeded(next);
        assertEquals("actuation started", next.output().path("outcome").asText(), next.output().toString());
        // (the actuation decides again under the lock, and launches: the one running worker, the reclaimed one, the new one)
        Execution replacement = rig.started.values().stream().reduce((first, second) -> second).orElseThrow();
        assertTrue(replacement.statePath().contains("LaunchWorkers"), () -> "decided again: " + replacement.statePath());
        assertEquals(3, rig.aliveInstances().size());
        // AND the first scale-up, whose worker EC2 took back, ends at its join timeout without counting a failure
        rig.executor.runToCompletion(scaleUp);
        Checks.succeeded(scaleUp);
        assertEquals(0, rig.state().state().consecutiveFailures(), () -> "failure counted: " + rig.events());
    }
}
