package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.model.ClusterMetrics;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.model.FleetView;
import dev.k3sautoscaler.core.model.PodRequest;
import dev.k3sautoscaler.core.model.ScalingState;
import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.core.policy.ScalingPolicy;
import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.ClusterReporting;
import dev.k3sautoscaler.core.report.ClusterStatus;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.kube.Kubectl;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees with a real kubectl after the autoscaler's own steps wrote: the report of a
 * decision the real policy made (ReportToCluster) and a cordon (CordonNode). Run with
 * {@code KUBECTL=...} to check another kubectl release.
 */
class KubectlSeesTheReportIT {
    private static final long MIB = 1024L * 1024L;

    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @Test
    void describePod_describeNode_andTheStatusConfigMap_sayWhatTheTickDecided() throws Exception {
        // GIVEN one busy worker, a pod waiting, the status ConfigMap the manifest creates
        cluster.admin().configMaps().inNamespace(ClusterReporter.NAMESPACE).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(ClusterReporter.CONFIG_MAP).withNamespace(ClusterReporter.NAMESPACE)
                .endMetadata().addToData(ClusterReporter.STATUS, "health: Unknown\n").build()).create();
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("shop", "web-1", null, "ReplicaSet");
        ReportToClusterHandler handler = new ReportToClusterHandler(cluster.steps());

        // WHEN the tick reports what the default policy decided for it, and again 6 minutes later
        report(handler, cluster.clock.instant());
        cluster.clock.advance(Duration.ofMinutes(6));
        report(handler, cluster.clock.instant());
        Kubectl kubectl = cluster.kubectl();

        // THEN kubectl describe pod shows the event, counted twice
        String pod = kubectl.run("describe", "pod", "web-1", "-n", "shop");
        assertTrue(pod.contains("TriggeredScaleUp"), pod);
        assertTrue(pod.contains("pod triggered scale-up: +1 worker (2 → 3, max 10) by actuation scale-up-20261123-1200"), pod);
        assertTrue(pod.contains("adds $0.0208/hour"), pod);
        assertTrue(pod.contains("x2 over"), pod);
        assertTrue(pod.contains("k3s-autoscaler"), pod);

        // AND kubectl describe node shows its scale-down status, as annotation and event, and the cordon
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);
        String node = kubectl.run("describe", "node", "w1");
        assertTrue(node.contains("k3s-autoscaler/scale-down-status: NOT_UNDERUTILIZED"), node);
        assertTrue(node.contains("ScaleDownStatus"), node);
        assertTrue(node.contains("ScaleDown "), node);
        assertTrue(node.contains("removing it saves $0.0208/hour"), node);

        // AND the status ConfigMap, as kubectl get prints it
        String status = kubectl.run("get", "configmap", "-n", "kube-system", "k3s-autoscaler-status", "-o", "yaml");
        assertTrue(status.contains("health: Healthy"), status);
        assertTrue(status.contains("action: SCALE_UP"), status);
        assertTrue(status.contains("unschedulablePods: 1"), status);
        assertTrue(status.contains("scaleDown: NOT_UNDERUTILIZED"), status);

        // AND every event the autoscaler wrote, by its reporting component
        String events = kubectl.run("get", "events", "-A", "--field-selector", "reportingComponent=k3s-autoscaler",
                "-o", "custom-columns=REASON:.reason,OBJECT:.involvedObject.name");
        assertTrue(events.contains("TriggeredScaleUp") && events.contains("web-1"), events);
        assertTrue(events.contains("ScaleDownStatus") && events.contains("w2"), events);
    }

    /** Decide's report of this cluster, at {@code now}, written by ReportToCluster as Lambda runs it. */
    private static void report(ReportToClusterHandler handler, Instant now) throws Exception {
        List<WorkerNode> workers = List.of(new WorkerNode("w1", "i-1", true, true, 1800L, 1500 * MIB),
                new WorkerNode("w2", "i-2", true, true, 1800L, 1500 * MIB));
        List<PodRequest> waiting = List.of(new PodRequest("shop", "web-1", 500, 256 * MIB));
        ClusterMetrics metrics = new ClusterMetrics(true, null, now, 50.0, 50.0, 50.0, 50.0, 50.0, 60.0, 1, waiting, 1,
                3600L, 3000 * MIB, workers);
        AutoscalerConfig config = AutoscalerConfig.defaults();
        Decision decision = ScalingPolicy.named("default").decide(metrics, FleetView.unobserved("not read here"),
                ScalingState.initial(), config, now);
        ClusterReport report = ClusterReporting.report(new ClusterReporting.Facts("test-cluster", "tick-1", now, metrics,
                ScalingState.initial(), decision, "scale-up-20261123-1200", ClusterStatus.Lock.FREE, config, null));
        handler.invoke(StepJson.MAPPER.writeValueAsString(ReportInputs.asTheTickSendsIt("tick-1", report)),
                LocalLambdaContext.forFunction("report-to-cluster"));
    }
}
