package dev.k3sautoscaler.fleet;

import static dev.k3sautoscaler.testkit.TestWorld.AZ_A;
import static dev.k3sautoscaler.testkit.TestWorld.AZ_B;
import static dev.k3sautoscaler.testkit.TestWorld.AZ_C;
import static dev.k3sautoscaler.testkit.TestWorld.T0;

import dev.k3sautoscaler.idempotency.IdempotencySettings;
import dev.k3sautoscaler.idempotency.IdempotencyStore;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.state.Lease;
import dev.k3sautoscaler.state.LeaseFence;
import dev.k3sautoscaler.state.ScalingLease;
import dev.k3sautoscaler.state.StateAccess;
import dev.k3sautoscaler.state.StateSettings;
import dev.k3sautoscaler.state.StateTables;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.testkit.ec2.Ec2Fake;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The fleet handlers wired as in Lambda, but against the EC2 fake over HTTP through the real SDK
 * client: three AZs, one launch template whose user data holds a sentinel join token, and the
 * idempotency store on DynamoDB Local (a fresh table per rig, so tests never replay each other).
 */
final class FleetRig implements AutoCloseable {
    static final String CLUSTER = "demo";
    static final String TEMPLATE_ID = "lt-0123456789abcdef0";
    /** Stands in for the K3s join token: it lives only in the launch template's user data and SSM, never in our outputs. */
    static final String JOIN_TOKEN = "K10sentinel-join-token::server:5c3f1e2d";

    final VirtualClock clock = new VirtualClock(T0);
    final Ec2Fake ec2 = Ec2Fake.start(clock)
            .subnet("subnet-a", AZ_A).subnet("subnet-b", AZ_B).subnet("subnet-c", AZ_C).subnet("subnet-m", AZ_A)
            .launchTemplate(new Ec2Fake.LaunchTemplate(TEMPLATE_ID, "demo-worker", "ami-0worker", "t3.small",
                    "#!/bin/sh\nK3S_TOKEN=" + JOIN_TOKEN + " sh /opt/k3s-agent-install.sh"));
    final Map<String, String> environment = new HashMap<>(Map.of(
            FleetSettings.CLUSTER_ID, CLUSTER,
            FleetSettings.WORKER_LAUNCH_TEMPLATE, TEMPLATE_ID,
            FleetSettings.WORKER_INSTANCE_TYPES, "t3.small,t3a.small",
            FleetSettings.WORKER_SUBNET_IDS, "subnet-a:" + AZ_A + ",subnet-b:" + AZ_B + ",subnet-c:" + AZ_C,
            "K3S_TOKEN", JOIN_TOKEN));
    int pageSize = Ec2Fleet.DEFAULT_PAGE_SIZE;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final IdempotencyStore idempotency = idempotencyStore();
    /** The scaling lock's table: the fleet steps check their lease there before calling EC2. */
    final StateAccess state = new StateAccess(LocalDynamoDb.shared().client(), new StateSettings(CLUSTER,
            "fleet-state-" + suffix, "fleet-events-" + suffix, Duration.ofDays(30), Duration.ofSeconds(300)), clock);
    final ScalingLease lock = new ScalingLease(state);
    private Lease lease;
    private Ec2Client client;

    private IdempotencyStore idempotencyStore() {
        String table = "fleet-idempotency-" + suffix;
        var dynamo = LocalDynamoDb.shared().client();
        StateTables.createIfMissing(dynamo, "fleet-state-" + suffix, "fleet-events-" + suffix, table);
        return new IdempotencyStore(dynamo, new IdempotencySettings(table), clock);
    }

    /** The lease the tests act under: acquired once per rig, as AcquireLock would. */
    Lease lease() {
        if (lease == null) {
            lease = lock.acquire("fleet-test").lease();
        }
        return lease;
    }

    /** {@code "lease": {...}} for a step input, the rig's current lease. */
    String leaseJson() {
        Lease current = lease();
        return "\"lease\":{\"owner\":\"" + current.owner() + "\",\"fencingToken\":" + current.fencingToken()
                + ",\"expiresAt\":\"" + current.expiresAt() + "\"}";
    }

    FleetRig with(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    /** The production-shaped SDK client (the fleet's retry settings) pointed at the fake. */
    Ec2Client client() {
        if (client == null) {
            client = AwsClients.build(FleetClients.builder(), Region.EU_WEST_1,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")), ec2.endpoint());
        }
        return client;
    }

    FleetContext context() {
        return FleetContext.of(FleetSettings.fromEnvironment(environment), client(), clock, pageSize);
    }

    LaunchWorkersHandler launchHandler() {
        return new LaunchWorkersHandler(context(), idempotency, new LeaseFence(lock));
    }

    TerminateWorkersHandler terminateHandler() {
        return new TerminateWorkersHandler(context(), idempotency, new LeaseFence(lock));
    }

    InstanceInventory inventory() {
        return new InstanceInventory(context());
    }

    static <O> O run(JsonStepHandler<?, O> handler, Class<O> type, String json) {
        String output = handler.invoke(json, LocalLambdaContext.forFunction("fleet"));
        try {
            return StepJson.MAPPER.readValue(output, type);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    LaunchWorkersOutput launch(String execution, int count) {
        return run(launchHandler(), LaunchWorkersOutput.class,
                "{\"execution\":\"" + execution + "\",\"count\":" + count + ",\"reason\":\"test\"," + leaseJson() + "}");
    }

    TerminateWorkersOutput terminate(String execution, String... ids) {
        return run(terminateHandler(), TerminateWorkersOutput.class,
                "{\"execution\":\"" + execution + "\",\"instanceIds\":[\"" + String.join("\",\"", ids) + "\"],\"reason\":\"test\"," + leaseJson() + "}");
    }


    /** A worker this cluster's autoscaler launched earlier, already running. */
    String existingWorker(String subnet) {
        return ec2.addInstance("t3.small", subnet, "on-demand", Map.of(FleetTags.MANAGED, "true",
                FleetTags.CLUSTER, CLUSTER, FleetTags.LAUNCHED_BY, "earlier"));
    }

    String master() {
        return ec2.addInstance("t3.medium", "subnet-m", "on-demand", Map.of(FleetTags.ROLE, FleetTags.ROLE_MASTER,
                FleetTags.CLUSTER, CLUSTER, FleetTags.NAME, "demo-master"));
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        ec2.close();
    }
}
