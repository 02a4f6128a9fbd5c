package dev.k3sautoscaler.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ReportMark;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.UnavailableOffering;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.policy.ScalingPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What a tick tells the cluster, from decisions the real default policy makes. */
class ClusterReportingTest {
    private static final Instant NOW = Instant.parse("2026-12-05T08:20:00Z");
    private static final long MIB = 1024L * 1024L;
    private static final AutoscalerConfig CONFIG = AutoscalerConfig.defaults();
    private static final ScalingPolicy POLICY = ScalingPolicy.named("default");

    @Test
    void scaleUp_podsGetTriggeredScaleUp_withCountActuationAndDollars_andAPodTooLargeIsToldWhy() {
        // GIVEN 4 busy workers and 3 waiting pods, one of them larger than any worker
        List<PodRequest> waiting = List.of(pod("web-1", 500, 256), pod("web-2", 500, 256), pod("huge", 8000, 256));

        // WHEN the tick decides and reports
        ClusterReport report = report(metrics(busyWorkers(4), waiting), ScalingState.initial(), CONFIG, ClusterStatus.Lock.FREE);

        // THEN the pods that a worker can hold triggered the scale-up, named with what it costs
        assertEquals(ScalingAction.SCALE_UP.name(), report.status().decision().action());
        PodNotice web = notice(report, "web-1");
        assertEquals(PodNotice.Code.TRIGGERED_SCALE_UP, web.code());
        assertEquals("TriggeredScaleUp", web.event().reason());
        assertEquals("Normal", web.event().type());
        int count = report.status().decision().count();
        assertTrue(web.event().note().startsWith("pod triggered scale-up: +" + count + " worker"), web.event().note());
        assertTrue(web.event().note().contains("by actuation scale-up-20261205-0820"), web.event().note());
        assertTrue(web.event().note().contains("adds $" ), web.event().note());
        // AND the one too large is told why, as a warning, and listed in the status
        PodNotice huge = notice(report, "huge");
        assertEquals(PodNotice.Code.TOO_LARGE_FOR_WORKER, huge.code());
        assertEquals("NotTriggerScaleUp", huge.event().reason());
        assertEquals("Warning", huge.event().type());
        assertTrue(huge.event().note().contains("8.0 vCPU"), huge.event().note());
        assertEquals(List.of("default/huge"), report.status().podsTooLargeForWorker());
        assertEquals(0.0208 * count, report.status().decision().costChangeUsdPerHour(), 1e-9);
    }

    @Test
    void atMaxWorkers_podsAreToldTheLimit() {
        AutoscalerConfig max4 = config(Map.of("MAX_WORKERS", "4", "MIN_WORKERS", "1"));

        ClusterReport report = report(metrics(busyWorkers(4), List.of(pod("web-1", 500, 256))), ScalingState.initial(),
                max4, ClusterStatus.Lock.FREE);

        PodNotice web = notice(report, "web-1");
        assertEquals(PodNotice.Code.AT_MAX_WORKERS, web.code());
        assertEquals("Warning", web.event().type());
        assertTrue(web.event().note().contains("MAX_WORKERS reached (4 of 4 workers)"), web.event().note());
    }

    @Test
    void paused_podsAreToldTheOperatorsReason() {
        ScalingState paused = ScalingState.initial().withPaused(true, "INC-123 database migration");

        ClusterReport report = report(metrics(busyWorkers(4), List.of(pod("web-1", 500, 256))), paused, CONFIG,
                ClusterStatus.Lock.FREE);

        assertEquals(PodNotice.Code.PAUSED, notice(report, "web-1").code());
        assertTrue(notice(report, "web-1").event().note().contains("INC-123 database migration"));
        assertEquals(ClusterStatus.Health.PAUSED, report.status().health());
    }

