package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.StepError;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ServiceAccount token reaches the Authorization header and nothing else: not logs, outputs or errors. */
class TokenSecrecyIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @Test
    void token_neverAppearsInLogsOutputsOrErrors_evenAtTraceLevel() throws Exception {
        List<String> texts = new ArrayList<>();
        try (LogCapture logs = new LogCapture()) {
            // GIVEN a cluster, TRACE logging, and handlers built while TRACE is on (fabric8 decides
            // at build time whether to log headers)
            cluster.worker("ip-10-0-1-5", "i-0aaa1111", true);
            cluster.pod("default", "web-1", "ip-10-0-1-5", "ReplicaSet");
            cluster.evictionAnswers("default", "web-1", 429, 1);
            KubeSteps steps = cluster.stepsWithNewClient();
            var context = LocalLambdaContext.forFunction("kube");

            // WHEN every step runs, and one fails on a 403
            texts.add(new CheckWorkersJoinedHandler(steps).invoke(Events.read("check-workers-joined.json"), context));
            texts.add(new SelectScaleDownTargetHandler(steps).invoke(Events.read("select-scale-down-target.json"),
                    context));
            texts.add(new CordonNodeHandler(steps).invoke(Events.read("cordon-node.json"), context));
            texts.add(new DrainNodeHandler(steps).invoke(Events.read("drain-node.json"), context));
            texts.add(new UncordonNodeHandler(steps).invoke(Events.read("uncordon-node.json"), context));
            texts.add(new DeleteNodeHandler(steps).invoke(Events.read("delete-node.json"), context));
            cluster.server().expect().get().withPath("/api/v1/nodes?limit=" + KubeCalls.PAGE_SIZE).andReturn(403, "{}").always();
            StepError error = assertThrows(StepError.class, () -> new CheckWorkersJoinedHandler(steps)
                    .invoke(Events.read("check-workers-joined.json"), context));
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            texts.add(trace.toString());
            texts.add(steps.toString());
            texts.add(logs.text());

            // THEN the token was sent (the mock saw it) but is in none of the texts; the logs did capture our lines
            assertTrue(cluster.autoscalerRequests().size() > 5, "the requests carried the bearer token");
            assertTrue(logs.text().contains("Cordoned node ip-10-0-1-5"), "log capture works");
            for (String text : texts) {
                assertFalse(text.contains(MockCluster.TOKEN), "token leaked into: " + text);
            }
        }
    }
}
