package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.KubernetesApiUnavailable;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An API server that answers 200 with nothing usable (an empty body, JSON cut short, an HTML page
 * from a proxy): every kube step ends with the retryable KubernetesApiUnavailable naming the call,
 * never a NullPointerException, and never reads the nonsense as "no such Node".
 */
class ApiNonsenseIT {
    private static final String WORKER = "ip-10-0-1-5";
    private static final String PAGE = "limit=" + KubeCalls.PAGE_SIZE;
    private static final String NODES = "/api/v1/nodes?" + PAGE;
    private static final String PODS = "/api/v1/pods?" + PAGE;
    private static final String NODE_PODS = "/api/v1/pods?fieldSelector=spec.nodeName%3D" + WORKER + "&" + PAGE;
    private static final String WAITING_PODS = "/api/v1/pods?fieldSelector=spec.nodeName%3D%2Cstatus.phase%3DPending&" + PAGE;
    private static final String THE_NODE = "/api/v1/nodes/" + WORKER;
    private static final List<String> BODIES = List.of("", "{\"kind\":\"NodeList\",\"items\":[", "<html>502 Bad Gateway</html>");

    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @BeforeEach
    void seed() {
        cluster.master("master", "i-0master0");
        cluster.worker(WORKER, "i-0aaa1111", true);
        cluster.pod("shop", "web-1", WORKER, "ReplicaSet");
    }

    /** One step as the workflow calls it, and the request of it the server answers with nonsense. */
    private record StepCall(String step, String path, Function<MockCluster, Executable> call) {
        @Override
        public String toString() {
            return step + " (GET " + path + ")";
        }
    }

    private static Executable handler(String fixture, Function<KubeSteps, ? extends JsonStepHandler<?, ?>> handler,
                                      MockCluster cluster) {
        String function = fixture.replace("-spot-interruption", "").replace(".json", "");
        return () -> handler.apply(cluster.steps()).invoke(Events.read(fixture), LocalLambdaContext.forFunction(function));
    }

    static Stream<Arguments> nonsense() {
        List<StepCall> calls = List.of(
                new StepCall("CheckWorkersJoined", NODES, c -> handler("check-workers-joined.json", CheckWorkersJoinedHandler::new, c)),
                new StepCall("SelectScaleDownTarget", NODES, c -> handler("select-scale-down-target.json", SelectScaleDownTargetHandler::new, c)),
                new StepCall("SelectScaleDownTarget", PODS, c -> handler("select-scale-down-target.json", SelectScaleDownTargetHandler::new, c)),
                new StepCall("CordonNode", THE_NODE, c -> handler("cordon-node.json", CordonNodeHandler::new, c)),
                new StepCall("DrainNode", THE_NODE, c -> handler("drain-node.json", DrainNodeHandler::new, c)),
                new StepCall("DrainNode", NODE_PODS, c -> handler("drain-node.json", DrainNodeHandler::new, c)),
                new StepCall("DrainNode", WAITING_PODS, c -> handler("drain-node.json", DrainNodeHandler::new, c)),
                new StepCall("DrainNode (Spot)", NODES, c -> handler("drain-node-spot-interruption.json", DrainNodeHandler::new, c)),
                new StepCall("UncordonNode", THE_NODE, c -> handler("uncordon-node.json", UncordonNodeHandler::new, c)),
                new StepCall("DeleteNode", THE_NODE, c -> handler("delete-node.json", DeleteNodeHandler::new, c)),
                new StepCall("ReconcileWorkers' node list", NODES, c -> () -> new NodeInventory(c.autoscalerClient()).nodes()),
                new StepCall("ReconcileWorkers' ghost deletion", THE_NODE,
                        c -> () -> new NodeInventory(c.autoscalerClient()).deleteGhost(WORKER, "i-0aaa1111")));
        List<Arguments> cases = new ArrayList<>();
        calls.forEach(call -> BODIES.forEach(body -> cases.add(Arguments.of(call, body))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} answered [{1}]")
    @MethodSource("nonsense")
    void unusableAnswer_isKubernetesApiUnavailable(StepCall call, String body) {
        // GIVEN
        cluster.server().expect().get().withPath(call.path()).andReturn(200, body).always();

        // WHEN
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class, call.call().apply(cluster));

        // THEN retryable, naming the request and what was wrong with the answer
        assertTrue(error.retryable());
        String operation = call.path().startsWith("/api/v1/pods") ? "list pods" : call.path().equals(NODES) ? "list nodes"
                : "get node " + WORKER;
        assertTrue(error.getMessage().startsWith(operation + " failed: the K3s API server answered with "),
                error.getMessage());
        assertTrue(error.getMessage().contains(body.isEmpty() ? "an empty body" : "a body that is not a Kubernetes object"), error.getMessage());
    }

    @Test
    void emptyAnswerConfirmingAnEviction_isNotReadAsAPodGone() {
        // GIVEN the eviction answers 404 and the pod's GET an empty 200: the pod may well still run
        cluster.evictionAnswers("shop", "web-1", 404, 1);
        cluster.server().expect().get().withPath("/api/v1/namespaces/shop/pods/web-1").andReturn(200, "").always();

        // WHEN
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class,
                handler("drain-node.json", DrainNodeHandler::new, cluster));

        // THEN
        assertEquals("get pod shop/web-1 failed: the K3s API server answered with an empty body or a 404, yet still lists it",
                error.getMessage());
    }
}
