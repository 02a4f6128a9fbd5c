package dev.k3sautoscaler.simulator.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import dev.k3sautoscaler.testkit.prometheus.OpenMetricsWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClusterMetricsExportTest {
    /** Samples a minute apart, from 1772452800 s on. */
    private static final long[] TIMES = {1772452800_000L, 1772452860_000L, 1772452920_000L, 1772452980_000L, 1772453040_000L};

    private static String written(ClusterMetricsExport.Series series, boolean counter) {
        StringWriter text = new StringWriter();
        OpenMetricsWriter out = new OpenMetricsWriter(text);
        if (counter) {
            out.counter("c");
        } else {
            out.gauge("g");
        }
        out.series(Labels.of("pod", "p"));
        series.writeTo(out, TIMES, counter);
        return text.toString().lines().skip(1).map(line -> line.substring(line.indexOf("} ") + 2)).toList().toString();
    }

    @Test
    void aGauge_isWrittenAsStored_oneSampleAnIndex_skippingGaps() {
        // GIVEN 1, 1, then a gap, then 3
        ClusterMetricsExport.Series series = new ClusterMetricsExport.Series(Labels.of("pod", "p"));
        series.add(0, 1);
        series.add(1, 1);
        series.add(3, 3);

        // WHEN / THEN
        assertEquals("[1 1772452800.000, 1 1772452860.000, 3 1772452980.000]", written(series, false));
    }

    @Test
    void aCounter_isItsRateIntegrated_fromZero_restartingAfterAGapAndAfterARestart() {
        // GIVEN 0.5 cores for two minutes, then 0.25; gone a minute; back (a new container), then replaced at once
        ClusterMetricsExport.Series series = new ClusterMetricsExport.Series(Labels.of("pod", "p"));
        series.add(0, 0.5);
        series.add(1, 0.5);
        series.add(2, 0.25);
        series.add(4, 1);

        // WHEN / THEN 30 s of CPU a minute at 0.5, 15 s at 0.25; zero again after the gap
        assertEquals("[0 1772452800.000, 30 1772452860.000, 60 1772452920.000, 0 1772453040.000]", written(series, true));

        // GIVEN the same series whose third sample is a new container
        ClusterMetricsExport.Series restarted = new ClusterMetricsExport.Series(Labels.of("pod", "p"));
        restarted.add(0, 0.5);
        restarted.add(1, 0.5);
        restarted.restart();
        restarted.add(2, 0.5);
        restarted.add(3, 0.5);

        // WHEN / THEN
        assertEquals("[0 1772452800.000, 30 1772452860.000, 0 1772452920.000, 30 1772452980.000]", written(restarted, true));
    }

    @Test
    void nodeLabels_areTheDeployedKubeStateMetricsAllowlist_namedAsItNamesThem() throws IOException {
        // GIVEN the deployed flag
        String manifest = Files.readString(Path.of("../cluster-bootstrap/manifests/kube-state-metrics.yaml"));

        // WHEN / THEN
        assertTrue(manifest.contains("--metric-labels-allowlist=nodes=[" + String.join(",", ClusterMetricsExport.NODE_LABELS_ALLOWED) + "]"),
                "the allowlist changed in the manifest: " + ClusterMetricsExport.NODE_LABELS_ALLOWED);
        assertEquals("label_node_kubernetes_io_instance_type", ClusterMetricsExport.labelName("node.kubernetes.io/instance-type"));
        assertEquals("label_k3s_autoscaler_capacity_type", ClusterMetricsExport.labelName("k3s-autoscaler/capacity-type"));
    }
}
