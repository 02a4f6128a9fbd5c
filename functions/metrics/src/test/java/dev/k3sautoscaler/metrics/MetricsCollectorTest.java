package dev.k3sautoscaler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.metrics.MetricsUnavailable;
import dev.k3sautoscaler.core.metrics.QueryFailure;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.metrics.ClusterQueries.Query;
import dev.k3sautoscaler.metrics.QueryResult.Failed;
import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.metrics.QueryResult.Samples;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Turning query answers into ClusterMetrics, on hand-made answers (the queries are checked in the *IT tests). */
class MetricsCollectorTest {
    private static final Instant AT = Instant.parse("2026-03-02T12:00:00Z");
    private static final long MIB = 1024L * 1024;
    private static final List<Query> PERCENTAGES = List.of(Query.CPU_PERCENT, Query.CPU_SUSTAINED_HIGH,
            Query.CPU_SUSTAINED_LOW, Query.MEMORY_PERCENT, Query.MEMORY_SUSTAINED_HIGH, Query.MEMORY_SUSTAINED_LOW);

    private static MetricsUnavailable unavailable(Map<Query, QueryResult> answers) {
        MetricsCollector.Collected collected = MetricsCollector.assemble(answers, AT);
        assertFalse(collected.metrics().available());
        return collected.unavailable();
    }

    @Test
    void healthyAnswers_becomeAvailableMetrics() {
        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(healthy(), AT).metrics();

        // THEN
        assertTrue(metrics.available(), metrics::unavailableReason);
        assertEquals(42.13, metrics.cpuPercent());
        assertEquals(List.of(new WorkerNode("w1", "i-0123456789abcdef0", true, true, 1500L, 1_000_000_000L)),
                metrics.workers());
        assertEquals(1500L, metrics.requestedCpuMillisOnWorkers());
        assertEquals(1_000_000_000L, metrics.requestedMemoryBytesOnWorkers());
    }

    @Test
    void requestsPerWorker_fillEachWorker_andTheirSumIsTheClusterTotal() {
        // GIVEN three workers; w3 runs nothing but DaemonSet pods, so the query has no series for it
        Map<Query, QueryResult> answers = threeWorkers();
        answers.put(Query.REQUESTED_ON_WORKERS, new Samples(List.of(
                requested("w1", "cpu", 0.5), requested("w1", "memory", 256.0 * MIB),
                requested("w2", "cpu", 1.25), requested("w2", "memory", 1024.0 * MIB))));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN cores become millis, bytes stay bytes; the worker without a series holds 0 / 0
        assertTrue(metrics.available(), metrics::unavailableReason);
        assertEquals(List.of(new WorkerNode("w1", null, true, true, 500L, (long) (256 * MIB)),
                new WorkerNode("w2", null, true, true, 1250L, (long) (1024 * MIB)),
                new WorkerNode("w3", null, true, true, 0L, 0L)), metrics.workers());
        assertTrue(metrics.workers().get(2).empty());
        assertEquals(1750L, metrics.requestedCpuMillisOnWorkers());
        assertEquals(1280 * MIB, metrics.requestedMemoryBytesOnWorkers());
        assertEquals(metrics.requestedCpuMillisOnWorkers(),
                metrics.workers().stream().mapToLong(WorkerNode::requestedCpuMillis).sum());
    }

    @Test
    void requestsOfANodeNotInTheWorkerList_countInTheTotal_butOnNoWorker() {
        // GIVEN a series for w9, which the worker list (a separate query) does not have
        Map<Query, QueryResult> answers = threeWorkers();
        answers.put(Query.REQUESTED_ON_WORKERS, new Samples(List.of(
                requested("w1", "cpu", 0.5), requested("w9", "cpu", 0.2), requested("w9", "memory", 64.0 * MIB))));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertTrue(metrics.available(), metrics::unavailableReason);
        assertEquals(700L, metrics.requestedCpuMillisOnWorkers());
        assertEquals(64 * MIB, metrics.requestedMemoryBytesOnWorkers());
        assertEquals(List.of("w1", "w2", "w3"), metrics.workers().stream().map(WorkerNode::name).toList());
        assertEquals(List.of(500L, 0L, 0L), metrics.workers().stream().map(WorkerNode::requestedCpuMillis).toList());
        assertEquals(List.of(0L, 0L, 0L), metrics.workers().stream().map(WorkerNode::requestedMemoryBytes).toList());
    }

