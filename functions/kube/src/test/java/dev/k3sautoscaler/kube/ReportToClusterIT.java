package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.ClusterStatus;
import dev.k3sautoscaler.core.report.NodeNotice;
import dev.k3sautoscaler.core.report.PodNotice;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.errors.KubernetesRequestRejected;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ReportToCluster on the mock API: what kubectl users then find, and how little it writes to get there. */
class ReportToClusterIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @Test
    void report_writesTheStatus_anEventPerWaitingPod_andEachWorkersStatusAsAnnotationAndEvent() {
        // GIVEN the status ConfigMap the manifest creates, two workers and two pods waiting
        statusConfigMap();
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        Pod web1 = cluster.pod("shop", "web-1", null, "ReplicaSet");
        cluster.pod("shop", "web-2", null, "ReplicaSet");
        ClusterReport report = report(List.of(triggered("shop", "web-1"), triggered("shop", "web-2")),
                List.of(node("w1", "NOT_UNDERUTILIZED"), node("w2", "NOT_UNNEEDED_LONG_ENOUGH")));

        // WHEN ReportToCluster writes it
        ReportToClusterOutput output = run(new ReportToClusterHandler(cluster.steps()), ReportInputs.asTheTickSendsIt("tick-1", report));

        // THEN the ConfigMap holds the status, as rendered
        assertTrue(output.complete(), output.reason());
        assertEquals(report.status().yaml(), configMapData().get(ClusterReporter.STATUS));
        // AND each pod has its event, about that pod (uid included: kubectl describe matches on it)
        Event event = podEvents("shop").stream().filter(e -> e.getRegarding().getName().equals("web-1")).findFirst()
                .orElseThrow();
        assertEquals("TriggeredScaleUp", event.getReason());
        assertEquals("Normal", event.getType());
        assertEquals(ClusterEvent.CONTROLLER, event.getReportingController());
        assertEquals(web1.getMetadata().getUid(), event.getRegarding().getUid());
        assertEquals("Pod", event.getRegarding().getKind());
        assertTrue(event.getNote().contains("adds $0.0208/hour"), event.getNote());
        assertEquals(2, podEvents("shop").size());
        // AND each worker carries its status, and an event says it
        assertEquals("NOT_UNDERUTILIZED: CPU requests 80% of allocatable",
                cluster.node("w1").getMetadata().getAnnotations().get(NodeNotice.ANNOTATION));
        assertEquals(2, nodeEvents().size());
        assertEquals(4, output.eventsCreated());
        assertEquals(2, output.nodesAnnotated());
    }

    @Test
    void sameReportAgain_writesNoEvent_andAPodStillWaitingFiveMinutesLaterIsCountedInItsSeries() throws Exception {
        statusConfigMap();
        cluster.worker("w1", "i-1", true);
        cluster.pod("shop", "web-1", null, "ReplicaSet");
        ClusterReport report = report(List.of(notTriggered("shop", "web-1")), List.of(node("w1", "NOT_UNDERUTILIZED")));
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());
        run(handler, ReportInputs.asTheTickSendsIt("tick-1", report));
        int requestsAfterFirst = cluster.autoscalerRequests().size();

        // WHEN the same is reported a minute later
        cluster.clock.advance(Duration.ofMinutes(1));
        ReportToClusterOutput again = run(handler, ReportInputs.asTheTickSendsIt("tick-2", report));

        // THEN nothing but the ConfigMap is read and written: no event, no annotation
        assertEquals(0, again.eventsCreated() + again.eventsRepeated() + again.nodesAnnotated(), again.reason());
        assertEquals(2, cluster.autoscalerRequests().size() - requestsAfterFirst, "GET + PUT of the ConfigMap");
        assertEquals(1, podEvents("shop").size());

        // WHEN it is still waiting 5 minutes on, and again 5 minutes later
        cluster.clock.advance(Duration.ofMinutes(5));
        run(handler, ReportInputs.asTheTickSendsIt("tick-7", report));
        cluster.clock.advance(Duration.ofMinutes(5));
        ReportToClusterOutput third = run(handler, ReportInputs.asTheTickSendsIt("tick-12", report));

        // THEN the one event's series counts it: 3 sightings, one event object
        assertEquals(1, third.eventsRepeated());
        List<Event> events = podEvents("shop");
        assertEquals(1, events.size());
        assertEquals(3, events.get(0).getSeries().getCount());
        assertEquals("NotTriggerScaleUp", events.get(0).getReason());
        assertEquals("Warning", events.get(0).getType());
    }

    @Test
    void aPodsReasonChanges_itGetsANewEvent() {
        statusConfigMap();
        cluster.pod("shop", "web-1", null, "ReplicaSet");
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());
        run(handler, ReportInputs.asTheTickSendsIt("tick-1", report(List.of(notTriggered("shop", "web-1")), List.of())));

        cluster.clock.advance(Duration.ofMinutes(1));
        ReportToClusterOutput output = run(handler, ReportInputs.asTheTickSendsIt("tick-2", report(List.of(triggered("shop", "web-1")), List.of())));

        assertEquals(1, output.eventsCreated());
        assertEquals(List.of("NotTriggerScaleUp", "TriggeredScaleUp"),
                podEvents("shop").stream().map(Event::getReason).sorted().toList());
    }

    @Test
    void aPodWaitingForTheWorkersItTriggered_keepsItsOneEvent_notANewOneEachTick() {
        statusConfigMap();
        cluster.pod("shop", "web-1", null, "ReplicaSet");
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());
        run(handler, ReportInputs.asTheTickSendsIt("tick-1", report(List.of(triggered("shop", "web-1")), List.of())));

        // WHEN the next tick sees it waiting for those very workers, still launching
        cluster.clock.advance(Duration.ofMinutes(1));
        PodNotice launching = new PodNotice("shop", "web-1", PodNotice.Code.FITS_ON_LAUNCHING, ClusterEvent.onPod("shop",
                "web-1", "NotTriggerScaleUp", false, "Evaluate", "pod didn't trigger scale-up: it fits on the workers already launching"));
        ReportToClusterOutput output = run(handler, ReportInputs.asTheTickSendsIt("tick-2", report(List.of(launching), List.of())));

        // THEN its one event still says it triggered them
        assertEquals(0, output.eventsCreated(), output.reason());
        assertEquals(List.of("TriggeredScaleUp"), podEvents("shop").stream().map(Event::getReason).toList());
    }

    @Test
    void aPodWhoseWaitReturnsToAnEarlierReason_hasThatEventCountedAgain_notANewOne() {
        statusConfigMap();
        cluster.pod("shop", "web-1", null, "ReplicaSet");
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());
        PodNotice backingOff = new PodNotice("shop", "web-1", PodNotice.Code.BACKING_OFF, ClusterEvent.onPod("shop",
                "web-1", "NotTriggerScaleUp", true, "Evaluate", "pod didn't trigger scale-up: backing off after 1 failed actuation"));
        PodNotice noCapacity = new PodNotice("shop", "web-1", PodNotice.Code.CAPACITY_UNAVAILABLE, ClusterEvent.onPod("shop",
                "web-1", "NotTriggerScaleUp", true, "Evaluate", "pod didn't trigger scale-up: EC2 had no capacity for t3.small"));

        // WHEN its wait flips between two reasons, tick after tick, for 12 minutes
        for (int minute = 0; minute <= 12; minute++) {
            run(handler, ReportInputs.asTheTickSendsIt("tick-" + minute,
                    report(List.of(minute % 2 == 0 ? backingOff : noCapacity), List.of())));
            cluster.clock.advance(Duration.ofMinutes(1));
        }

        // THEN two events, one per reason, each counted as it recurred at most every 5 minutes: backing off at 0, 6, 12; no capacity at 1, 7
        List<Event> events = podEvents("shop");
        assertEquals(2, events.size(), events::toString);
        assertEquals(List.of(2, 3), events.stream().map(e -> e.getSeries() == null ? 1 : e.getSeries().getCount())
                .sorted().toList());
    }

    @Test
    void manyNotices_areBoundedPerCall_andTheNextCallWritesTheRest() {
        // GIVEN 30 waiting pods and 60 workers: 30 + 60 × 2 writes, more than one call may spend
        statusConfigMap();
        List<PodNotice> pods = new ArrayList<>();
        List<NodeNotice> nodes = new ArrayList<>();
        IntStream.range(0, 30).forEach(i -> {
            cluster.pod("shop", "web-" + i, null, "ReplicaSet");
            pods.add(triggered("shop", "web-" + i));
        });
        IntStream.range(0, 60).forEach(i -> {
            cluster.worker("w" + i, "i-" + i, true);
            nodes.add(node("w" + i, "NOT_UNDERUTILIZED"));
        });
        ClusterReport report = report(pods, nodes);
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());

        // WHEN it is reported twice
        ReportToClusterOutput first = run(handler, ReportInputs.asTheTickSendsIt("tick-1", report));
        ReportToClusterOutput second = run(handler, ReportInputs.asTheTickSendsIt("tick-2", report));

        // THEN the first stops at the budget and says so; the second finishes without repeating anything
        assertFalse(first.complete());
        assertTrue(first.left() > 0, first.reason());
        assertTrue(first.eventsCreated() + first.nodesAnnotated() <= ClusterReporter.WRITE_BUDGET, first.reason());
        assertTrue(second.complete(), second.reason());
        assertEquals(30, podEvents("shop").size());
        assertEquals(60, nodeEvents().size());
        assertEquals(30 + 60 + 60, first.eventsCreated() + first.nodesAnnotated() + second.eventsCreated()
                + second.nodesAnnotated());
    }

    @Test
    void aPodGoneMeanwhile_isSkipped_andAWorkerGoneToo() {
        statusConfigMap();
        ReportToClusterOutput output = run(new ReportToClusterHandler(cluster.steps()), ReportInputs.asTheTickSendsIt("tick-1", report(List.of(triggered("shop", "gone")),
                        List.of(node("w-gone", "NOT_READY")))));

        assertTrue(output.complete(), output.reason());
        assertEquals(0, output.eventsCreated() + output.nodesAnnotated());
        assertEquals(List.of(), podEvents("shop"));
    }

    @Test
    void withoutTheConfigMap_theStepFailsNamingTheManifestThatCreatesIt() {
        ClusterReport report = report(List.of(), List.of());
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());

        KubernetesRequestRejected error = assertThrows(KubernetesRequestRejected.class,
                () -> run(handler, ReportInputs.asTheTickSendsIt("tick-1", report)));

        assertTrue(error.getMessage().contains("kube-system/k3s-autoscaler-status does not exist"), error.getMessage());
        assertTrue(error.getMessage().contains("autoscaler-rbac.yaml"), error.getMessage());
    }

    @Test
    void aRemovedWorker_isAnnotatedButGetsNoStatusEvent() {
        statusConfigMap();
        cluster.worker("w1", "i-1", true);

        run(new ReportToClusterHandler(cluster.steps()), ReportInputs.asTheTickSendsIt("tick-1", report(List.of(), List.of(node("w1", NodeNotice.REMOVED)))));

        assertTrue(cluster.node("w1").getMetadata().getAnnotations().get(NodeNotice.ANNOTATION).startsWith("REMOVED"));
        assertEquals(List.of(), nodeEvents());
    }

    @Test
    void verdictsAndCodesThatDoNotPair_areRefusedAsInvalidInput_beforeAnyWrite() {
        statusConfigMap();
        ReportToClusterInput input = new ReportToClusterInput("tick-1", report(List.of(), List.of()),
                List.of("w1: not underutilized", "w2"), List.of("NOT_UNDERUTILIZED"));

        InvalidStepInput error = assertThrows(InvalidStepInput.class,
                () -> run(new ReportToClusterHandler(cluster.steps()), input));

        assertTrue(error.getMessage().contains("workers has 2 verdicts but workerCodes 1 codes"), error.getMessage());
        assertTrue(error.getMessage().contains("not \"<node>: <verdict>\": w2"), error.getMessage());
        assertEquals("health: Unknown\n", configMapData().get("status"));
    }

    // ---- fixtures ----

    /** As Lambda runs it: the input as JSON in, the output as JSON out. */
    private static ReportToClusterOutput run(ReportToClusterHandler handler, ReportToClusterInput input) {
        try {
            String output = handler.invoke(StepJson.MAPPER.writeValueAsString(input),
                    LocalLambdaContext.forFunction("report-to-cluster"));
            return StepJson.MAPPER.readValue(output, ReportToClusterOutput.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void statusConfigMap() {
        cluster.admin().configMaps().inNamespace(ClusterReporter.NAMESPACE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(ClusterReporter.CONFIG_MAP).withNamespace(ClusterReporter.NAMESPACE)
                .endMetadata().addToData("status", "health: Unknown\n").build()).create();
    }

    private Map<String, String> configMapData() {
        return cluster.admin().configMaps().inNamespace(ClusterReporter.NAMESPACE).withName(ClusterReporter.CONFIG_MAP)
                .get().getData();
    }

    private List<Event> podEvents(String namespace) {
        return cluster.admin().events().v1().events().inNamespace(namespace).list().getItems();
    }

    private List<Event> nodeEvents() {
        return cluster.admin().events().v1().events().inNamespace(ClusterEvent.NODE_EVENT_NAMESPACE).list().getItems();
    }

    private static PodNotice triggered(String namespace, String name) {
        return new PodNotice(namespace, name, PodNotice.Code.TRIGGERED_SCALE_UP, ClusterEvent.onPod(namespace, name,
                "TriggeredScaleUp", false, "ScaleUp",
                "pod triggered scale-up: +1 worker (2 → 3, max 10) by actuation scale-up-x; adds $0.0208/hour"));
    }

    private static PodNotice notTriggered(String namespace, String name) {
        return new PodNotice(namespace, name, PodNotice.Code.AT_MAX_WORKERS, ClusterEvent.onPod(namespace, name,
                "NotTriggerScaleUp", true, "Evaluate", "pod didn't trigger scale-up: MAX_WORKERS reached (10 of 10 workers)"));
    }

    private static NodeNotice node(String name, String code) {
        return new NodeNotice(name, code, code.equals("NOT_UNDERUTILIZED") ? "CPU requests 80% of allocatable" : "as the test says");
    }

    private ClusterReport report(List<PodNotice> pods, List<NodeNotice> nodes) {
        Instant now = cluster.clock.instant();
        ClusterStatus status = new ClusterStatus("test-cluster", now, "tick", ClusterStatus.Health.HEALTHY, "fine",
                new ClusterStatus.DecisionLine("NOOP", 0, "STEADY", "steady", null, 0),
                new ClusterStatus.Workers(nodes.size(), 0, 0, nodes.size(), nodes.size(), 2, 10, 0.0208 * nodes.size()),
                pods.size(), List.of(), ClusterStatus.Lock.FREE, new ClusterStatus.Pause(false, null), null, nodes);
        return new ClusterReport(status, pods, "digest", true);
    }

}
