package dev.k3sautoscaler.lifecycle;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.fleet.FleetContext;
import dev.k3sautoscaler.fleet.FleetSettings;
import dev.k3sautoscaler.fleet.FleetTags;
import dev.k3sautoscaler.fleet.InstanceInventory;
import dev.k3sautoscaler.kube.KubeClientFactory;
import dev.k3sautoscaler.kube.NodeInventory;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.testkit.ec2.Ec2Fake;
import dev.k3sautoscaler.workflow.VirtualClock;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The lifecycle handlers wired as in Lambda against real parts: the real SDK EC2 client against the testkit's
 * EC2 fake, and the production fabric8 client against fabric8's mock K3s API (CRUD mode). Time is
 * a virtual clock shared by the fake and the handler.
 */
final class ReconcileRig implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final String CLUSTER = "demo";
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(600);
    /** The defaults: JOIN_TIMEOUT_SEC 600, DRAIN_TIMEOUT_SEC 300, LOCK_TTL_SEC 300. */
    static final dev.k3sautoscaler.core.config.AutoscalerConfig CONFIG =
            dev.k3sautoscaler.core.config.AutoscalerConfig.fromEnvironment(Map.of("JOIN_TIMEOUT_SEC", "600"));
    static final String AZ = "eu-west-1a";
    static final String TOKEN = "sa-token-reconcile";

    final VirtualClock clock = new VirtualClock(T0);
    final Ec2Fake ec2 = Ec2Fake.start(clock).subnet("subnet-a", AZ);
    private final KubernetesMockServer server;
    final KubernetesClient admin;
    private final KubernetesClient autoscalerClient;
    private final Ec2Client ec2Client;

    ReconcileRig() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        admin = server.createClient();
        autoscalerClient = KubeClientFactory.create(ClusterCredentials.of(URI.create(server.url("/")), null, () -> TOKEN));
        ec2Client = AwsClients.build(Ec2Client.builder(), Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")), ec2.endpoint());
    }

    ReconcileWorkersHandler handler() {
        return new ReconcileWorkersHandler(inventory(), new NodeInventory(autoscalerClient), CONFIG, clock);
    }

    /** The tick's check of an EC2 event's instance, against the same EC2 fake. */
    IdentifyEventInstanceHandler identifier() {
        return new IdentifyEventInstanceHandler(inventory());
    }

    private InstanceInventory inventory() {
        FleetSettings settings = FleetSettings.fromEnvironment(Map.of(
                FleetSettings.CLUSTER_ID, CLUSTER,
                FleetSettings.WORKER_LAUNCH_TEMPLATE, "lt-0123456789abcdef0",
                FleetSettings.WORKER_SUBNET_IDS, "subnet-a:" + AZ));
        return new InstanceInventory(FleetContext.of(settings, ec2Client, clock));
    }

    IdentifyEventInstanceOutput identify(String instanceId) {
        return identifyJson("{\"execution\": \"tick-event-1\", \"instanceId\": \"" + instanceId + "\"}");
    }

    IdentifyEventInstanceOutput identifyJson(String json) {
        String output = identifier().invoke(json, LocalLambdaContext.forFunction("identify-event-instance"));
        try {
            return StepJson.MAPPER.readValue(output, IdentifyEventInstanceOutput.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ReconcileWorkersOutput run(List<PendingLaunch> pending, boolean act) {
        String json;
        try {
            json = StepJson.MAPPER.writeValueAsString(new ReconcileWorkersInput("tick-1", pending, act));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runJson(json);
    }

    ReconcileWorkersOutput runJson(String json) {
        String output = handler().invoke(json, LocalLambdaContext.forFunction("reconcile-workers"));
        try {
            return StepJson.MAPPER.readValue(output, ReconcileWorkersOutput.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- EC2 ----

    /** A worker of this cluster, launched now (the fake backdates launch time by its 30 s boot delay). */
    String worker() {
        return ec2.addInstance("t3.small", "subnet-a", "on-demand", Map.of(FleetTags.MANAGED, "true",
                FleetTags.CLUSTER, CLUSTER));
    }

    String instance(Map<String, String> tags) {
        return ec2.addInstance("t3.small", "subnet-a", "on-demand", tags);
    }

    String state(String instanceId) {
        return ec2.instance(instanceId).state();
    }

    int terminateCalls() {
        return ec2.requests("TerminateInstances").size();
    }

    static PendingLaunch pending(String instanceId, Instant launchedAt) {
        return new PendingLaunch(instanceId, "t3.small", AZ, launchedAt);
    }

    // ---- Nodes ----

    Node node(String name, String instanceId, boolean ready, Instant readyChangedAt) {
        return admin.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(name).addToLabels(NodeLabels.MANAGED, "true").endMetadata()
                .withNewSpec().withProviderID(ProviderId.of(AZ, instanceId)).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .withLastTransitionTime(readyChangedAt.toString()).endCondition().endStatus()
                .build()).create();
    }

    Node masterNode(String name, String instanceId) {
        return admin.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(name).addToLabels(NodeLabels.ROLE_CONTROL_PLANE, "true").endMetadata()
                .withNewSpec().withProviderID(ProviderId.of(AZ, instanceId)).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime(T0.toString()).endCondition().endStatus()
                .build()).create();
    }

    boolean nodeExists(String name) {
        return admin.nodes().withName(name).get() != null;
    }

    @Override
    public void close() {
        ec2Client.close();
        autoscalerClient.close();
        admin.close();
        server.destroy();
        ec2.close();
    }
}