    @Test
    void failedQuery_makesEverythingUnavailable_namingTheQuery() {
        // GIVEN
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.CPU_SUSTAINED_HIGH, new Failed(QueryFailure.REJECTED, "HTTP 422, execution: query timed out"));

        // WHEN
        MetricsCollector.Collected collected = MetricsCollector.assemble(answers, AT);

        // THEN
        assertFalse(collected.metrics().available());
        assertEquals(new MetricsUnavailable.QueryFailed(QueryFailure.REJECTED, "HTTP 422, execution: query timed out",
                "cpu_sustained_high", 1, 16), collected.unavailable());
    }

    @Test
    void notANumber_isUnavailable_neverZero() {
        // GIVEN
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.MEMORY_PERCENT, scalar(Double.NaN));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertFalse(metrics.available());
        assertEquals(new MetricsUnavailable.NotANumber("memory_percent", Double.NaN), unavailable(answers));
        assertNull(metrics.memoryPercent());
    }

    @Test
    void percentagesFarOutsideTheScale_areUnavailable_neverClamped() {
        // GIVEN every percentage at -5: a broken exporter, not an idle cluster
        Map<Query, QueryResult> answers = healthy();
        PERCENTAGES.forEach(query -> answers.put(query, scalar(-5)));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN no scale-down can start from it
        assertFalse(metrics.available());
        assertEquals(new MetricsUnavailable.OutOfRange("cpu_percent", -5.0, "0..100"), unavailable(answers));
        assertNull(metrics.cpuSustainedLowPercent());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("impossibleValues")
    void impossibleValue_isUnavailable_namingTheQueryAndTheValue(Query query, double value, MetricsUnavailable reason) {
        // GIVEN
        Map<Query, QueryResult> answers = healthy();
        answers.put(query, scalar(value));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertFalse(metrics.available());
        assertEquals(reason, unavailable(answers));
    }

    static Stream<Arguments> impossibleValues() {
        return Stream.of(
                Arguments.of(Query.CPU_SUSTAINED_HIGH, 1e300, new MetricsUnavailable.OutOfRange("cpu_sustained_high", 1e300, "0..100")),
                Arguments.of(Query.CPU_PERCENT, Double.POSITIVE_INFINITY,
                        new MetricsUnavailable.NotANumber("cpu_percent", Double.POSITIVE_INFINITY)),
                Arguments.of(Query.MEMORY_SUSTAINED_LOW, Double.NEGATIVE_INFINITY,
                        new MetricsUnavailable.NotANumber("memory_sustained_low", Double.NEGATIVE_INFINITY)),
                Arguments.of(Query.MEMORY_PERCENT, 103.5, new MetricsUnavailable.OutOfRange("memory_percent", 103.5, "0..100")),
                Arguments.of(Query.UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW, 1e300,
                        new MetricsUnavailable.OutOfRange("unschedulable_max_over_idle_window", 1e300, "0..150000")),
                Arguments.of(Query.UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW, -1,
                        new MetricsUnavailable.OutOfRange("unschedulable_max_over_idle_window", -1, "0..150000")),
                Arguments.of(Query.KSM_NEWEST_SAMPLE, Double.NaN, new MetricsUnavailable.NotANumber("ksm_newest_sample", Double.NaN)),
                Arguments.of(Query.KSM_NEWEST_SAMPLE, AT.getEpochSecond() + 86_400.0,
                        new MetricsUnavailable.SampleAfterQuery("ksm_newest_sample", AT.plusSeconds(86_400), AT)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overshoots")
    void overshootWithinTheTolerance_isClampedToTheScale(double value, double reported) {
        // GIVEN rate() extrapolation a little past the edge
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.CPU_PERCENT, scalar(value));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertTrue(metrics.available(), metrics::unavailableReason);
        assertEquals(reported, metrics.cpuPercent());
    }

    static Stream<Arguments> overshoots() {
        return Stream.of(Arguments.of(102.9, 100.0), Arguments.of(-2.9, 0.0), Arguments.of(100.0, 100.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impossibleSampleTimes")
    void impossibleNodeExporterSampleTime_isUnavailable_neverFresh(double sampleTime, MetricsUnavailable reason) {
        // GIVEN one worker's node-exporter sample time is not a time the query could have seen
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.NODE_EXPORTER_SAMPLES, new Samples(List.of(
                node("w1", AT.getEpochSecond() - 5), node("w2", sampleTime))));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertFalse(metrics.available());
        assertEquals(reason, unavailable(answers));
    }

    static Stream<Arguments> impossibleSampleTimes() {
        return Stream.of(
                Arguments.of(Double.NaN, new MetricsUnavailable.NotANumber("node_exporter_samples", Double.NaN)),
                Arguments.of(Double.POSITIVE_INFINITY,
                        new MetricsUnavailable.NotANumber("node_exporter_samples", Double.POSITIVE_INFINITY)),
                Arguments.of(1e12, new MetricsUnavailable.SampleAfterQuery("node_exporter_samples",
                        java.time.Instant.ofEpochSecond(1_000_000_000_000L), AT)));
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @MethodSource("impossibleRequests")
    void impossibleRequestOnAWorker_isUnavailable_namingTheQueryAndTheValue(String node, String resource, double value,
                                                                            MetricsUnavailable reason) {
        // GIVEN one worker's requests are fine, one series is no amount at all
        Map<Query, QueryResult> answers = threeWorkers();
        answers.put(Query.REQUESTED_ON_WORKERS, new Samples(List.of(
                requested("w1", "cpu", 0.5), requested("w1", "memory", 1e9), requested(node, resource, value))));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN no worker reads as empty, and no total is made up
        assertFalse(metrics.available());
        assertEquals(reason, unavailable(answers));
        assertNull(metrics.requestedCpuMillisOnWorkers());
        assertEquals(List.of(), metrics.workers());
    }

    static Stream<Arguments> impossibleRequests() {
        return Stream.of(
                Arguments.of("w2", "cpu", -1.5, new MetricsUnavailable.OutOfRange("requested_on_workers", -1.5, "0 or more")),
                Arguments.of("w2", "memory", Double.NaN, new MetricsUnavailable.NotANumber("requested_on_workers", Double.NaN)),
                Arguments.of("w3", "memory", Double.POSITIVE_INFINITY,
                        new MetricsUnavailable.NotANumber("requested_on_workers", Double.POSITIVE_INFINITY)),
                // Not in the worker list, but it would still count in the total.
                Arguments.of("w9", "cpu", -0.001, new MetricsUnavailable.OutOfRange("requested_on_workers", -0.001, "0 or more")));
    }

    @Test
    void missingCpuWhileWorkersAreMeasured_isUnavailable() {
        // GIVEN
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.CPU_PERCENT, new Samples(List.of()));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertEquals(new MetricsUnavailable.MissingSeries("cpu_percent"), unavailable(answers));
    }

    @Test
    void staleNodeExporter_isUnavailable() {
        // GIVEN the newest node-exporter sample is 60 s old
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.NODE_EXPORTER_SAMPLES, new Samples(List.of(node("w1", AT.getEpochSecond() - 60))));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertEquals(new MetricsUnavailable.StaleData("node-exporter", 60, 45), unavailable(answers));
    }

    @Test
    void manyUnschedulablePods_keepTheExactCount_andTheLargestRequests() {
        // GIVEN 600 unschedulable pods; pod-599 is the largest
        Map<Query, QueryResult> answers = healthy();
        List<Sample> pods = new ArrayList<>();
        List<Sample> requests = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            pods.add(new Sample(Map.of("namespace", "load", "pod", "pod-" + i, "uid", "u" + i), 1));
            requests.add(new Sample(Map.of("namespace", "load", "pod", "pod-" + i, "resource", "cpu"), (i + 1) / 1000.0));
        }
        answers.put(Query.UNSCHEDULABLE_PODS, new Samples(pods));
        answers.put(Query.UNSCHEDULABLE_POD_REQUESTS, new Samples(requests));

        // WHEN
        MetricsCollector.Collected collected = MetricsCollector.assemble(answers, AT);

        // THEN
        ClusterMetrics metrics = collected.metrics();
        assertEquals(600, metrics.unschedulablePods());
        assertEquals(600, metrics.unschedulablePodsMaxOverIdleWindow());
        assertEquals(MetricsCollector.MAX_POD_REQUESTS, metrics.unschedulablePodRequests().size());
        assertEquals(new PodRequest("load", "pod-599", 600, 0), metrics.unschedulablePodRequests().getFirst());
        assertEquals(List.of("unschedulable pod list truncated to the 500 largest of 600"), collected.notes());
    }

    @Test
    void workerWithoutReadySeries_isNotReady_andCordonedOneIsNotSchedulable() {
        // GIVEN
        Map<Query, QueryResult> answers = healthy();
        answers.put(Query.WORKER_NODES, new Samples(List.of(
                new Sample(Map.of("node", "w1", "provider_id", "aws:///eu-west-1a/i-0123456789abcdef0"), 1),
                new Sample(Map.of("node", "w2", "provider_id", "k3s://w2"), 1))));
        answers.put(Query.WORKER_READY, new Samples(List.of(new Sample(Map.of("node", "w1"), 1))));
        answers.put(Query.WORKER_CORDONED, new Samples(List.of(new Sample(Map.of("node", "w1"), 1),
                new Sample(Map.of("node", "w2"), 0))));

        // WHEN
        ClusterMetrics metrics = MetricsCollector.assemble(answers, AT).metrics();

        // THEN
        assertEquals(List.of(new WorkerNode("w1", "i-0123456789abcdef0", true, false, 1500L, 1_000_000_000L),
                new WorkerNode("w2", null, false, true, 0L, 0L)), metrics.workers());
    }

    @Test
    void instanceId_isReadOnlyFromAnAwsProviderId() {
        assertEquals("i-0abc", MetricsCollector.instanceId("aws:///eu-west-1a/i-0abc"));
        assertNull(MetricsCollector.instanceId("k3s://w1"));
        assertNull(MetricsCollector.instanceId("aws:///eu-west-1a/"));
        assertNull(MetricsCollector.instanceId(null));
    }

    /** A one-worker cluster where everything answered. */
    private static Map<Query, QueryResult> healthy() {
        Map<Query, QueryResult> answers = new EnumMap<>(Query.class);
        answers.put(Query.KSM_NEWEST_SAMPLE, scalar(AT.getEpochSecond() - 10));
        answers.put(Query.CONTROL_PLANE_NODES, scalar(1));
        answers.put(Query.WORKER_NODES, new Samples(List.of(
                new Sample(Map.of("node", "w1", "provider_id", "aws:///eu-west-1a/i-0123456789abcdef0"), 1))));
        answers.put(Query.WORKER_READY, new Samples(List.of(new Sample(Map.of("node", "w1"), 1))));
        answers.put(Query.WORKER_CORDONED, new Samples(List.of(new Sample(Map.of("node", "w1"), 0))));
        answers.put(Query.NODE_EXPORTER_SAMPLES, new Samples(List.of(node("w1", AT.getEpochSecond() - 5))));
        answers.put(Query.CPU_PERCENT, scalar(42.1275));
        answers.put(Query.CPU_SUSTAINED_HIGH, scalar(40));
        answers.put(Query.CPU_SUSTAINED_LOW, scalar(45));
        answers.put(Query.MEMORY_PERCENT, scalar(50));
        answers.put(Query.MEMORY_SUSTAINED_HIGH, scalar(48));
        answers.put(Query.MEMORY_SUSTAINED_LOW, scalar(55));
        answers.put(Query.UNSCHEDULABLE_PODS, new Samples(List.of()));
        answers.put(Query.UNSCHEDULABLE_POD_REQUESTS, new Samples(List.of()));
        answers.put(Query.UNSCHEDULABLE_MAX_OVER_IDLE_WINDOW, scalar(0));
        answers.put(Query.REQUESTED_ON_WORKERS, new Samples(List.of(
                requested("w1", "cpu", 1.5), requested("w1", "memory", 1e9))));
        return answers;
    }

    /** Three Ready, schedulable workers w1..w3 (no provider id), measured; requests as in {@link #healthy()}. */
    private static Map<Query, QueryResult> threeWorkers() {
        Map<Query, QueryResult> answers = healthy();
        List<String> names = List.of("w1", "w2", "w3");
        answers.put(Query.WORKER_NODES, new Samples(names.stream().map(name -> new Sample(Map.of("node", name), 1)).toList()));
        answers.put(Query.WORKER_READY, new Samples(names.stream().map(name -> new Sample(Map.of("node", name), 1)).toList()));
        answers.put(Query.WORKER_CORDONED, new Samples(names.stream().map(name -> new Sample(Map.of("node", name), 0)).toList()));
        answers.put(Query.NODE_EXPORTER_SAMPLES, new Samples(names.stream().map(name -> node(name, AT.getEpochSecond() - 5)).toList()));
        return answers;
    }

    /** One REQUESTED_ON_WORKERS series: a worker's summed requests of one resource (cores or bytes). */
    private static Sample requested(String node, String resource, double value) {
        return new Sample(Map.of("node", node, "resource", resource), value);
    }

    private static Samples scalar(double value) {
        return new Samples(List.of(new Sample(Map.of(), value)));
    }

    private static Sample node(String name, double sampleTime) {
        return new Sample(Map.of("node", name), sampleTime);
    }
}
