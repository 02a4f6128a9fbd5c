package dev.k3sautoscaler.lifecycle;

import static dev.k3sautoscaler.testkit.TestWorld.AZ_A;
import static dev.k3sautoscaler.testkit.TestWorld.T0;

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
import dev.k3sautoscaler.testkit.kube.FakeKubeApi;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import dev.k3sautoscaler.testkit.kube.KubeObjects.Readiness;
import dev.k3sautoscaler.workflow.VirtualClock;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The lifecycle handlers wired as in Lambda against real parts: the real SDK EC2 client against the testkit's
 * EC2 fake, and the production fabric8 client against the testkit's K3s API. Time is a virtual
 * clock shared by the fakes and the handler.
 */
final class ReconcileRig implements AutoCloseable {
    static final String CLUSTER = "demo";
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(600);
    /** The defaults: JOIN_TIMEOUT_SEC 600, DRAIN_TIMEOUT_SEC 300, LOCK_TTL_SEC 300. */
    static final dev.k3sautoscaler.core.config.AutoscalerConfig CONFIG =
            dev.k3sautoscaler.core.config.AutoscalerConfig.fromEnvironment(Map.of("JOIN_TIMEOUT_SEC", "600"));
    static final String AZ = AZ_A;
    static final String TOKEN = "sa-token-reconcile";

    final VirtualClock clock = new VirtualClock(T0);
    final Ec2Fake ec2 = Ec2Fake.start(clock).subnet("subnet-a", AZ);
    private final FakeKubeApi kube = FakeKubeApi.start(clock);
    final KubernetesClient admin = kube.world();
    private final KubernetesClient autoscalerClient;
    private final Ec2Client ec2Client;

    ReconcileRig() {
        // The status ConfigMap cluster-bootstrap's manifest creates: events about instances go on it.
        admin.configMaps().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("k3s-autoscaler-status").withNamespace("kube-system").endMetadata()
                .addToData("status", "health: Unknown\n").build()).create();
        autoscalerClient = KubeClientFactory.create(ClusterCredentials.of(kube.url(), null, () -> TOKEN));
        ec2Client = AwsClients.build(Ec2Client.builder(), Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")), ec2.endpoint());
    }

    String statusConfigMapUid() {
        return admin.configMaps().inNamespace("kube-system").withName("k3s-autoscaler-status").get().getMetadata().getUid();
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
            json = StepJson.MAPPER.writeValueAsString(new ReconcileWorkersInput("tick-1", pending, act, null));
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
        return kube.register(node(name, instanceId, ready ? Readiness.READY : Readiness.NOT_READY, readyChangedAt)
                .editMetadata().addToLabels(NodeLabels.MANAGED, "true").endMetadata().build());
    }

    Node masterNode(String name, String instanceId) {
        return kube.register(node(name, instanceId, Readiness.READY, T0)
                .editMetadata().addToLabels(NodeLabels.ROLE_CONTROL_PLANE, "true").endMetadata().build());
    }

    /** Its Ready condition last changed at {@code readyChangedAt}: what ReconcileWorkers judges a NotReady node by. */
    private static NodeBuilder node(String name, String instanceId, Readiness readiness, Instant readyChangedAt) {
        return KubeObjects.node(name, ProviderId.of(AZ, instanceId), readiness, null)
                .editStatus().withConditions(KubeObjects.readyCondition(readiness, readyChangedAt)).endStatus();
    }

    boolean nodeExists(String name) {
        return admin.nodes().withName(name).get() != null;
    }

    @Override
    public void close() {
        ec2Client.close();
        autoscalerClient.close();
        kube.close();
        ec2.close();
    }
}
