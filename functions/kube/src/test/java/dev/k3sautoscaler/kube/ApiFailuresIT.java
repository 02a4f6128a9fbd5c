package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.errors.KubernetesAccessDenied;
import dev.k3sautoscaler.errors.KubernetesApiUnavailable;
import dev.k3sautoscaler.errors.StepError;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiFailuresIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private void nodesAnswer(int status, int times) {
        cluster.server().expect().get().withPath("/api/v1/nodes?limit=" + KubeCalls.PAGE_SIZE).andReturn(status,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + status
                        + ",\"message\":\"simulated\"}").times(times);
    }

    @Test
    void serverErrors_areRetryable_KubernetesApiUnavailable() {
        // GIVEN an API server answering 503 (the client must not retry it silently: Step Functions does)
        nodesAnswer(503, 1);

        // WHEN a step lists nodes
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class,
                () -> cluster.operations().checkJoin(List.of("i-1"), null));

        // THEN the error is retryable and names the call and the status
        assertTrue(error.retryable());
        assertEquals("list nodes failed: the K3s API server gave HTTP 503: simulated", error.getMessage());
        assertEquals("dev.k3sautoscaler.errors.KubernetesApiUnavailable", error.errorName());
    }

    @Test
    void unreachableServer_isRetryable_KubernetesApiUnavailable() throws IOException {
        // GIVEN an API URL where nothing listens
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        var client = KubeClientFactory.create(ClusterCredentials.of(URI.create("http://127.0.0.1:" + port), null,
                () -> MockCluster.TOKEN));
        var operations = new NodeOperations(client, EvictionRules.defaults(), cluster.clock, MockCluster.TIMEOUTS);

        // WHEN / THEN
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class,
                () -> operations.selectScaleDownTarget(cluster.everyWorkerOurs(null)));
        assertTrue(error.getMessage().startsWith("list nodes failed: the K3s API server gave no answer ("),
                error.getMessage());
        client.close();
    }

    @Test
    void unauthorized_isNonRetryable_KubernetesAccessDenied() {
        // GIVEN a token the API server no longer accepts (fabric8 asks the token supplier again once on 401)
        nodesAnswer(401, 2);

        // WHEN / THEN
        KubernetesAccessDenied error = assertThrows(KubernetesAccessDenied.class,
                () -> cluster.operations().checkJoin(List.of("i-1"), null));
        assertFalse(error.retryable());
        assertTrue(error.getMessage().contains("ServiceAccount token is invalid or expired"), error.getMessage());
    }

    @Test
    void forbidden_isKubernetesAccessDenied_withAnRbacHint() {
        // GIVEN RBAC that does not allow the call
        nodesAnswer(403, 1);

        // WHEN / THEN
        StepError error = assertThrows(KubernetesAccessDenied.class,
                () -> cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null)));
        assertTrue(error.getMessage().contains("cluster-bootstrap/manifests/autoscaler-rbac.yaml"), error.getMessage());
    }
}
