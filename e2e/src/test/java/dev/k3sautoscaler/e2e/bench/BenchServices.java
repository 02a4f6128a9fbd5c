package dev.k3sautoscaler.e2e.bench;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.metrics.ClusterQueries;
import dev.k3sautoscaler.state.StateTables;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.testkit.ec2.Ec2Fake;
import dev.k3sautoscaler.testkit.kube.FakeKubeApi;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi;
import dev.k3sautoscaler.testkit.ssm.FakeSsm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The local services the cold-start benchmark's Lambdas talk to, in one long-lived process:
 * DynamoDB Local (tables created), the EC2 fake, a fake SSM holding the cluster token, the testkit's
 * K3s API (one Ready worker) and the fake Prometheus API. Writes the environment a
 * function needs to reach them (one {@code KEY=VALUE} a line) to the file given as the first
 * argument, then serves until killed. Not a test: scripts/benchmark-cold-start.sh runs it.
 */
public final class BenchServices {
    public static final String WORKER_INSTANCE = "i-0b0e0c0000000001";
    public static final String WORKER_NODE = "ip-10-0-1-17";
    private static final String ZONE = "us-east-1a";

    private BenchServices() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLUSTER_ID", "bench");
        env.put("AWS_REGION", "us-east-1");
        // DynamoDB Local keeps one database per access key and region: the functions use the same
        // key as LocalDynamoDb's own client, so they see the tables created here.
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");

        LocalDynamoDb dynamo = LocalDynamoDb.start();
        StateTables.createIfMissing(dynamo.client(), "bench-state", "bench-events", "bench-idempotency");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
        env.put("STATE_TABLE", "bench-state");
        env.put("EVENT_LOG_TABLE", "bench-events");
        env.put("IDEMPOTENCY_TABLE", "bench-idempotency");

        Ec2Fake ec2 = Ec2Fake.start(Clock.systemUTC()).subnet("subnet-a", ZONE)
                .launchTemplate(new Ec2Fake.LaunchTemplate("lt-0b0e0c00000000001", "bench-worker", "ami-0bench", "t3.small", "#!/bin/sh"));
        env.put("EC2_ENDPOINT_URL", ec2.endpoint().toString());
        env.put("WORKER_LAUNCH_TEMPLATE", "lt-0b0e0c00000000001");
        env.put("WORKER_INSTANCE_TYPES", "t3.small");
        env.put("WORKER_SUBNET_IDS", ec2.subnetIds());

        FakeSsm ssm = FakeSsm.start().putSecureString("/bench/token", "bench-token");
        env.put("AWS_ENDPOINT_URL_SSM", ssm.endpoint().toString());
        env.put("K8S_API_TOKEN_PARAM", "/bench/token");

        FakeKubeApi kube = FakeKubeApi.start();
        kube.register(KubeObjects.node(WORKER_NODE, ProviderId.of(ZONE, WORKER_INSTANCE), KubeObjects.Readiness.READY, null)
                .editMetadata().addToLabels(NodeLabels.MANAGED, "true").endMetadata().build());
        env.put("K8S_API_URL", kube.url().toString());

        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(env);
        Map<String, String> queries = ClusterQueries.forConfig(config).all().entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().name(), Map.Entry::getValue));
        FakePrometheusApi prometheus = FakePrometheusApi.start(queries, () -> FakePrometheusApi.Snapshot.steady(
                List.of(new FakePrometheusApi.Worker(WORKER_NODE, ZONE, WORKER_INSTANCE, true, false))));
        env.put("PROMETHEUS_URL", prometheus.baseUrl().toString());

        Files.writeString(Path.of(args[0]), env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
        System.out.println("bench services ready: " + args[0]);
        Thread.currentThread().join();
    }
}
