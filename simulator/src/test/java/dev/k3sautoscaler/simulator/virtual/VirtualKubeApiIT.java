package dev.k3sautoscaler.simulator.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.PodPhase;
import dev.k3sautoscaler.simulator.cluster.PodState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.fixtures.TestScenarios;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The virtual K3s API through a real fabric8 client, as the kube handlers use it. */
class VirtualKubeApiIT {
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    private static final String TOKEN = "test-token";
    @AutoClose
    private VirtualKubeApi api;
    @AutoClose
    private KubernetesClient client;

    private SimulatedCluster start(SimulatedCluster cluster) {
        api = new VirtualKubeApi(cluster, START, TOKEN);
        client = api.client(TOKEN);
        return cluster;
    }

    private Pod podOf(String workload) {
        return client.pods().inNamespace("default").list().getItems().stream()
                .filter(pod -> pod.getMetadata().getName().startsWith(workload)).findFirst().orElseThrow();
    }

    private void event(String name, String note, Instant at, EventSeries series) {
        client.events().v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata()
                .withName(name).withNamespace("default").endMetadata().withEventTime(new MicroTime(at.toString()))
                .withReason("NotTriggerScaleUp").withNote(note).withAction("Evaluate").withType("Warning")
                .withReportingController("k3s-autoscaler").withReportingInstance("k3s-autoscaler").withSeries(series)
                .build()).create();
    }

    @Test
    void eventsExpireAnHourAfterTheirLastWrite_asKubeApiserversEventTtl_andTheRunStillCountsThem() {
        // GIVEN an event written at 0:00, and one first written then but seen again at 0:30
        SimulatedCluster cluster = start(new SimulatedCluster(TestScenarios.of("workers: 1",
                "  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 500, memoryMiB: 256}}")));
        event("once", "pod didn't trigger scale-up: at MAX_WORKERS", START, null);
        event("again", "pod didn't trigger scale-up: paused", START,
                new EventSeries(4, new MicroTime(START.plus(Duration.ofMinutes(30)).toString())));

        // WHEN the cluster runs to 0:59, then to 1:05
        cluster.advanceTo(Duration.ofMinutes(59));
        api.push();
        int atFiftyNine = client.events().v1().events().inNamespace("default").list().getItems().size();
        cluster.advanceTo(Duration.ofMinutes(65));
        api.push();

        // THEN both stand at 0:59; at 1:05 only the one seen at 0:30 does
        assertEquals(2, atFiftyNine);
        assertEquals(java.util.List.of("again"), client.events().v1().events().inNamespace("default").list().getItems()
                .stream().map(e -> e.getMetadata().getName()).toList());
        // AND the run still counts what the expired one said, for its summary and its secrets check
        VirtualKubeApi.ClusterVisibility seen = api.visibility();
        assertEquals(2, seen.events());
        assertEquals(5, seen.sightings());
        assertTrue(seen.texts().contains("pod didn't trigger scale-up: at MAX_WORKERS"), seen.texts().toString());
    }

    @Test
    void nodesAndPods_areServedAsTheClusterHasThem() {
        // GIVEN two Ready workers and three bound pods
        SimulatedCluster cluster = start(new SimulatedCluster(TestScenarios.of("workers: 2",
                "  - {name: web, replicas: [{at: 0s, count: 3}], requests: {cpuMillis: 500, memoryMiB: 256}}")));

        // WHEN / THEN the master and both workers, with providerID and Ready
        assertEquals(3, client.nodes().list().getItems().size());
        NodeState worker = cluster.nodes().stream().filter(node -> !node.master()).findFirst().orElseThrow();
        var node = client.nodes().withName(worker.name()).get();
        assertEquals(worker.providerId(), node.getSpec().getProviderID());
        assertEquals("True", node.getStatus().getConditions().getFirst().getStatus());
        assertEquals(START.toString(), node.getMetadata().getCreationTimestamp(), "virtual time, not the server's clock");
        assertEquals(3, client.pods().inNamespace("default").list().getItems().size());
        assertTrue(client.pods().inNamespace("default").list().getItems().stream()
                .allMatch(pod -> pod.getSpec().getNodeName() != null && "Running".equals(pod.getStatus().getPhase())));
    }

    @Test
    void push_sendsOneWritePerChangedPod_andNothingWhenNothingChanged() {
        // GIVEN a mirrored cluster whose only pod has just been bound and turns Ready later
        SimulatedCluster cluster = start(new SimulatedCluster(TestScenarios.of("workers: 1",
                "  - {name: web, replicas: [{at: 0s, count: 1}, {at: 1m, count: 2}], requests: {cpuMillis: 500, memoryMiB: 256}}")));
        long atStart = api.requestsServed();

        // WHEN nothing changed
        api.push();

        // THEN nothing is sent
        assertEquals(atStart, api.requestsServed(), "an unchanged cluster costs no request");

        // WHEN a second pod is created and bound, then turns Ready
        cluster.advanceTo(Duration.ofMinutes(1));
        api.push();
        long afterCreate = api.requestsServed();
        cluster.advanceTo(Duration.ofMinutes(2));
        api.push();

        // THEN its creation is a create and the update naming its time (no read in between), its readiness one update
        assertEquals(atStart + 2, afterCreate);
        assertEquals(afterCreate + 1, api.requestsServed());
        assertTrue(client.pods().inNamespace("default").list().getItems().stream()
                .allMatch(pod -> pod.getSpec().getNodeName() != null), "both served bound");
    }

    @Test
    void pull_readsTheServerOnlyAfterTheAutoscalerWroteANode() {
        // GIVEN a mirrored cluster and a step that only reads
        SimulatedCluster cluster = start(new SimulatedCluster(TestScenarios.of("workers: 2",
                "  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 500, memoryMiB: 256}}")));
        NodeState worker = cluster.nodes().stream().filter(node -> !node.master()).findFirst().orElseThrow();
        client.nodes().list();
        long afterRead = api.requestsServed();

        // WHEN the run carries the step's writes back
        api.pull();

        // THEN there were none, and asking cost nothing
        assertEquals(afterRead, api.requestsServed());

        // WHEN a step cordons a node
        client.nodes().withName(worker.name()).edit(node -> {
            node.getSpec().setUnschedulable(true);
            return node;
        });
        api.pull();

        // THEN the cluster has it
        assertTrue(cluster.nodes().stream().filter(node -> node.name().equals(worker.name())).findFirst().orElseThrow().cordoned());
    }

    @Test
    void eviction_isAccepted_andThePodTerminatesInTheCluster() {
        // GIVEN a pod without a disruption budget
        SimulatedCluster cluster = start(new SimulatedCluster(TestScenarios.of("workers: 1",
                "  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 500, memoryMiB: 256}}")));
        Pod pod = podOf("web");

        // WHEN the policy/v1 eviction is posted with the pod's uid
        boolean accepted = client.pods().inNamespace("default").withName(pod.getMetadata().getName()).evict(KubeObjects.eviction(pod));

        // THEN
        assertTrue(accepted);
        PodState evicted = cluster.pods().stream().filter(p -> p.name().equals(pod.getMetadata().getName())).findFirst().orElseThrow();
        assertEquals(PodPhase.TERMINATING, evicted.phase());
        api.push();
        assertNotNull(client.pods().inNamespace("default").withName(pod.getMetadata().getName()).get()
                .getMetadata().getDeletionTimestamp(), "served as terminating during its grace period");
        assertEquals(1, api.evictionRequests());
    }

    @Test
    void eviction_thatWouldBreakAPodDisruptionBudget_answers429() {
        // GIVEN two pods that must both stay available
        start(new SimulatedCluster(TestScenarios.of("workers: 1",
                "  - {name: web, replicas: [{at: 0s, count: 2}], requests: {cpuMillis: 200, memoryMiB: 128}, pdb: {minAvailable: 2}}")));
        Pod pod = podOf("web");

        // WHEN / THEN fabric8 reads 429 as "not evicted"
        assertFalse(client.pods().inNamespace("default").withName(pod.getMetadata().getName()).evict(KubeObjects.eviction(pod)));
    }

    @Test
    void eviction_ofAnOlderIncarnation_answers409_andOfAMissingPod404() {
        // GIVEN
        start(new SimulatedCluster(TestScenarios.of("workers: 1",
                "  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 200, memoryMiB: 128}}")));
        Pod pod = podOf("web");
        pod.getMetadata().setUid("some-older-pod");

        // WHEN / THEN
        KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
                () -> client.pods().inNamespace("default").withName(pod.getMetadata().getName()).evict(KubeObjects.eviction(pod)));
        assertEquals(409, conflict.getCode());
        pod.getMetadata().setName("no-such-pod");
        KubernetesClientException missing = assertThrows(KubernetesClientException.class,
                () -> client.pods().inNamespace("default").withName("no-such-pod").evict(KubeObjects.eviction(pod)));
        assertEquals(404, missing.getCode());
    }

    @Test
    void aClientWithoutTheAutoscalersToken_isAnswered401() {
        // GIVEN the API of a one-worker cluster, which the autoscaler's client reads
        start(new SimulatedCluster(TestScenarios.of("workers: 1",
                "  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 500, memoryMiB: 256}}")));
        assertEquals(2, client.nodes().list().getItems().size());

        // WHEN / THEN a client with another token, or none, is refused: the token is the credential
        for (String token : new String[] {"not-the-token", null}) {
            try (KubernetesClient stranger = api.client(token)) {
                KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> stranger.nodes().list());
                assertEquals(401, refused.getCode(), "token " + token);
            }
        }
    }

    @Test
    void aKubeApiOutage_answers503_toTheAutoscalerOnly() {
        // GIVEN the API down between 10 and 20 minutes
        SimulatedCluster cluster = start(new SimulatedCluster(ScenarioLoader.parse("""
                name: outage
                duration: 1h
                cluster: {workers: 1}
                workerType: {name: t3.small, cpuMillis: 1900, memoryMiB: 1600, hourlyPriceUsd: 0.0208}
                workload:
                  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 200, memoryMiB: 128}}
                outages:
                  - {kind: kube-api, from: 10m, to: 20m}
                """, "outage.yaml")));
        cluster.advanceTo(Duration.ofMinutes(15));

        // WHEN / THEN the autoscaler's client sees 503; the world keeps writing
        KubernetesClientException down = assertThrows(KubernetesClientException.class, () -> client.nodes().list());
        assertEquals(503, down.getCode());
        api.push();
        cluster.advanceTo(Duration.ofMinutes(20));
        assertEquals(2, client.nodes().list().getItems().size());
    }

    @Test
    void theAutoscalersCordonAndNodeDeletion_reachTheCluster() {
        // GIVEN two workers
        SimulatedCluster cluster = start(new SimulatedCluster(TestScenarios.of("workers: 2",
                "  - {name: web, replicas: [{at: 0s, count: 1}], requests: {cpuMillis: 200, memoryMiB: 128}}")));
        String[] workers = cluster.nodes().stream().filter(node -> !node.master()).map(NodeState::name).toArray(String[]::new);

        // WHEN one is cordoned and the other deleted through the API
        client.nodes().withName(workers[0]).edit(node -> {
            node.getSpec().setUnschedulable(true);
            return node;
        });
        client.nodes().withName(workers[1]).delete();
        api.pull();

        // THEN
        assertTrue(cluster.nodes().stream().filter(node -> node.name().equals(workers[0])).findFirst().orElseThrow().cordoned());
        assertNull(cluster.nodes().stream().filter(node -> node.name().equals(workers[1])).findFirst().orElse(null));
    }
}
