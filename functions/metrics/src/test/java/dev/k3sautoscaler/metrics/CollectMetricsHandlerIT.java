package dev.k3sautoscaler.metrics;

import static dev.k3sautoscaler.metrics.Scenarios.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.errors.InvalidStepInput;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.prometheus.PrometheusServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CollectMetrics end to end: JSON input → the real Prometheus → JSON output the Decide step reads. */
class CollectMetricsHandlerIT {
    private static final AutoscalerConfig CONFIG = AutoscalerConfig.defaults();
    private static final LocalLambdaContext CONTEXT = LocalLambdaContext.forFunction("collect-metrics");
    private static PrometheusServer prometheus;

    @BeforeAll
    static void startPrometheus() {
        prometheus = PrometheusServer.backfilledWith(Scenarios.busyCluster().openMetrics());
    }

    @AfterAll
    static void stopPrometheus() {
        prometheus.close();
    }

    @Test
    void tick_returnsTheClusterMetricsAndAReason() throws IOException {
        // GIVEN the clock at the end of the busy cluster's history
        CollectMetricsHandler handler = handler(new Promql(prometheus).client(), Clock.fixed(NOW, ZoneOffset.UTC));

        // WHEN
        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(event("collect-metrics.json"), CONTEXT));

        // THEN the fields sit at the top level, with numbers an operator can check
        assertTrue(output.get("available").asBoolean());
        assertEquals("2026-03-02T12:00:00Z", output.get("observedAt").asText());
        assertEquals(60.0, output.get("cpuPercent").asDouble());
        assertEquals(58.33, output.get("memoryPercent").asDouble());
        assertEquals(2, output.get("unschedulablePods").asInt());
        assertEquals("web-1", output.at("/unschedulablePodRequests/0/name").asText());
        assertEquals(600, output.at("/unschedulablePodRequests/0/cpuMillis").asLong());
        assertEquals(300, output.get("requestedCpuMillisOnWorkers").asLong());
        assertEquals("i-00000000000abc001", output.at("/workers/0/instanceId").asText());
        assertFalse(output.has("unavailableReason"));
        assertEquals("3 workers (2 ready, 1 cordoned); CPU 60% (lowest 60% over the sustain window, highest 60% over"
                + " the idle window), memory 58% (lowest 58% over the sustain window, highest 58% over the idle window); 2 pods unschedulable"
                + " need 0.9 vCPU / 2.6 GiB (largest shop/web-1 0.6 vCPU / 0.6 GiB); requests on workers"
                + " 0.3 vCPU / 0.3 GiB; CPU and memory measured on 2 of 3 workers (no node-exporter data from w3)",
                output.get("reason").asText());
    }

    @Test
    void output_isTheClusterMetricsRecordTheDecideStepReads() throws IOException {
        // GIVEN
        CollectMetricsHandler handler = handler(new Promql(prometheus).client(), Clock.fixed(NOW, ZoneOffset.UTC));
        ClusterMetrics expected = new MetricsCollector(new Promql(prometheus).client(),
                ClusterQueries.forConfig(CONFIG)).collect(NOW).metrics();

        // WHEN the ASL hands $.metrics to the next step
        ClusterMetrics read = StepJson.MAPPER.readValue(handler.invoke(event("collect-metrics.json"), CONTEXT),
                ClusterMetrics.class);

        // THEN
        assertEquals(expected, read);
    }

    @Test
    void replay_evaluatesAtTheGivenInstant_notTheClock() throws IOException {
        // GIVEN a clock a day after the history
        CollectMetricsHandler handler = handler(new Promql(prometheus).client(),
                Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC));

        // WHEN
        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(event("collect-metrics-replay.json"), CONTEXT));

        // THEN
        assertTrue(output.get("available").asBoolean(), output::toString);
        assertEquals("2026-03-02T12:00:00Z", output.get("observedAt").asText());
    }

    @Test
    void unreachablePrometheus_isAnUnavailableResult_notAnError() throws IOException {
        // GIVEN
        PrometheusClient nowhere = PrometheusClient.unauthenticated(
                PrometheusEndpoint.direct(URI.create("http://127.0.0.1:" + ClosedPort.find())));
        CollectMetricsHandler handler = handler(nowhere, Clock.fixed(NOW, ZoneOffset.UTC));

        // WHEN
        JsonNode output = StepJson.MAPPER.readTree(handler.invoke(event("collect-metrics.json"), CONTEXT));

        // THEN no number at all, and the reason says why
        assertFalse(output.get("available").asBoolean());
        assertFalse(output.has("cpuPercent"));
        assertTrue(output.get("reason").asText().startsWith("metrics unavailable: Prometheus unreachable"),
                output.get("reason").asText());
    }

    @Test
    void inputWithoutExecution_orWithABadInstant_isInvalidStepInput() {
        // GIVEN
        CollectMetricsHandler handler = handler(new Promql(prometheus).client(), Clock.fixed(NOW, ZoneOffset.UTC));

        // WHEN / THEN
        InvalidStepInput missing = assertThrows(InvalidStepInput.class, () -> handler.invoke("{}", CONTEXT));
        assertEquals("CollectMetrics input is invalid: execution is required", missing.getMessage());
        InvalidStepInput badTime = assertThrows(InvalidStepInput.class,
                () -> handler.invoke("{\"execution\":\"x\",\"at\":\"yesterday\"}", CONTEXT));
        assertEquals("CollectMetrics input is invalid: field at has the wrong type or form", badTime.getMessage());
    }

    private static CollectMetricsHandler handler(PrometheusClient client, Clock clock) {
        return new CollectMetricsHandler("test-cluster", client, CONFIG, clock);
    }

    private static String event(String name) {
        try (var in = CollectMetricsHandlerIT.class.getResourceAsStream("/events/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