    @Test
    void backingOff_isToldApartFromCapacityUnavailable() {
        ScalingState failed = ScalingState.initial().withFailures(2, NOW.minusSeconds(10), ScalingAction.SCALE_UP);
        ScalingState noCapacity = new ScalingState(null, null, NOW.minusSeconds(10), 2, List.of(),
                List.of(new UnavailableOffering("t3.small", "eu-west-1a", "spot", NOW.plusSeconds(120),
                        "InsufficientInstanceCapacity")), false, null, ScalingAction.SCALE_UP, List.of());
        ClusterMetrics waiting = metrics(busyWorkers(4), List.of(pod("web-1", 500, 256)));

        ClusterReport backingOff = report(waiting, failed, CONFIG, ClusterStatus.Lock.FREE);
        ClusterReport capacity = report(waiting, noCapacity, CONFIG, ClusterStatus.Lock.FREE);

        assertEquals(PodNotice.Code.BACKING_OFF, notice(backingOff, "web-1").code());
        assertTrue(notice(backingOff, "web-1").event().note().contains("2 failed actuations"));
        assertEquals(ClusterStatus.Health.BACKING_OFF, backingOff.status().health());
        assertEquals(2, backingOff.status().lastFailure().consecutiveFailures());
        assertEquals(PodNotice.Code.CAPACITY_UNAVAILABLE, notice(capacity, "web-1").code());
        assertTrue(notice(capacity, "web-1").event().note().contains("t3.small in eu-west-1a (spot)"),
                notice(capacity, "web-1").event().note());
    }

    @Test
    void scaleUpWhileAnActuationHoldsTheLock_podsAreToldItRuns_notThatTheyTriggeredOne() {
        ClusterStatus.Lock held = new ClusterStatus.Lock(true, "scale-up-20261205-0819", NOW.plusSeconds(200));

        ClusterReport report = report(metrics(busyWorkers(4), List.of(pod("web-1", 500, 256))), ScalingState.initial(),
                CONFIG, held);

        assertEquals(PodNotice.Code.ACTUATION_RUNNING, notice(report, "web-1").code());
        assertTrue(report.status().yaml().contains("holder: \"scale-up-20261205-0819\""), report.status().yaml());
    }

    @Test
    void aThousandPodsWaiting_fiftyAreNamed_andTheStatusCountsThemAll() {
        List<PodRequest> burst = IntStream.range(0, 1000).mapToObj(i -> pod(String.format("burst-%04d", i), 100, 64)).toList();

        ClusterReport report = report(metrics(busyWorkers(4), burst), ScalingState.initial(), CONFIG,
                ClusterStatus.Lock.FREE);

        assertEquals(ClusterReporting.MAX_POD_NOTICES, report.pods().size());
        assertEquals("burst-0000", report.pods().get(0).name());
        assertEquals(1000, report.status().unschedulablePods());
    }

    @Test
    void due_onlyWhenTheFactsChange_orPodsStillWaitTenMinutesOn() {
        ClusterMetrics calm = metrics(busyWorkers(4), List.of());
        ClusterReport first = report(calm, ScalingState.initial(), CONFIG, ClusterStatus.Lock.FREE);
        assertTrue(first.due(), "never reported: due");
        ScalingState told = ScalingState.initial().withReported(new ReportMark(first.digest(), NOW));

        // the same facts a minute later, usage moved: nothing new to say
        ClusterReport quiet = report(metrics(busyWorkers(4), List.of()), told, CONFIG, ClusterStatus.Lock.FREE,
                NOW.plusSeconds(60));
        assertEquals(first.digest(), quiet.digest());
        assertFalse(quiet.due());
        // a quiet cluster is not reported again, however long
        assertFalse(report(calm, told, CONFIG, ClusterStatus.Lock.FREE, NOW.plus(Duration.ofHours(6))).due());
        // a pod still waiting ten minutes on is: its event counts it again
        ClusterMetrics waiting = metrics(busyWorkers(4), List.of(pod("web-1", 500, 256)));
        ClusterReport waitingFirst = report(waiting, ScalingState.initial(), CONFIG, ClusterStatus.Lock.FREE);
        ScalingState toldWaiting = ScalingState.initial().withReported(new ReportMark(waitingFirst.digest(), NOW));
        assertFalse(report(waiting, toldWaiting, CONFIG, ClusterStatus.Lock.FREE, NOW.plusSeconds(60)).due());
        assertTrue(report(waiting, toldWaiting, CONFIG, ClusterStatus.Lock.FREE, NOW.plus(ClusterReporting.REFRESH)).due());
        // a pod starts waiting: news
        ClusterReport news = report(metrics(busyWorkers(4), List.of(pod("web-1", 500, 256))), told, CONFIG,
                ClusterStatus.Lock.FREE, NOW.plusSeconds(60));
        assertNotEquals(first.digest(), news.digest());
        assertTrue(news.due());
        // the lock is taken: news
        assertTrue(report(calm, told, CONFIG, new ClusterStatus.Lock(true, "scale-down-x", NOW), NOW.plusSeconds(60)).due());
    }

