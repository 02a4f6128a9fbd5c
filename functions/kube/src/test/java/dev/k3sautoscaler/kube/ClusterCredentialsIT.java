package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.errors.ClusterCredentialsUnavailable;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.testkit.ssm.FakeSsm;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The production credentials path: SSM (real SDK client and Powertools Parameters) → fabric8 client → API. */
class ClusterCredentialsIT {
    private static final String TOKEN_PARAMETER = "/k3s-autoscaler/test/api-token";

    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    @Test
    void stepsAuthenticate_withTheTokenReadFromSsm_decryptedAndCached() throws Exception {
        // GIVEN the token as a SecureString in SSM and the environment the CDK stack sets
        try (FakeSsm ssm = FakeSsm.start().putSecureString(TOKEN_PARAMETER, MockCluster.TOKEN);
             SsmClient ssmClient = AwsClients.build(SsmClient.builder(), Region.EU_WEST_1,
                     StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")), ssm.endpoint())) {
            ClusterCredentials credentials = ClusterCredentials.fromEnvironment(Map.of(
                    ClusterCredentials.API_URL_VARIABLE, cluster.apiUrl().toString(),
                    ClusterCredentials.TOKEN_PARAMETER_VARIABLE, TOKEN_PARAMETER), ssmClient);
            cluster.worker("w1", "i-1", true);

            // WHEN two steps run against the API
            try (KubernetesClient client = KubeClientFactory.create(credentials)) {
                NodeOperations operations = new NodeOperations(client, EvictionRules.defaults(), cluster.clock,
                        MockCluster.TIMEOUTS);
                operations.checkJoin(List.of("i-1"), null);
                operations.selectScaleDownTarget(cluster.everyWorkerOurs(null));
            }

            // THEN the API saw the decrypted token, SSM was asked once with WithDecryption, and nothing printable holds it
            List<RecordedRequest> requests = cluster.autoscalerRequests();
            assertTrue(requests.size() >= 2, "requests authenticated with the SSM token: " + requests.size());
            assertEquals(List.of(new FakeSsm.Call("GetParameter", List.of(TOKEN_PARAMETER), true)), ssm.calls());
            assertFalse(credentials.toString().contains(MockCluster.TOKEN));
        }
    }

    @Test
    void missingTokenParameter_isNamedClusterCredentialsUnavailable() throws Exception {
        // GIVEN SSM without the token parameter (the master has not written it yet)
        try (FakeSsm ssm = FakeSsm.start();
             SsmClient ssmClient = AwsClients.build(SsmClient.builder(), Region.EU_WEST_1,
                     StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")), ssm.endpoint());
             KubernetesClient client = KubeClientFactory.create(ClusterCredentials.fromEnvironment(Map.of(
                     ClusterCredentials.API_URL_VARIABLE, cluster.apiUrl().toString(),
                     ClusterCredentials.TOKEN_PARAMETER_VARIABLE, TOKEN_PARAMETER), ssmClient))) {
            NodeOperations operations = new NodeOperations(client, EvictionRules.defaults(), cluster.clock,
                    MockCluster.TIMEOUTS);

            // WHEN a step calls the API / THEN it fails with the named error naming the parameter
            ClusterCredentialsUnavailable error = assertThrows(ClusterCredentialsUnavailable.class,
                    () -> operations.checkJoin(List.of("i-1"), null));
            assertTrue(error.getMessage().startsWith("cannot read the ServiceAccount token from SSM: Parameter "
                    + TOKEN_PARAMETER + " not found."), error.getMessage());
            assertEquals(0, cluster.server().getRequestCount(), "no request went out without a token");
        }
    }
}
