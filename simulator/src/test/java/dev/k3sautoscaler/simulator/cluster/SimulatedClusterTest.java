package dev.k3sautoscaler.simulator.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.testkit.kube.EvictionAnswer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimulatedClusterTest {
    private static final String BIG = """
              - name: big
                namespace: app
                replicas: [{at: 0s, count: 5}]
                requests: {cpuMillis: 900, memoryMiB: 256}
            """;

    @Test
    void scheduler_placesFirstFit_andMarksTheRestUnschedulable() {
        // GIVEN two workers of 1900m and five pods of 900m
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", BIG));

        // WHEN (the constructor already scheduled at t=0)
        List<String> workers = workerNames(cluster);
        Map<String, Long> perNode = podsPerNode(cluster, "big");

        // THEN two fill the first worker, two the second, one waits
        assertEquals(Map.of(workers.get(0), 2L, workers.get(1), 2L, "<none>", 1L), perNode);
        ClusterObservation observation = cluster.observe();
        assertEquals(1, observation.unschedulable().size());
        assertEquals(Duration.ZERO, observation.unschedulable().getFirst().since());
    }

    @Test
    void mark_staysWhileNothingChanges_andMovesWithEveryChangeOrInstant() {
        // GIVEN a cluster with a waiting pod, and its mark
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", BIG));
        SimulatedCluster.Mark first = cluster.mark();
        String worker = workerNames(cluster).get(0);
        String pod = cluster.pods().stream().filter(p -> worker.equals(p.nodeName())).findFirst().orElseThrow().name();

        // WHEN only read, THEN the same mark
        cluster.pods();
        cluster.observe();
        assertEquals(first, cluster.mark());

        // WHEN a cordon, an eviction, a launch or the clock changes it, THEN a new mark each time
        List<Runnable> changes = List.of(
                () -> cluster.setCordoned(worker, true),
                () -> cluster.evict("app", pod),
                () -> cluster.launchWorker("us-east-1a", CapacityType.ON_DEMAND),
                () -> cluster.advanceTo(Duration.ofSeconds(1)));
        SimulatedCluster.Mark last = first;
        for (Runnable change : changes) {
            change.run();
            assertFalse(last.equals(cluster.mark()), "a change left the mark as it was: " + last);
            last = cluster.mark();
        }
    }

    @Test
    void observe_isReusedWithinAnInstant_butSeesAChangeMadeInIt() {
        // GIVEN an observation taken now
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", BIG));
        ClusterObservation first = cluster.observe();
        String worker = workerNames(cluster).get(0);

        // WHEN nothing changed, THEN the same one
        assertSame(first, cluster.observe());

        // WHEN a worker is cordoned at the same instant, THEN a fresh one shows it
        cluster.setCordoned(worker, true);
        ClusterObservation after = cluster.observe();
        assertTrue(after.workers().stream().anyMatch(node -> node.name().equals(worker) && !node.schedulable()),
                after.workers().toString());
    }

    @Test
    void scheduler_neverPlacesWorkloadsOnTheMaster() {
        // GIVEN no workers at all
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 0", BIG));

        // WHEN / THEN every workload pod waits although the master has room
        assertEquals(5, cluster.observe().unschedulable().size());
        assertTrue(cluster.nodes().getFirst().master());
    }

    @Test
    void scheduler_respectsTheCordon() {
        // GIVEN two workers, the first cordoned before the workload grows at 10m
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", """
                  - name: web
                    replicas: [{at: 0s, count: 0}, {at: 10m, count: 6}]
                    requests: {cpuMillis: 500, memoryMiB: 256}
                """));
        String first = workerNames(cluster).get(0);
        String second = workerNames(cluster).get(1);
        cluster.advanceTo(Duration.ofMinutes(5));
        assertTrue(cluster.setCordoned(first, true));

        // WHEN
        cluster.advanceTo(Duration.ofMinutes(10));

        // THEN three fit on the second worker, three wait since 10m
        assertEquals(Map.of(second, 3L, "<none>", 3L), podsPerNode(cluster, "web"));
        assertTrue(cluster.observe().unschedulable().stream().allMatch(pod -> pod.since().equals(Duration.ofMinutes(10))));
        assertFalse(cluster.observe().workers().getFirst().schedulable());
    }

    @Test
    void daemonSet_runsOnePodPerReadyNode_includingTheMasterAndCordonedNodes() {
        // GIVEN
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", """
                  - name: node-exporter
                    namespace: monitoring
                    kind: DaemonSet
                    requests: {cpuMillis: 20, memoryMiB: 32}
                """));
        cluster.setCordoned(workerNames(cluster).get(0), true);

        // WHEN a worker is launched and becomes Ready 80 s later
        cluster.launchWorker("us-east-1a", CapacityType.ON_DEMAND);
        cluster.advanceTo(Duration.ofSeconds(79));
        long before = cluster.pods().size();
        cluster.advanceTo(Duration.ofSeconds(80));

        // THEN one pod on each of master, two workers, then the new one
        assertEquals(3, before);
        Map<String, Long> perNode = podsPerNode(cluster, "node-exporter");
        assertEquals(4, perNode.size());
        assertTrue(perNode.values().stream().allMatch(count -> count == 1));
    }

    @Test
    void launchedWorker_registersAfterBoot_andTurnsReadyAfterJoin_thenTakesPendingPods() {
        // GIVEN one worker and five pods of 900m: three wait
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", BIG));

        // WHEN a worker is launched at 0s (boot 60 s, join 20 s)
        String instanceId = cluster.launchWorker("us-east-1b", CapacityType.ON_DEMAND);

        // THEN no Node before 60 s, NotReady from 60 s, Ready from 80 s and the pods are bound
        assertEquals(Optional.of(Duration.ofSeconds(60)), cluster.nextInternalEvent());
        cluster.advanceTo(Duration.ofSeconds(59));
        assertFalse(cluster.nodes().stream().anyMatch(node -> node.name().equals(instanceId)));
        cluster.advanceTo(Duration.ofSeconds(60));
        NodeState registered = node(cluster, instanceId);
        assertFalse(registered.ready());
        assertEquals(Optional.of(Duration.ofSeconds(80)), cluster.nextInternalEvent());
        assertEquals(3, cluster.observe().unschedulable().size());
        cluster.advanceTo(Duration.ofSeconds(80));
        assertTrue(node(cluster, instanceId).ready());
        assertEquals(1, cluster.observe().unschedulable().size());
    }

    @Test
    void podsOfARamp_areCreatedAndTriedAtTheirOwnTime_notWhenTheRunNextLooks() {
        // GIVEN one worker and a ramp from 0 to 4 pods of 900m over 40 s: a pod is due every 10 s
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", """
                  - name: web
                    replicas: [{at: 0s, count: 0}, {at: 10s, count: 4, ramp: 40s}]
                    requests: {cpuMillis: 900, memoryMiB: 256}
                """));

        // WHEN the run next looks at 60 s
        cluster.advanceTo(Duration.ofSeconds(60));

        // THEN the pods exist from 20, 30, 40 and 50 s; two were bound then, two have waited since then
        List<PodState> web = cluster.pods().stream().filter(pod -> pod.ownerName().equals("web")).toList();
        assertEquals(List.of(20L, 30L, 40L, 50L), web.stream().map(pod -> pod.createdAt().toSeconds()).sorted().toList());
        assertEquals(List.of(40L, 50L), cluster.podWaits().stream().map(wait -> wait.since().toSeconds()).sorted().toList());
        assertEquals(List.of(Duration.ofSeconds(20).plus(cluster.scenario().podStartup()),
                Duration.ofSeconds(30).plus(cluster.scenario().podStartup())),
                web.stream().filter(pod -> pod.nodeName() != null).map(PodState::readyAt).sorted().toList());
    }

    @Test
    void waits_endWhenTheRoomAppears_andNameTheWorker() {
        // GIVEN one worker, five pods of 900m: three wait from 0 s
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", BIG));

        // WHEN a worker launched at 0 s turns Ready at 80 s
        String instanceId = cluster.launchWorker("us-east-1b", CapacityType.ON_DEMAND);
        cluster.advanceTo(Duration.ofSeconds(60));
        cluster.advanceTo(Duration.ofSeconds(80));

        // THEN two waits ended at 80 s on it; one goes on
        List<PodWait> waits = cluster.podWaits();
        assertEquals(2, waits.stream().filter(wait -> Duration.ofSeconds(80).equals(wait.end()) && instanceId.equals(wait.instanceId())).count());
        assertEquals(1, waits.stream().filter(wait -> wait.end() == null).count());
        assertTrue(waits.stream().allMatch(PodWait::fitsAWorker));
    }

    @Test
    void node_carriesTheBootstrapsIdentity() {
        // GIVEN / WHEN
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", BIG));
        NodeState worker = cluster.nodes().get(1);
        NodeState master = cluster.nodes().get(0);

        // THEN
        assertEquals(worker.instanceId(), worker.name());
        assertTrue(worker.instanceId().matches("i-0[0-9a-f]{16}"), worker.instanceId());
        assertEquals(ProviderId.of("us-east-1a", worker.instanceId()), worker.providerId());
        assertEquals("true", worker.labels().get(NodeLabels.MANAGED));
        assertEquals("us-east-1a", worker.labels().get("topology.kubernetes.io/zone"));
        assertNull(master.labels().get(NodeLabels.MANAGED));
        assertEquals("true", master.labels().get(NodeLabels.ROLE_CONTROL_PLANE));
    }

    @Test
    void deployment_scalesUpWithPendingPods_andScalesDownPendingFirstThenNewest() {
        // GIVEN one worker: 4 pods of 900m → 2 run, 2 wait; at 10m the timeline asks for 3, at 20m for 1
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", """
                  - name: api
                    replicas: [{at: 0s, count: 4}, {at: 10m, count: 3}, {at: 20m, count: 1}]
                    requests: {cpuMillis: 900, memoryMiB: 256}
                """));
        List<PodState> running = cluster.pods().stream().filter(pod -> pod.phase() == PodPhase.RUNNING).toList();
        assertEquals(2, running.size());

        // WHEN
        cluster.advanceTo(Duration.ofMinutes(10));

        // THEN a pending pod went first, at once
        assertEquals(3, cluster.pods().size());
        assertEquals(1, cluster.observe().unschedulable().size());

        // WHEN
        cluster.advanceTo(Duration.ofMinutes(20));

        // THEN the pending one and the newest running one go; the oldest keeps running
        List<PodState> left = cluster.pods().stream().filter(pod -> pod.phase() != PodPhase.TERMINATING).toList();
        assertEquals(List.of(running.getFirst().name()), left.stream().map(PodState::name).toList());
        assertEquals(List.of(running.get(1).name()),
                cluster.pods().stream().filter(pod -> pod.phase() == PodPhase.TERMINATING).map(PodState::name).toList());
    }

    @Test
    void statefulSet_keepsOrdinals_andRecreatesAnOrdinalOnlyOnceTheOldPodIsGone() {
        // GIVEN
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", """
                  - name: pg
                    namespace: db
                    kind: StatefulSet
                    replicas: [{at: 0s, count: 2}]
                    requests: {cpuMillis: 500, memoryMiB: 512}
                """));
        assertEquals(List.of("pg-0", "pg-1"), cluster.pods().stream().map(PodState::name).toList());

        // WHEN pg-0 is evicted (no budget)
        assertEquals(EvictionAnswer.EVICTED, cluster.evict("db", "pg-0"));
        cluster.advanceTo(Duration.ofSeconds(29));

        // THEN no second pg-0 while the first terminates; a new one after the 30 s grace
        assertEquals(PodPhase.TERMINATING, pod(cluster, "pg-0").phase());
        cluster.advanceTo(Duration.ofSeconds(30));
        assertEquals(PodPhase.RUNNING, pod(cluster, "pg-0").phase());
        assertEquals(Duration.ofSeconds(30), pod(cluster, "pg-0").createdAt());
    }

    @Test
    void eviction_honoursMinAvailable_andTheReplacementRestoresTheBudget() {
        // GIVEN three healthy pods behind minAvailable 2
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", """
                  - name: web
                    replicas: [{at: 0s, count: 3}]
                    requests: {cpuMillis: 500, memoryMiB: 256}
                    pdb: {minAvailable: 2}
                """));
        List<String> names = cluster.pods().stream().map(PodState::name).toList();

        // WHEN / THEN one disruption is allowed, the second answers 429 while the replacement starts
        assertEquals(EvictionAnswer.EVICTED, cluster.evict("default", names.get(0)));
        assertEquals(EvictionAnswer.BLOCKED_BY_PDB, cluster.evict("default", names.get(1)));

        // WHEN the Deployment's replacement (created and bound at once) is Ready after the 10 s start-up
        cluster.advanceTo(Duration.ofSeconds(9));
        assertEquals(EvictionAnswer.BLOCKED_BY_PDB, cluster.evict("default", names.get(1)));
        cluster.advanceTo(Duration.ofSeconds(10));

        // THEN the budget allows one more again
        assertEquals(EvictionAnswer.EVICTED, cluster.evict("default", names.get(1)));
    }

    @Test
    void eviction_honoursMaxUnavailable_countedAgainstTheDesiredReplicas() {
        // GIVEN 4 desired, only 3 fit (1 pending), maxUnavailable 1: already one unavailable
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", """
                  - name: web
                    replicas: [{at: 0s, count: 4}]
                    requests: {cpuMillis: 600, memoryMiB: 256}
                    pdb: {maxUnavailable: 1}
                """));
        PodState running = cluster.pods().stream().filter(pod -> pod.phase() == PodPhase.RUNNING).findFirst().orElseThrow();
        PodState pending = cluster.pods().stream().filter(pod -> pod.phase() == PodPhase.PENDING).findFirst().orElseThrow();

        // WHEN / THEN a healthy pod is protected; an unhealthy (pending) one may go; an unknown one is 404
        assertEquals(EvictionAnswer.BLOCKED_BY_PDB, cluster.evict("default", running.name()));
        assertEquals(EvictionAnswer.EVICTED, cluster.evict("default", pending.name()));
        assertEquals(EvictionAnswer.NOT_FOUND, cluster.evict("default", "nobody"));
    }

    @Test
    void spotInterruption_reclaimsTheInstanceTwoMinutesLater_andItsPodsAreRecreatedPending() {
        // GIVEN two Spot workers, 4 pods of 900m spread over both
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2, spotWorkers: 2", BIG.replace("count: 5", "count: 4")));
        String victim = cluster.randomSpotWorker().orElseThrow();
        cluster.advanceTo(Duration.ofMinutes(10));

        // WHEN
        Duration reclaimed = cluster.interruptSpot(victim);

        // THEN nothing changes before the reclaim; then its two pods are lost and wait again
        assertEquals(Duration.ofMinutes(12), reclaimed);
        cluster.advanceTo(Duration.ofSeconds(719));
        assertTrue(node(cluster, victim).ready());
        cluster.advanceTo(Duration.ofMinutes(12));
        assertFalse(node(cluster, victim).ready());
        assertEquals(2, cluster.observe().unschedulable().size());
        assertEquals(4, cluster.pods().size());
        assertTrue(cluster.instances().stream().filter(i -> i.instanceId().equals(victim)).noneMatch(i -> i.runningAt(cluster.now())));
    }

    @Test
    void terminatedInstance_leavesANotReadyNodeUntilTheNodeIsDeleted() {
        // GIVEN
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 2", BIG));
        String worker = workerNames(cluster).get(1);

        // WHEN
        assertTrue(cluster.terminateInstance(worker));

        // THEN the Node object stays (K3s has no cloud controller) until deleted
        assertFalse(node(cluster, worker).ready());
        assertTrue(cluster.deleteNode(worker));
        assertTrue(cluster.nodes().stream().noneMatch(node -> node.name().equals(worker)));
        assertFalse(cluster.terminateInstance(worker));
    }

    @Test
    void observation_reportsUsageOverAllocatable_andRequestsOnWorkers() {
        // GIVEN one worker with two pods of 900m using half their request, 256 MiB using 80%
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 1", """
                  - name: app
                    replicas: [{at: 0s, count: 2}]
                    requests: {cpuMillis: 900, memoryMiB: 256}
                    usage: {cpu: 0.5, memory: 0.8}
                """));

        // WHEN
        ClusterObservation observation = cluster.observe();

        // THEN 900m of 1900m busy; 409.6 MiB of 1600 MiB used
        assertEquals(100.0 * 900 / 1900, observation.workerCpuPercent(), 0.01);
        assertEquals(100.0 * 0.8 * 512 / 1600, observation.workerMemoryPercent(), 0.01);
        assertEquals(1800, observation.requestedCpuMillisOnWorkers());
        assertEquals(512L * 1024 * 1024, observation.requestedMemoryBytesOnWorkers());
        assertEquals(1, observation.readyWorkers());
    }

    @Test
    void observation_hasNoPercentages_withoutReadyWorkers() {
        SimulatedCluster cluster = new SimulatedCluster(TestScenarios.of("workers: 0", BIG));
        assertNull(cluster.observe().workerCpuPercent());
        assertNull(cluster.observe().workerMemoryPercent());
    }

    @Test
    void sameSeed_givesTheSameCluster() {
        // GIVEN two runs of the same jittery scenario
        String jittery = BIG.replace("requests:", "usage: {cpu: 0.5, jitter: 0.4}\n    requests:");
        SimulatedCluster a = new SimulatedCluster(TestScenarios.of("workers: 2, spotWorkers: 2", jittery));
        SimulatedCluster b = new SimulatedCluster(TestScenarios.of("workers: 2, spotWorkers: 2", jittery));

        // WHEN
        for (SimulatedCluster cluster : List.of(a, b)) {
            cluster.launchWorker("us-east-1a", CapacityType.SPOT);
            cluster.advanceTo(Duration.ofMinutes(3));
        }

        // THEN
        assertEquals(a.nodes(), b.nodes());
        assertEquals(a.observe(), b.observe());
        assertEquals(a.randomSpotWorker(), b.randomSpotWorker());
    }

    private static List<String> workerNames(SimulatedCluster cluster) {
        return cluster.nodes().stream().filter(node -> !node.master()).map(NodeState::name).toList();
    }

    private static Map<String, Long> podsPerNode(SimulatedCluster cluster, String owner) {
        return cluster.pods().stream().filter(pod -> pod.ownerName().equals(owner))
                .collect(Collectors.groupingBy(pod -> pod.nodeName() == null ? "<none>" : pod.nodeName(), Collectors.counting()));
    }

    private static NodeState node(SimulatedCluster cluster, String name) {
        return cluster.nodes().stream().filter(node -> node.name().equals(name)).findFirst().orElseThrow();
    }

    private static PodState pod(SimulatedCluster cluster, String name) {
        return cluster.pods().stream().filter(pod -> pod.name().equals(name)).findFirst().orElseThrow();
    }
}