    @Test
    void status_saysWhatAnOperatorAsks_asYaml() {
        ClusterReport report = report(metrics(idleWorkers(3), List.of()), ScalingState.initial(), CONFIG,
                ClusterStatus.Lock.FREE);

        String yaml = report.status().yaml();
        assertTrue(yaml.contains("health: Healthy"), yaml);
        assertTrue(yaml.contains("decision:\n  action: NOOP"), yaml);
        assertTrue(yaml.contains("workers:\n  ready: 3\n  notReady: 0\n  joining: 0"), yaml);
        assertTrue(yaml.contains("  costUsdPerHour: 0.0624"), yaml);
        assertTrue(yaml.contains("lastFailure: null"), yaml);
        // every worker with its scale-down status, the same words as its annotation
        assertEquals(3, report.nodes().size());
        NodeNotice node = report.nodes().get(0);
        assertTrue(yaml.contains("  - name: \"" + node.node() + "\"\n    scaleDown: " + node.code()), yaml);
        assertEquals(node.code() + ": " + node.reason(), node.annotationValue());
        assertNull(report.status().decision().actuation());
    }

    @Test
    void scaleDown_statusSaysWhatItSaves_andTheRemovedWorker() {
        // GIVEN four idle workers, one of them unneeded for longer than IDLE_DOWN_SEC
        List<WorkerNode> idle = workers(4, 200, 200);
        ScalingState unneeded = ScalingState.initial().withUnneededNodes(List.of(new dev.k3sautoscaler.core.model.UnneededNode(
                "worker-3", "i-" + String.format("%017d", 3), NOW.minus(Duration.ofMinutes(11)))));

        ClusterReport report = report(metrics(idle, List.of(), 15.0), unneeded, CONFIG, ClusterStatus.Lock.FREE);

        // THEN the status names the decision, the actuation and what it saves; the worker reads REMOVED
        ClusterStatus.DecisionLine decision = report.status().decision();
        assertEquals("SCALE_DOWN", decision.action(), decision.reason() + " " + report.nodes());
        assertEquals("scale-up-20261205-0820", decision.actuation());
        assertEquals(-0.0208 * decision.count(), decision.costChangeUsdPerHour(), 1e-9);
        assertTrue(decision.reason().contains("saves $0.0208/hour"), decision.reason());
        assertTrue(report.nodes().stream().anyMatch(n -> n.node().equals("worker-3") && n.code().equals(NodeNotice.REMOVED)),
                report.nodes().toString());
        assertTrue(report.status().yaml().contains("costChangeUsdPerHour: -0.0208"), report.status().yaml());
    }

    @Test
    void metricsUnavailable_isTheHealth_andNoPodIsNamed() {
        ClusterMetrics unavailable = ClusterMetrics.unavailable("Prometheus answered 503", NOW);

        ClusterReport report = report(unavailable, ScalingState.initial(), CONFIG, ClusterStatus.Lock.FREE);

        assertEquals(ClusterStatus.Health.METRICS_UNAVAILABLE, report.status().health());
        assertEquals("Prometheus answered 503", report.status().healthReason());
        assertEquals(List.of(), report.pods());
    }

    @Test
    void quote_escapesWhatWouldBreakYaml() {
        assertEquals("\"a \\\"b\\\"\\nc\"", ClusterStatus.quote("a \"b\"\nc"));
        assertEquals("null", ClusterStatus.quote(null));
    }

    @Test
    void eachWorkersStatus_comesBackWhole_fromTheVerdictLinesTheDecisionCarries() {
        // GIVEN a decision on idle workers (some removed, the rest kept with their reasons) and its report
        ClusterMetrics metrics = metrics(idleWorkers(5), List.of(), 20.0);
        Decision decision = POLICY.decide(metrics, FleetView.unobserved("not observed in this test"),
                ScalingState.initial(), CONFIG, NOW);
        ClusterReport report = report(metrics, ScalingState.initial(), CONFIG, ClusterStatus.Lock.FREE);

        // WHEN the report travels without them and ReportToCluster puts the lines and codes back
        List<NodeNotice> back = NodeNotice.fromLines(
                decision.scaleDown().workers().stream().map(dev.k3sautoscaler.core.model.WorkerVerdict::line).toList(),
                decision.scaleDown().workers().stream().map(dev.k3sautoscaler.core.model.WorkerVerdict::code).toList());

        // THEN they are the notices the report was made with
        assertEquals(5, report.nodes().size());
        assertEquals(report.nodes(), back);
        assertEquals(report.status(), report.withNodes(List.of()).withNodes(back).status());
    }

    @Test
    void aLineThatIsNoVerdict_orCodesThatDoNotMatch_areRefused() {
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NodeNotice.fromLines(List.of("w-1: kept"), List.of())).getMessage().contains("1 verdict lines but 0 codes"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NodeNotice.fromLines(List.of("no verdict"), List.of("X"))).getMessage().contains("not a verdict line"));
    }

    // ---- fixtures ----

    private static ClusterReport report(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config,
                                        ClusterStatus.Lock lock) {
        return report(metrics, state, config, lock, NOW);
    }

    private static ClusterReport report(ClusterMetrics metrics, ScalingState state, AutoscalerConfig config,
                                        ClusterStatus.Lock lock, Instant now) {
        Decision decision = POLICY.decide(metrics, FleetView.unobserved("not observed in this test"), state, config, now);
        return ClusterReporting.report(new ClusterReporting.Facts("k3s-test", "tick-1", now, metrics, state, decision,
                "scale-up-20261205-0820", lock, config, state.reported()));
    }

    private static PodNotice notice(ClusterReport report, String pod) {
        return report.pods().stream().filter(p -> p.name().equals(pod)).findFirst().orElseThrow();
    }

    private static AutoscalerConfig config(Map<String, String> environment) {
        return AutoscalerConfig.fromEnvironment(environment);
    }

    private static PodRequest pod(String name, long cpuMillis, long memoryMib) {
        return new PodRequest("default", name, cpuMillis, memoryMib * MIB);
    }

    /** Workers with their allocatable nearly requested: nothing more fits. */
    private static List<WorkerNode> busyWorkers(int count) {
        return workers(count, 1800, 1500);
    }

    private static List<WorkerNode> idleWorkers(int count) {
        return workers(count, 1200, 1000);
    }

    private static List<WorkerNode> workers(int count, long cpuMillis, long memoryMib) {
        List<WorkerNode> workers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            workers.add(new WorkerNode("worker-" + i, "i-" + String.format("%017d", i), true, true, cpuMillis,
                    memoryMib * MIB));
        }
        return workers;
    }

    private static ClusterMetrics metrics(List<WorkerNode> workers, List<PodRequest> waiting) {
        return metrics(workers, waiting, 50.0);
    }

    /** Usage at {@code percent} for CPU and memory, now and over every window. */
    private static ClusterMetrics metrics(List<WorkerNode> workers, List<PodRequest> waiting, double percent) {
        long cpu = workers.stream().mapToLong(WorkerNode::requestedCpuMillis).sum();
        long memory = workers.stream().mapToLong(WorkerNode::requestedMemoryBytes).sum();
        return new ClusterMetrics(true, null, NOW, percent, percent, percent, percent, percent, percent + 10,
                waiting.size(), waiting, waiting.size(), cpu, memory, workers);
    }

}
