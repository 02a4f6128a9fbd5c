package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.FunctionModule;
import dev.k3sautoscaler.contract.Names;
import dev.k3sautoscaler.contract.PowertoolsEnvironment;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.cdk.UserDataRenderer.Role;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.ConfigVariable;
import dev.k3sautoscaler.core.control.TickInput;
import dev.k3sautoscaler.state.StateTableSchema;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.chatbot.SlackChannelConfiguration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.CfnEIP;
import software.amazon.awscdk.services.ec2.CfnEIPAssociation;
import software.amazon.awscdk.services.ec2.CfnInstance;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sns.subscriptions.LambdaSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The whole autoscaler and the cluster it scales: VPC, master, worker launch template, tables,
 * one Lambda per step (own role, exactly its calls), the tick and actuation state machines,
 * their triggers (the unschedulable-pods fast path's function among them), notifications,
 * dashboard and alarms. Every tunable is in {@link K3sAutoscalerProps}.
 */
public final class K3sAutoscaler extends Construct {
    public static final String MANAGED_TAG = "k3s-autoscaler/managed";
    public static final String CLUSTER_TAG = "k3s-autoscaler/cluster";
    public static final String ROLE_TAG = "k3s-autoscaler/role";
    /** Namespace of the functions' own CloudWatch metrics (Powertools); the at-max-capacity alarm reads WorkerCount there. */
    public static final String METRICS_NAMESPACE = PowertoolsEnvironment.METRICS_NAMESPACE;
    public static final String ALIAS_NAME = "live";
    static final String SPOT_INTERRUPTION = "EC2 Spot Instance Interruption Warning";
    static final String REBALANCE_RECOMMENDATION = "EC2 Instance Rebalance Recommendation";
    /**
     * An Express execution may run 5 minutes at most; a tick is ~5 state transitions of a few seconds.
     * An alert's tick first waits PENDING_UP_SEC (at most 180 s), which {@link #tickTimeout} adds.
     */
    private static final java.time.Duration TICK_TIMEOUT = java.time.Duration.ofMinutes(2);
    /** After a join or drain deadline the actuation still terminates, records and releases: a few calls. */
    private static final java.time.Duration ACTUATION_WIND_DOWN = java.time.Duration.ofMinutes(5);
    /** Root volume: AL2023 (~2 GB) + K3s images and container layers of a small node. */
    private static final int ROOT_VOLUME_GB = 20;
    private static final int API_PORT = 6443;
    private static final int VXLAN_PORT = 8472;
    private static final int KUBELET_PORT = 10250;
    /**
     * IMDS answers the host only: a pod's packet crosses the CNI bridge (one more hop) and is dropped, so
     * containers cannot take the node's role. The bootstrap (cluster-bootstrap/userdata) reads IMDS from
     * cloud-init on the host, one hop away.
     */
    private static final int IMDS_HOP_LIMIT = 1;
    /** The fast path's function (StartTickOnAlertHandler.STEP): its construct id, and after the cluster id its name. */
    private static final String START_TICK_ON_ALERT = "StartTickOnAlert";
    /** StartExecution answers in well under a second; 30 s holds the client's 3 s connect and 20 s read limits (AwsClients). */
    private static final Duration START_TICK_TIMEOUT = Duration.seconds(30);
    /** Lambda's retries of a failed start (it waits a minute, then two) before the alert is dead-lettered. */
    private static final int START_TICK_RETRIES = 2;
    /**
     * An alert older than this is dead-lettered, not retried: by then a scheduled tick (every minute) has
     * done its work. So a failed start gets its first retry, a minute in; the second would come too late.
     */
    private static final Duration START_TICK_MAX_EVENT_AGE = Duration.seconds(90);
    /** Long enough to read what failed; a dead letter of the fast path is evidence, not work. */
    private static final Duration FAST_PATH_DEAD_LETTER_RETENTION = Duration.days(14);
    /** SNS's own KMS key: no monthly key charge, and only publishers of this account use it (no AWS service publishes here). */
    private static final String SNS_MANAGED_KEY = "alias/aws/sns";
    /** What SNS asks KMS for on a publisher's behalf to encrypt a message on the topic. */
    private static final List<String> NOTIFICATION_KEY_ACTIONS = List.of("kms:GenerateDataKey", "kms:Decrypt");
    /** An execution's limit in a state machine definition (ASL's top-level field). */
    private static final String TIMEOUT_SECONDS = "TimeoutSeconds";
    private static final ObjectMapper ASL_JSON = new ObjectMapper();

    private final K3sAutoscalerProps props;
    private final Stack stack;
    private final ClusterParameters parameters;
    private final Vpc vpc;
    private final SecurityGroup nodes;
    private final SecurityGroup master;
    private final SecurityGroup clusterLambdas;
    private final Instance masterInstance;
    private final CfnEIP masterAddress;
    private final software.amazon.awscdk.services.iam.Role workerRole;
    private final LaunchTemplate workerTemplate;
    private final Table stateTable;
    private final Table eventLogTable;
    private final Table idempotencyTable;
    private final Map<Step, Function> functions = new EnumMap<>(Step.class);
    private final Map<Step, Alias> aliases = new EnumMap<>(Step.class);
    private final StateMachine actuation;
    private final StateMachine tick;
    private final Topic notifications;
    private final Key notificationsKey;
    /** The unschedulable-pods fast path's topic, or null with {@code unschedulableFastPath=false}. */
    private final Topic fastPathTopic;
    /** Its dead-letter queue, which the FastPathDeadLetters alarm watches; null without the fast path. */
    private Queue fastPathDeadLetters;
    /** The settings the master's headroom-short alert is evaluated against; null without the fast path. */
    private final StringParameter headroomParameter;
    /** The function SNS invokes with the alert, and its alias; null without the fast path. */
    private Deployed startTickOnAlert;

    public K3sAutoscaler(Construct scope, String id, K3sAutoscalerProps props) {
        super(scope, id);
        this.props = props;
        this.stack = Stack.of(this);
        this.parameters = ClusterParameters.of(props.clusterId());
        Path bootstrapDir = props.repositoryRoot().resolve("cluster-bootstrap");
        requireBuilt(props);

        vpc = network();
        nodes = securityGroup("Nodes", "K3s nodes: VXLAN and kubelet between each other");
        nodes.addIngressRule(nodes, Port.udp(VXLAN_PORT), "flannel VXLAN between nodes");
        nodes.addIngressRule(nodes, Port.tcp(KUBELET_PORT), "kubelet (logs, exec, metrics through the API server)");
        master = securityGroup("Master", "K3s master: API server and supervisor");
        master.addIngressRule(nodes, Port.tcp(API_PORT), "workers join and their kubelets reach the API server");
        clusterLambdas = props.networkingMode().lambdasInVpc()
                ? securityGroup("ClusterLambdas", "Lambdas that call the K3s API server") : null;
        if (clusterLambdas != null) {
            master.addIngressRule(clusterLambdas, Port.tcp(API_PORT), "autoscaler Lambdas (ServiceAccount token)");
            if (props.networkingMode() == NetworkingMode.VPC_ENDPOINTS) {
                ssmEndpoint();
                ec2Endpoint();
                dynamoDbEndpoint();
            }
        } else {
            for (String cidr : props.apiAllowedCidrs()) {
                master.addIngressRule(Peer.ipv4(cidr), Port.tcp(API_PORT),
                        "autoscaler Lambdas outside the VPC (no fixed address); the API server authenticates every request");
            }
        }

        Asset bootstrapAsset = Asset.Builder.create(this, "BootstrapAsset")
                .path(bootstrapDir.toString())
                .exclude(List.of("src", "target", "pom.xml"))
                .build();
        masterAddress = CfnEIP.Builder.create(this, "MasterAddress").domain("vpc").build();
        fastPathTopic = props.unschedulableFastPath() ? fastPathTopic() : null;
        headroomParameter = props.unschedulableFastPath() ? headroomParameter() : null;
        masterInstance = master(bootstrapDir, bootstrapAsset);
        workerRole = software.amazon.awscdk.services.iam.Role.Builder.create(this, "WorkerRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("K3s workers: read the join token and master address")
                .build();
        workerRole.addToPolicy(allow(List.of("ssm:GetParameter"),
                List.of(paramArn(parameters.joinToken()), paramArn(parameters.masterAddress()))));
        workerTemplate = workerTemplate(bootstrapDir);

        stateTable = table("StateTable", StateTableSchema.State.CLUSTER_ID, null, null);
        eventLogTable = table("EventLogTable", StateTableSchema.EventLog.CLUSTER_ID,
                StateTableSchema.EventLog.EVENT_KEY, StateTableSchema.EventLog.EXPIRES_AT);
        idempotencyTable = table("IdempotencyTable", StateTableSchema.Idempotency.ID, null,
                StateTableSchema.Idempotency.EXPIRATION);

        for (Step step : Step.values()) {
            lambda(step);
        }
        notificationsKey = Key.Builder.create(this, "NotificationsKey")
                .description("k3s-autoscaler " + props.clusterId() + ": notifications topic at rest")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        notifications = createNotifications();
        actuation = stateMachine("Actuation", "actuation", StateMachineType.STANDARD, actuationTimeout(props.scaling()),
                Map.of("RebalanceAction", rebalanceAction(props.scaling()),
                        "NotificationTopicArn", notifications.getTopicArn()));
        // The workflow publishes its notices itself (sns:publish integration): only this machine, only this topic.
        mayPublishNotices(actuation);
        tick = stateMachine("Tick", "tick", StateMachineType.EXPRESS, tickTimeout(props),
                Map.of("ActuationStateMachineArn", actuation.getStateMachineArn(),
                        "NotificationTopicArn", notifications.getTopicArn()));
        actuation.grantStartExecution(tick);
        // The tick publishes what its reconcile terminated or deleted.
        mayPublishNotices(tick);

        triggers();
        if (fastPathTopic != null) {
            fastPath();
        }
        alarmsAndDashboard();
        outputs();
        Suppressions.apply(this);
    }

    // ---------------------------------------------------------------- network and nodes

    private Vpc network() {
        List<SubnetConfiguration> subnets = new ArrayList<>();
        subnets.add(SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build());
        switch (props.networkingMode()) {
            case VPC_ENDPOINTS -> subnets.add(SubnetConfiguration.builder().name("lambdas")
                    .subnetType(SubnetType.PRIVATE_ISOLATED).cidrMask(24).build());
            case VPC_NAT -> subnets.add(SubnetConfiguration.builder().name("lambdas")
                    .subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(24).build());
            case PUBLIC_API -> { }
        }
        Vpc network = Vpc.Builder.create(this, "Vpc")
                .maxAzs(2)
                .natGateways(props.networkingMode() == NetworkingMode.VPC_NAT ? 1 : 0)
                .subnetConfiguration(subnets)
                .build();
        if (props.vpcFlowLogs()) {
            LogGroup flowLogs = LogGroup.Builder.create(this, "VpcFlowLogs")
                    .retention(LogRetention.of(props.logRetentionDays()))
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            network.addFlowLog("FlowLog", FlowLogOptions.builder()
                    .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                    .trafficType(FlowLogTrafficType.ALL)
                    .build());
        }
        return network;
    }

    /** The cluster-facing Lambdas read the API token and CA from SSM; nothing else of theirs leaves the VPC. */
    private void ssmEndpoint() {
        interfaceEndpoint("SsmEndpoint", InterfaceVpcEndpointAwsService.SSM,
                "SSM interface endpoint: HTTPS from the cluster-facing Lambdas",
                "GetParameter from the cluster-facing Lambdas");
    }

    /** ReconcileWorkers reads EC2 and the K3s API in one step: inside the VPC it reaches EC2 through this endpoint. */
    private void ec2Endpoint() {
        interfaceEndpoint("Ec2Endpoint", InterfaceVpcEndpointAwsService.EC2,
                "EC2 interface endpoint: HTTPS from the reconcile Lambda",
                "DescribeInstances and TerminateInstances from the cluster-facing Lambdas");
    }

    /** A private interface endpoint in the Lambdas' subnets that only the cluster-facing Lambdas may reach. */
    private void interfaceEndpoint(String id, InterfaceVpcEndpointAwsService service, String description, String why) {
        SecurityGroup endpoint = securityGroup(id, description);
        endpoint.addIngressRule(clusterLambdas, Port.tcp(443), why);
        vpc.addInterfaceEndpoint(id, InterfaceVpcEndpointOptions.builder()
                .service(service)
                .subnets(lambdaSubnets())
                .securityGroups(List.of(endpoint))
                .open(false)
                .build());
    }

    /**
     * The leased kube steps (cordon, drain, delete) renew the scaling lease on the state table before
     * acting: from the isolated subnets they reach DynamoDB through a gateway endpoint (no charge).
     */
    private void dynamoDbEndpoint() {
        vpc.addGatewayEndpoint("DynamoDbEndpoint", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.DYNAMODB)
                .subnets(List.of(lambdaSubnets()))
                .build());
    }

    private SubnetSelection lambdaSubnets() {
        return SubnetSelection.builder().subnetGroupName("lambdas").build();
    }

    private SecurityGroup securityGroup(String id, String description) {
        return SecurityGroup.Builder.create(this, id + "SecurityGroup")
                .vpc(vpc)
                .description(description)
                .allowAllOutbound(true) // K3s binaries, images, SSM and S3 over HTTPS
                .build();
    }

    private Instance master(Path bootstrapDir, Asset bootstrapAsset) {
        software.amazon.awscdk.services.iam.Role role = software.amazon.awscdk.services.iam.Role.Builder
                .create(this, "MasterRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("K3s master: publish the join information and API credentials, read the bootstrap asset")
                .build();
        role.addToPolicy(allow(List.of("ssm:PutParameter"), List.of(paramArn(parameters.joinToken()),
                paramArn(parameters.masterAddress()), paramArn(parameters.apiToken()), paramArn(parameters.caCert()))));
        role.addToPolicy(allow(List.of("s3:GetObject"),
                List.of(bootstrapAsset.getBucket().arnForObjects(bootstrapAsset.getS3ObjectKey()))));
        if (fastPathTopic != null) {
            // Alertmanager on the master publishes the fast-path alert with this role (cluster-bootstrap).
            role.addToPolicy(PolicyStatement.Builder.create().sid("PublishTheFastPathAlert")
                    .actions(List.of("sns:Publish")).resources(List.of(fastPathTopic.getTopicArn())).build());
        }
        if (headroomParameter != null) {
            // The master reads it at boot and on its token timer, and writes it as Prometheus recording rules.
            role.addToPolicy(PolicyStatement.Builder.create().sid("ReadTheHeadroomSettings")
                    .actions(List.of("ssm:GetParameter")).resources(List.of(paramArn(parameters.headroom()))).build());
        }
        if (props.sessionManager()) {
            // The operator's way in (kubeconfig, boot log): no SSH key, no port 22.
            role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName("AmazonSSMManagedInstanceCore"));
        }

        Map<String, String> values = new LinkedHashMap<>();
        values.put("__K3S_VERSION__", props.k3sVersion());
        values.put("__JOIN_TOKEN_PARAM__", parameters.joinToken());
        values.put("__MASTER_ADDRESS_PARAM__", parameters.masterAddress());
        values.put("__API_TOKEN_PARAM__", parameters.apiToken());
        values.put("__CA_CERT_PARAM__", parameters.caCert());
        values.put("__BOOTSTRAP_ASSET_URL__", bootstrapAsset.getS3ObjectUrl());
        values.put("__API_SERVER_SAN__", masterAddress.getRef());
        // Without a topic Alertmanager drops every alert.
        values.put("__FAST_PATH_TOPIC_ARN__", fastPathTopic != null ? fastPathTopic.getTopicArn() : "");
        // The name, not the value: a new headroom then updates the parameter alone, never the master's user
        // data (which would stop and start it). Empty: the master writes no headroom rules.
        values.put("__HEADROOM_PARAM__", headroomParameter != null ? parameters.headroom() : "");
        String userData = new UserDataRenderer(bootstrapDir).render(Role.MASTER, values);

        Instance instance = Instance.Builder.create(this, "Master")
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
                .instanceType(new InstanceType(props.masterInstanceType()))
                .machineImage(image(K3sAutoscalerProps.isArm64(props.masterInstanceType())))
                .securityGroup(master)
                .role(role)
                .userData(UserData.custom(userData))
                .requireImdsv2(true)
                .blockDevices(List.of(rootVolume()))
                .build();
        if (headroomParameter != null) {
            // Its first boot reads the parameter: it must exist by then.
            instance.getNode().addDependency(headroomParameter);
        }
        // On the instance, not in its IMDSv2 launch template: a new template version would replace the
        // master (and the cluster's state), while these options change in place.
        ((CfnInstance) instance.getNode().getDefaultChild()).setMetadataOptions(CfnInstance.MetadataOptionsProperty.builder()
                .httpTokens("required").httpPutResponseHopLimit(IMDS_HOP_LIMIT).build());
        instance.addSecurityGroup(nodes);
        Tags.of(instance).add(ROLE_TAG, "master");
        Tags.of(instance).add(CLUSTER_TAG, props.clusterId());
        Tags.of(instance).add("Name", props.clusterId() + "-master");
        CfnEIPAssociation.Builder.create(this, "MasterAddressAssociation")
                .allocationId(masterAddress.getAttrAllocationId())
                .instanceId(instance.getInstanceId())
                .build();
        return instance;
    }

    private LaunchTemplate workerTemplate(Path bootstrapDir) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("__K3S_VERSION__", props.k3sVersion());
        values.put("__JOIN_TOKEN_PARAM__", parameters.joinToken());
        values.put("__MASTER_ADDRESS_PARAM__", parameters.masterAddress());
        String userData = new UserDataRenderer(bootstrapDir).render(Role.WORKER, values);
        return LaunchTemplate.Builder.create(this, "WorkerTemplate")
                .machineImage(image(props.workersArm64()))
                .userData(UserData.custom(userData))
                .role(workerRole)
                .securityGroup(nodes)
                .requireImdsv2(true)
                .httpPutResponseHopLimit(IMDS_HOP_LIMIT)
                .blockDevices(List.of(rootVolume()))
                .build();
    }

    /**
     * Amazon Linux 2023, resolved by EC2 at launch ({@code resolve:ssm:}), not at deploy: the template
     * never changes when AWS publishes a new image, so a later deploy does not replace the master,
     * and every new worker boots the current image.
     */
    private static IMachineImage image(boolean arm64) {
        return MachineImage.resolveSsmParameterAtLaunch(
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + (arm64 ? "arm64" : "x86_64"));
    }

    private static BlockDevice rootVolume() {
        return BlockDevice.builder()
                .deviceName("/dev/xvda")
                .volume(BlockDeviceVolume.ebs(ROOT_VOLUME_GB, EbsDeviceOptions.builder()
                        .encrypted(true)
                        .volumeType(EbsDeviceVolumeType.GP3)
                        .deleteOnTermination(true)
                        .build()))
                .build();
    }

    // ---------------------------------------------------------------- state

    private Table table(String id, String partitionKey, String sortKey, String ttlAttribute) {
        Table.Builder builder = Table.Builder.create(this, id)
                .partitionKey(Attribute.builder().name(partitionKey).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                // A missing state item reads as a fresh cluster and the event log is history: nothing
                // a redeploy cannot live without, and `cdk destroy` should leave no bill behind.
                .removalPolicy(RemovalPolicy.DESTROY);
        if (sortKey != null) {
            builder.sortKey(Attribute.builder().name(sortKey).type(AttributeType.STRING).build());
        }
        if (ttlAttribute != null) {
            builder.timeToLiveAttribute(ttlAttribute);
        }
        return builder.build();
    }

    // ---------------------------------------------------------------- functions

    private void lambda(Step step) {
        List<PolicyStatement> calls = new ArrayList<>(permissions(step));
        if (step.leased()) {
            // The lease fence renews the lock (UpdateItem) and, when refused, reads who holds it (GetItem).
            calls.add(ownItems(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), stateTable.getTableArn()));
        }
        boolean inVpc = step.reach().reachesCluster() && props.networkingMode().lambdasInVpc();
        Deployed deployed = function(step.stateName(), step.functionName(), "exactly the calls of the " + step.stateName() + " step",
                calls, builder -> {
                    builder.description(step.stateName() + " step of the k3s-autoscaler workflow (" + props.clusterId() + ")")
                            .handler(step.handler())
                            .code(Code.fromAsset(props.lambdaJar(step.module().artifact()).toString()))
                            .memorySize(props.lambdaMemoryMb(step))
                            .timeout(Duration.seconds(step.timeout().toSeconds()))
                            .environment(environment(step));
                    if (inVpc) {
                        builder.vpc(vpc).vpcSubnets(lambdaSubnets()).securityGroups(List.of(clusterLambdas));
                    }
                });
        functions.put(step, deployed.function());
        aliases.put(step, deployed.alias());
    }

    /** A function as the stack deploys it: the function, and the alias its callers invoke (SnapStart applies there). */
    private record Deployed(Function function, Alias alias) {
    }

    /**
     * A function as the stack deploys each: its own role (its log group and {@code calls}, nothing else),
     * its own log group, Java 25 on arm64, and SnapStart on the version behind the alias callers invoke.
     * {@code own} sets the rest: handler, code, memory, timeout, environment, network.
     */
    private Deployed function(String id, String functionName, String roleDescription, List<PolicyStatement> calls,
                              Consumer<Function.Builder> own) {
        String name = props.clusterId() + "-" + functionName;
        software.amazon.awscdk.services.iam.Role role = software.amazon.awscdk.services.iam.Role.Builder
                .create(this, id + "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Lambda " + name + ": " + roleDescription)
                .build();
        LogGroup logGroup = LogGroup.Builder.create(this, id + "Logs")
                .retention(LogRetention.of(props.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        role.addToPolicy(allow(List.of("logs:CreateLogStream", "logs:PutLogEvents"), List.of(logGroup.getLogGroupArn())));
        calls.forEach(role::addToPolicy);
        Function.Builder builder = Function.Builder.create(this, id)
                .functionName(name)
                .runtime(Runtime.JAVA_25)
                .architecture(Architecture.ARM_64)
                .role(role)
                .logGroup(logGroup)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        own.accept(builder);
        Function function = builder.build();
        Alias alias = Alias.Builder.create(this, id + "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .build();
        return new Deployed(function, alias);
    }

    /** What every function of the stack gets: its cluster, and Powertools' settings. */
    private Map<String, String> everyFunctionsEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(StateTableSchema.Env.CLUSTER_ID, props.clusterId());
        // PowertoolsEnvironment.variables(), one put each (the configuration reference reads these lines).
        env.put(PowertoolsEnvironment.SERVICE_NAME_VARIABLE, PowertoolsEnvironment.SERVICE_NAME);
        env.put(PowertoolsEnvironment.LOG_LEVEL_VARIABLE, PowertoolsEnvironment.LOG_LEVEL);
        env.put(PowertoolsEnvironment.METRICS_NAMESPACE_VARIABLE, PowertoolsEnvironment.METRICS_NAMESPACE);
        return env;
    }

    private Map<String, String> environment(Step step) {
        Map<String, String> env = everyFunctionsEnvironment();
        Map<String, String> scaling = props.scaling().toEnvironment();
        if (step.leased()) {
            // The lease fence: a conditional renewal of the lock on the state item right before acting.
            env.put(StateTableSchema.Env.STATE_TABLE, stateTable.getTableName());
            env.put(StateTableSchema.Env.EVENT_LOG_TABLE, eventLogTable.getTableName());
        }
        switch (step.reach()) {
            case STATE -> {
                env.put(StateTableSchema.Env.STATE_TABLE, stateTable.getTableName());
                env.put(StateTableSchema.Env.EVENT_LOG_TABLE, eventLogTable.getTableName());
                env.put(StateTableSchema.Env.EVENT_LOG_RETENTION_DAYS, Integer.toString(props.eventLogRetentionDays()));
                env.put("LOCK_TTL_SEC", scaling.get("LOCK_TTL_SEC"));
            }
            case NOTHING -> {
                env.put("SCALING_POLICY", props.scalingPolicy());
                env.putAll(scaling);
            }
            case EC2 -> {
                env.putAll(workerFleet());
                env.put(StateTableSchema.Env.IDEMPOTENCY_TABLE, idempotencyTable.getTableName());
                env.putAll(scaling);
            }
            case EC2_AND_CLUSTER -> {
                env.putAll(workerFleet());
                clusterAccess(env);
                env.putAll(scaling);
            }
            case EC2_READ -> env.putAll(workerFleet());
            case CLUSTER -> {
                clusterAccess(env);
                if (step == Step.COLLECT_METRICS) {
                    env.put("PROMETHEUS_SERVICE", "monitoring/prometheus:9090");
                } else {
                    env.put("SCALE_DOWN_STATEFULSET_PODS_BLOCK", Boolean.toString(props.statefulSetPodsBlock()));
                }
                env.putAll(scaling);
            }
        }
        return env;
    }

    /** The fleet's settings (FleetSettings), for every step that reads EC2. */
    private Map<String, String> workerFleet() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WORKER_LAUNCH_TEMPLATE", workerTemplate.getLaunchTemplateId());
        env.put("WORKER_LAUNCH_TEMPLATE_VERSION", workerTemplate.getLatestVersionNumber());
        env.put("WORKER_INSTANCE_TYPES", String.join(",", props.workerInstanceTypes()));
        env.put("WORKER_SUBNET_IDS", vpc.getPublicSubnets().stream()
                .map(s -> s.getSubnetId() + ":" + s.getAvailabilityZone())
                .collect(Collectors.joining(",")));
        env.put("CAPACITY_TYPE", props.capacityType());
        return env;
    }

    /** The K3s API address and the SSM names of its token and CA (ClusterCredentials). */
    private void clusterAccess(Map<String, String> env) {
        env.put("K8S_API_URL", "https://" + apiAddress() + ":" + API_PORT);
        env.put("K8S_API_TOKEN_PARAM", parameters.apiToken());
        env.put("K8S_CA_CERT_PARAM", parameters.caCert());
    }

    private String apiAddress() {
        return props.networkingMode().lambdasInVpc() ? masterInstance.getInstancePrivateIp() : masterAddress.getRef();
    }

    /** Each step's calls and nothing else; docs/deploy.md lists them. */
    private List<PolicyStatement> permissions(Step step) {
        String state = stateTable.getTableArn();
        String events = eventLogTable.getTableArn();
        String idempotency = idempotencyTable.getTableArn();
        return switch (step) {
            case DECIDE, VALIDATE_INPUT -> List.of();
            case LOAD_STATE -> List.of(ownItems(List.of("dynamodb:GetItem"), state));
            case ACQUIRE_LOCK, RELEASE_LOCK ->
                    List.of(ownItems(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), state));
            case RECORD_OUTCOME, BREAK_LOCK -> List.of(
                    // One TransactWriteItems: UpdateItem on the state item, PutItem of the event.
                    ownItems(List.of("dynamodb:GetItem", "dynamodb:UpdateItem"), state),
                    ownItems(List.of("dynamodb:PutItem"), events));
            case LAUNCH_WORKERS -> launchPermissions(idempotencyStore(step, idempotency));
            case TERMINATE_WORKERS -> List.of(describeInstances(), idempotencyStore(step, idempotency), terminateManagedWorkers());
            case COLLECT_METRICS, CHECK_WORKERS_JOINED, SELECT_SCALE_DOWN_TARGET, CORDON_NODE, DRAIN_NODE,
                 UNCORDON_NODE, DELETE_NODE, REPORT_TO_CLUSTER -> List.of(clusterToken());
            // The same tag conditions as TerminateWorkers: the reconcile can never terminate the master or a foreign box.
            case RECONCILE_WORKERS -> List.of(describeInstances(), terminateManagedWorkers(), clusterToken());
            case IDENTIFY_EVENT_INSTANCE -> List.of(describeInstances());
        };
    }

    private PolicyStatement terminateManagedWorkers() {
        return PolicyStatement.Builder.create()
                .sid("TerminateOnlyThisClustersManagedWorkers")
                .actions(List.of("ec2:TerminateInstances"))
                .resources(List.of(ec2Arn("instance/*")))
                .conditions(Map.of("StringEquals", Map.of(
                        "aws:ResourceTag/" + MANAGED_TAG, "true",
                        "aws:ResourceTag/" + CLUSTER_TAG, props.clusterId())))
                .build();
    }

    private PolicyStatement clusterToken() {
        return allow(List.of("ssm:GetParameter"), List.of(paramArn(parameters.apiToken()), paramArn(parameters.caCert())));
    }

    private List<PolicyStatement> launchPermissions(PolicyStatement idempotency) {
        String templateArn = ec2Arn("launch-template/" + workerTemplate.getLaunchTemplateId());
        Map<String, Object> fromTemplate = Map.of("ArnEquals", Map.of("ec2:LaunchTemplate", templateArn));
        Map<String, Object> requestTags = Map.of(
                "aws:RequestTag/" + MANAGED_TAG, "true",
                "aws:RequestTag/" + CLUSTER_TAG, props.clusterId());
        // Not overridden at launch: a volume the request itself names is not the template's. The instance and
        // the image are not conditioned on it: the fleet overrides the instance type (and the subnet) on
        // purpose, which makes the instance no template resource; the type is pinned by ec2:InstanceType instead.
        Map<String, Object> notOverridden = Map.of("ec2:IsLaunchTemplateResource", "true");
        Map<String, Object> volumeFromTemplate = Map.of(
                "ArnEquals", Map.of("ec2:LaunchTemplate", templateArn),
                "StringEquals", requestTags,
                "Bool", notOverridden);
        // The instance keys exist only on instance/*: a launch that departs from the template (another
        // type, IMDSv1, IMDS reachable from containers) is refused even with the template named.
        Map<String, Object> instanceKeys = new LinkedHashMap<>(requestTags);
        instanceKeys.put("ec2:InstanceType", props.workerInstanceTypes());
        instanceKeys.put("ec2:MetadataHttpTokens", "required");
        Map<String, Object> instanceFromTemplate = Map.of(
                "ArnEquals", Map.of("ec2:LaunchTemplate", templateArn),
                "StringEquals", instanceKeys,
                "NumericLessThanEquals", Map.of("ec2:MetadataHttpPutResponseHopLimit", IMDS_HOP_LIMIT));
        List<String> launchedWith = new ArrayList<>(List.of(templateArn, ec2Arn("security-group/" + nodes.getSecurityGroupId())));
        vpc.getPublicSubnets().stream().map(ISubnet::getSubnetId).map(id -> ec2Arn("subnet/" + id)).forEach(launchedWith::add);
        List<String> untagged = new ArrayList<>(List.of(ec2Arn("network-interface/*")));
        if (props.usesSpot()) {
            untagged.add(ec2Arn("spot-instances-request/*"));
        }
        return List.of(
                PolicyStatement.Builder.create().sid("RunTaggedWorkersAsTheTemplateSays")
                        .actions(List.of("ec2:RunInstances"))
                        .resources(List.of(ec2Arn("instance/*")))
                        .conditions(instanceFromTemplate).build(),
                PolicyStatement.Builder.create().sid("RunWithTheTemplatesTaggedVolumes")
                        .actions(List.of("ec2:RunInstances"))
                        .resources(List.of(ec2Arn("volume/*")))
                        .conditions(volumeFromTemplate).build(),
                PolicyStatement.Builder.create().sid("RunWithTheTemplatesInterfaces")
                        .actions(List.of("ec2:RunInstances"))
                        .resources(untagged)
                        .conditions(fromTemplate).build(),
                PolicyStatement.Builder.create().sid("RunAnAmazonImage")
                        .actions(List.of("ec2:RunInstances"))
                        // The AMI is resolved at launch from AWS's public parameter, so its id is not known here.
                        .resources(List.of(stack.formatArn(ArnComponents.builder().service("ec2").account("")
                                .resource("image").resourceName("*").build())))
                        .conditions(Map.of("StringEquals", Map.of("ec2:Owner", "amazon"))).build(),
                PolicyStatement.Builder.create().sid("RunInTheClustersSubnetsWithItsGroup")
                        .actions(List.of("ec2:RunInstances"))
                        .resources(launchedWith).build(),
                PolicyStatement.Builder.create().sid("TagOnlyAtLaunch")
                        .actions(List.of("ec2:CreateTags"))
                        .resources(List.of(ec2Arn("instance/*"), ec2Arn("volume/*")))
                        .conditions(Map.of("StringEquals", Map.of(
                                "ec2:CreateAction", "RunInstances",
                                "aws:RequestTag/" + MANAGED_TAG, "true",
                                "aws:RequestTag/" + CLUSTER_TAG, props.clusterId())))
                        .build(),
                PolicyStatement.Builder.create().sid("PassOnlyTheWorkerRole")
                        .actions(List.of("iam:PassRole"))
                        .resources(List.of(workerRole.getRoleArn()))
                        .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ec2.amazonaws.com")))
                        .build(),
                describeInstances(),
                idempotency);
    }

    private static PolicyStatement describeInstances() {
        // DescribeInstances supports no resource-level permission: "*" is the only resource it accepts.
        return PolicyStatement.Builder.create().sid("DescribeInstances")
                .actions(List.of("ec2:DescribeInstances")).resources(List.of("*")).build();
    }

    /**
     * Only the step's own records. Their id is {@code <state name>#<hash>} (IdempotentStep), with no
     * cluster id in it: the table is this stack's own, so another cluster's records are not in it, and
     * the prefix keeps launch and terminate from replaying or clearing each other's results.
     */
    private static PolicyStatement idempotencyStore(Step step, String tableArn) {
        return PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"))
                .resources(List.of(tableArn))
                .conditions(Map.of("ForAllValues:StringLike", Map.of("dynamodb:LeadingKeys", List.of(step.stateName() + "#*"))))
                .build();
    }

    /** Only this cluster's items: the partition key is the cluster id. */
    private PolicyStatement ownItems(List<String> actions, String tableArn) {
        return PolicyStatement.Builder.create()
                .actions(actions)
                .resources(List.of(tableArn))
                .conditions(Map.of("ForAllValues:StringEquals", Map.of("dynamodb:LeadingKeys", List.of(props.clusterId()))))
                .build();
    }

    private String ec2Arn(String resource) {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource(resource.substring(0, resource.indexOf('/')))
                .resourceName(resource.substring(resource.indexOf('/') + 1)).build());
    }

    private String paramArn(String name) {
        return ClusterParameters.arn(stack, name);
    }

    private static PolicyStatement allow(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources).build();
    }

    // ---------------------------------------------------------------- workflow

    private StateMachine stateMachine(String id, String file, StateMachineType type, Duration timeout,
                                      Map<String, String> extra) {
        Path asl = props.repositoryRoot().resolve("workflow").resolve("asl").resolve(file + ".asl.json");
        String definition;
        try {
            definition = withTimeout(Files.readString(asl), timeout, asl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state machine definition " + asl, e);
        }
        Map<String, String> substitutions = new LinkedHashMap<>();
        aliases.forEach((step, alias) -> {
            if (definition.contains("${" + step.substitution() + "}")) {
                substitutions.put(step.substitution(), alias.getFunctionArn());
            }
        });
        substitutions.putAll(extra);
        LogGroup logs = LogGroup.Builder.create(this, id + "Logs")
                .logGroupName("/aws/vendedlogs/states/" + props.clusterId() + "-" + file)
                .retention(LogRetention.of(props.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        StateMachine machine = StateMachine.Builder.create(this, id)
                .stateMachineName(props.clusterId() + "-" + file)
                .stateMachineType(type)
                .definitionBody(DefinitionBody.fromString(definition))
                .definitionSubstitutions(substitutions)
                // ALL with data: an operator reads a NOOP tick's reason in the logs (Express keeps no
                // history), and no secret is ever in state data (tokens stay in SSM).
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(true).build())
                .build();
        List<String> invoked = aliases.entrySet().stream()
                .filter(e -> substitutions.containsKey(e.getKey().substitution()))
                .map(e -> e.getValue().getFunctionArn())
                .toList();
        machine.addToRolePolicy(PolicyStatement.Builder.create().sid("InvokeItsStepsAliases")
                .actions(List.of("lambda:InvokeFunction")).resources(invoked).build());
        return machine;
    }

    /**
     * The definition with the machine's {@code TimeoutSeconds}: CDK writes its own {@code timeout} prop
     * only into a definition it builds, and a string definition would run without any timeout.
     */
    private static String withTimeout(String definition, Duration timeout, Path asl) throws IOException {
        if (!(ASL_JSON.readTree(definition) instanceof ObjectNode root)) {
            throw new IllegalStateException("the state machine definition " + asl + " is not a JSON object");
        }
        if (root.has(TIMEOUT_SECONDS)) {
            throw new IllegalStateException(asl + " sets " + TIMEOUT_SECONDS + ": the stack sets it from the props");
        }
        root.put(TIMEOUT_SECONDS, timeout.toSeconds().longValue());
        return ASL_JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /**
     * The longest a lease may legitimately live: the drain loop (the join is watched after the release),
     * plus one TTL the last renewal granted, plus wind-down.
     */
    static java.time.Duration lockHeldLimit(AutoscalerConfig config) {
        return config.drainTimeout().plus(config.lockTtl()).plus(ACTUATION_WIND_DOWN);
    }

    /** The tick's own run, plus the PENDING_UP_SEC an alert's tick waits first (with the fast path on). */
    private static Duration tickTimeout(K3sAutoscalerProps props) {
        java.time.Duration wait = props.unschedulableFastPath() ? props.scaling().pendingUp() : java.time.Duration.ZERO;
        return Duration.seconds(TICK_TIMEOUT.plus(wait).toSeconds());
    }

    private static Duration actuationTimeout(AutoscalerConfig config) {
        // Past the lock-held limit (or the lockless join wait) the execution is stuck: stopping it alarms;
        // its lease expires by itself.
        java.time.Duration joinWait = config.joinTimeout().plus(ACTUATION_WIND_DOWN);
        java.time.Duration longest = joinWait.compareTo(lockHeldLimit(config)) > 0 ? joinWait : lockHeldLimit(config);
        return Duration.seconds(longest.plus(ACTUATION_WIND_DOWN).toSeconds());
    }

    private static String rebalanceAction(AutoscalerConfig config) {
        return config.toEnvironment().get("REBALANCE_ACTION");
    }

    private void triggers() {
        Schedule.Builder.create(this, "TickSchedule")
                .description("k3s-autoscaler tick for " + props.clusterId())
                .schedule(ScheduleExpression.rate(Duration.minutes(props.tickRate().toMinutes())))
                // A missed tick is not retried: the next one observes a fresher cluster.
                .target(StepFunctionsStartExecution.Builder.create(tick).retryAttempts(0)
                        .input(ScheduleTargetInput.fromObject(TickInput.SCHEDULE))
                        .build())
                .build();
        ec2EventRule("SpotInterruptionRule", SPOT_INTERRUPTION, "spot-interruption");
        ec2EventRule("RebalanceRule", REBALANCE_RECOMMENDATION, "rebalance");
    }

    private void ec2EventRule(String id, String detailType, String trigger) {
        Rule.Builder.create(this, id)
                .description(detailType + " → tick → actuation " + trigger + "-<instance-id>")
                .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(detailType)).build())
                // Through the tick: EventBridge cannot name an execution, the tick can (and a redelivered
                // event then meets ExecutionAlreadyExists) — docs/decisions/workflow-execution-names.md.
                .targets(List.of(SfnStateMachine.Builder.create(tick)
                        .input(RuleTargetInput.fromObject(actuationInput(trigger)))
                        .build()))
                .build();
    }

    /** The documented input for an EC2 event (docs/workflow.md); the tick names the actuation after it. */
    private static Map<String, Object> actuationInput(String trigger) {
        Map<String, Object> input = new LinkedHashMap<>(); // stable order: a stable template
        input.put("trigger", trigger);
        input.put("instanceId", EventField.fromPath("$.detail.instance-id"));
        return input;
    }

    // ---------------------------------------------------------------- the unschedulable-pods fast path

    /**
     * The topic Alertmanager publishes the fast-path alert to (docs/decisions/fast-path-unschedulable-alert.md).
     * Only the master's role may publish; the statement is added once the role exists.
     */
    private Topic fastPathTopic() {
        return Topic.Builder.create(this, "FastPathTopic")
                .topicName(props.clusterId() + "-unschedulable-pods")
                .displayName("k3s-autoscaler " + props.clusterId() + ": unschedulable pods, start the tick")
                .masterKey(software.amazon.awscdk.services.kms.Alias.fromAliasName(this, "FastPathTopicKey", SNS_MANAGED_KEY))
                .enforceSsl(true)
                .build();
    }

    /**
     * The four numbers Prometheus needs for the headroom-short alert, as the Lambdas receive them
     * (toEnvironment), on one line: {@code HEADROOM_CPU_MILLIS=<n> HEADROOM_MEMORY_MIB=<n> WORKER_CPU_MILLIS=<n>
     * WORKER_MEMORY_MIB=<n>}. Written with a headroom of 0 as well; the master then writes no rule.
     */
    private StringParameter headroomParameter() {
        Map<String, String> scaling = props.scaling().toEnvironment();
        String settings = Stream.of(ConfigVariable.HEADROOM_CPU_MILLIS, ConfigVariable.HEADROOM_MEMORY_MIB,
                        ConfigVariable.WORKER_CPU_MILLIS, ConfigVariable.WORKER_MEMORY_MIB)
                .map(variable -> variable.name() + "=" + scaling.get(variable.name()))
                .collect(Collectors.joining(" "));
        return StringParameter.Builder.create(this, "HeadroomParameter")
                .parameterName(parameters.headroom())
                .stringValue(settings)
                .description("k3s-autoscaler " + props.clusterId() + ": headroom and worker size; the master reads it"
                        + " at boot and every 6 h into Prometheus recording rules for the headroom-short alert")
                .build();
    }

    /**
     * Topic → start-tick-on-alert (through its alias) → StartExecution of the tick, which waits
     * PENDING_UP_SEC before it observes: the alert fires at the first evaluation that sees a pod
     * unschedulable, and the tick counts a pod only once it has been unschedulable that long.
     * Nothing polls in between. An alert the function could not turn into a tick, or SNS could not
     * deliver, lands in the dead-letter queue the FastPathDeadLetters alarm watches.
     */
    private void fastPath() {
        fastPathTopic.addToResourcePolicy(PolicyStatement.Builder.create().sid("OnlyTheMasterPublishes")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("sns:Publish"))
                .resources(List.of(fastPathTopic.getTopicArn()))
                .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", masterInstance.getRole().getRoleArn())))
                .build());
        fastPathDeadLetters = Queue.Builder.create(this, "FastPathDeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(FAST_PATH_DEAD_LETTER_RETENTION)
                .build();
        PolicyStatement startTheTick = PolicyStatement.Builder.create().sid("StartTheTick")
                .actions(List.of("states:StartExecution"))
                .resources(List.of(tick.getStateMachineArn())).build();
        // Outside the VPC: it reaches the Step Functions API only.
        Deployed startTick = function(START_TICK_ON_ALERT, Names.kebab(START_TICK_ON_ALERT),
                "start the tick on an unschedulable-pods alert, dead-letter an alert it could not",
                List.of(startTheTick), builder -> builder
                        .description("Unschedulable-pods fast path: starts the tick on Alertmanager's alert ("
                                + props.clusterId() + ")")
                        .handler(FunctionModule.ALERTS.javaPackage() + ".StartTickOnAlertHandler")
                        .code(Code.fromAsset(props.lambdaJar(FunctionModule.ALERTS.artifact()).toString()))
                        // Not a step, but sized as one: the operator's lambdaMemoryMb, or the steps' default.
                        .memorySize(props.lambdaMemoryMb(Step.VALIDATE_INPUT))
                        .timeout(START_TICK_TIMEOUT)
                        .environment(fastPathEnvironment())
                        // Lambda sends here, with the function's role, an alert that failed every attempt or grew too old.
                        .deadLetterQueue(fastPathDeadLetters));
        // On the alias SNS invokes: an asynchronous invocation's settings belong to the qualifier called.
        startTick.alias().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .retryAttempts(START_TICK_RETRIES)
                .maxEventAge(START_TICK_MAX_EVENT_AGE)
                .build());
        // The alias, so SnapStart applies; the queue takes what SNS itself could not deliver.
        fastPathTopic.addSubscription(LambdaSubscription.Builder.create(startTick.alias())
                .deadLetterQueue(fastPathDeadLetters)
                .build());
        startTickOnAlert = startTick;
    }

    /** AlertSettings: which tick to start, and how long it waits (PENDING_UP_SEC, at most TickInput.MAX_WAIT_SECONDS). */
    private Map<String, String> fastPathEnvironment() {
        Map<String, String> env = everyFunctionsEnvironment();
        env.put("TICK_STATE_MACHINE_ARN", tick.getStateMachineArn());
        env.put("TICK_WAIT_SECONDS", Long.toString(props.scaling().pendingUp().toSeconds()));
        return env;
    }

    // ---------------------------------------------------------------- observability

    private Topic createNotifications() {
        // Alarms publish as CloudWatch, which an AWS-managed key would refuse: the key policy lets it encrypt.
        notificationsKey.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), NOTIFICATION_KEY_ACTIONS.toArray(String[]::new));
        Topic topic = Topic.Builder.create(this, "Notifications")
                .displayName("k3s-autoscaler " + props.clusterId())
                .masterKey(notificationsKey)
                .enforceSsl(true)
                .build();
        if (props.notificationEmail() != null) {
            topic.addSubscription(new EmailSubscription(props.notificationEmail()));
        }
        if (props.slackWorkspaceId() != null) {
            SlackChannelConfiguration.Builder.create(this, "Slack")
                    .slackChannelConfigurationName(props.clusterId() + "-autoscaler")
                    .slackWorkspaceId(props.slackWorkspaceId())
                    .slackChannelId(props.slackChannelId())
                    .notificationTopics(List.of(topic))
                    .build();
        }
        return topic;
    }

    /** sns:Publish on the topic and the key calls SNS makes for it (not grantPublish's GenerateDataKey*). */
    private void mayPublishNotices(StateMachine machine) {
        machine.addToRolePolicy(allow(List.of("sns:Publish"), List.of(notifications.getTopicArn())));
        machine.addToRolePolicy(allow(NOTIFICATION_KEY_ACTIONS, List.of(notificationsKey.getKeyArn())));
    }

    private void alarmsAndDashboard() {
        MetricOptions fiveMinuteSum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
        Metric actuationFailed = actuation.metricFailed(fiveMinuteSum);
        Metric actuationTimedOut = actuation.metricTimedOut(fiveMinuteSum);
        Metric tickFailed = tick.metricFailed(fiveMinuteSum);
        Metric actuationTime = actuation.metricTime(MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build());
        long lockLimitMs = lockHeldLimit(props.scaling()).toMillis();
        // The functions' own metrics (docs/metrics-reference.md): namespace K3sAutoscaler, dimension ClusterId.
        Metric workerCount = ownMetric("WorkerCount", "Maximum", Duration.minutes(1));
        Metric unschedulablePods = ownMetric("UnschedulablePods", "Maximum", Duration.minutes(1));
        Metric atMaxCapacity = ownMetric("AtMaxCapacity", "Maximum", Duration.minutes(1));
        IMetric scalingFailures = MathExpression.Builder.create()
                // ScalingFailures carries an ErrorType dimension too: SEARCH sums every error type.
                .expression("SUM(SEARCH('{" + METRICS_NAMESPACE + ",ClusterId,ErrorType} MetricName=\"ScalingFailures\" ClusterId=\""
                        + props.clusterId() + "\"', 'Sum', 300))")
                .label("scaling failures").period(Duration.minutes(5)).build();

        alarm("ActuationFailed", actuationFailed, 1, 1,
                "An actuation failed (a step error after retries): open the execution in the Step Functions console");
        alarm("LockHeldTooLong", MathExpression.Builder.create().expression("MAX([timedOut * " + lockLimitMs + ", time])")
                        .usingMetrics(Map.of("timedOut", actuationTimedOut, "time", actuationTime))
                        .period(Duration.minutes(5)).label("actuation time (ms)").build(),
                lockLimitMs, 1,
                "An actuation held the scaling lock longer than the longest join/drain loop plus one lease ("
                        + lockLimitMs / 1000 + " s) or timed out: scaling was blocked meanwhile");
        alarm("TickFailed", tickFailed, 3, 3,
                "The tick failed for 15 minutes: the autoscaler is not observing the cluster");
        if (fastPathDeadLetters != null) {
            alarm("FastPathDeadLetters", fastPathDeadLetters.metricApproximateNumberOfMessagesVisible(
                            MetricOptions.builder().period(Duration.minutes(5)).statistic("Maximum").build()), 1, 1,
                    "The unschedulable-pods fast path could not start the tick: its dead-letter queue holds the alert; "
                            + "scaling waits for the schedule; docs/runbook.md, Fast path");
        }
        alarm("AtMaxCapacity", atMaxCapacity, 1, 3,
                "More capacity was needed than MAX_WORKERS=" + props.scaling().maxWorkers()
                        + " allows for 3 minutes: pending pods stay pending; raise MAX_WORKERS or check the workload");

        List<IWidget> row1 = List.of(
                graph("Tick executions", List.of(tick.metricStarted(fiveMinuteSum), tick.metricSucceeded(fiveMinuteSum), tickFailed)),
                graph("Actuations", List.of(actuation.metricStarted(fiveMinuteSum), actuation.metricSucceeded(fiveMinuteSum),
                        actuationFailed, actuationTimedOut)),
                graph("Actuation time (ms)", List.of(actuationTime)));
        List<IWidget> row2 = List.of(
                graph("Workers and unschedulable pods", List.of(workerCount, unschedulablePods, atMaxCapacity)),
                graph("Scaling failures", List.of(scalingFailures)),
                graph("Step errors", functions.values().stream().map(f -> (IMetric) f.metricErrors(fiveMinuteSum)).toList()));
        Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(props.clusterId() + "-autoscaler")
                .widgets(List.of(row1, row2))
                .build();
    }

    private Metric ownMetric(String name, String statistic, Duration period) {
        return Metric.Builder.create().namespace(METRICS_NAMESPACE).metricName(name)
                .dimensionsMap(Map.of("ClusterId", props.clusterId()))
                .statistic(statistic).period(period).build();
    }

    private void alarm(String id, IMetric metric, double threshold, int periods, String description) {
        Alarm alarm = Alarm.Builder.create(this, id + "Alarm")
                .alarmName(props.clusterId() + "-" + id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .evaluationPeriods(periods)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(notifications));
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(List.copyOf(metrics)).width(8).build();
    }

    private void outputs() {
        output("ApiUrl", "https://" + masterAddress.getRef() + ":" + API_PORT, "K3s API server (kubectl: copy the kubeconfig from the master and point it here)");
        output("MasterInstanceId", masterInstance.getInstanceId(), "Master instance (Session Manager / console log)");
        output("TickStateMachineArn", tick.getStateMachineArn(), "Express tick (every " + props.tickRate().toMinutes() + " min)");
        output("ActuationStateMachineArn", actuation.getStateMachineArn(), "Standard actuation: open executions here");
        output("NotificationTopicArn", notifications.getTopicArn(), "SNS topic: alarms and the workflow's scaling notices (docs/notifications.md)");
        if (fastPathTopic != null) {
            output("FastPathTopicArn", fastPathTopic.getTopicArn(), "SNS topic Alertmanager publishes unschedulable pods to (the master's role only)");
            output("FastPathDeadLetterQueueUrl", fastPathDeadLetters.getQueueUrl(), "Fast-path alerts that could not start the tick");
        }
        output("StateTableName", stateTable.getTableName(), "Scaling state and lock");
        output("EventLogTableName", eventLogTable.getTableName(), "One item per scaling event");
        output("WorkerLaunchTemplateId", workerTemplate.getLaunchTemplateId(), "Worker launch template");
        output("JoinTokenParameter", parameters.joinToken(), "SecureString written by the master (not deleted by cdk destroy)");
        output("ApiTokenParameter", parameters.apiToken(), "SecureString written by the master (not deleted by cdk destroy)");
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    private static void requireBuilt(K3sAutoscalerProps props) {
        List<String> missing = new ArrayList<>();
        List<FunctionModule> modules = new ArrayList<>(java.util.Arrays.stream(Step.values()).map(Step::module).toList());
        if (props.unschedulableFastPath()) {
            modules.add(FunctionModule.ALERTS);
        }
        for (FunctionModule module : modules) {
            Path jar = props.lambdaJar(module.artifact());
            if (!Files.isRegularFile(jar) && !missing.contains(jar.toString())) {
                missing.add(jar.toString());
            }
        }
        for (String path : List.of("workflow/asl/tick.asl.json", "workflow/asl/actuation.asl.json",
                "cluster-bootstrap/placeholders.json")) {
            if (!Files.isRegularFile(props.repositoryRoot().resolve(path))) {
                missing.add(props.repositoryRoot().resolve(path).toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("missing " + missing + " under repositoryRoot=" + props.repositoryRoot()
                    + "; build the functions first: ./autoscaler mvn -B -pl cdk -am package");
        }
    }

    // ---------------------------------------------------------------- accessors (tests, extensions)

    public Map<Step, Function> functions() { return Map.copyOf(functions); }
    public Map<Step, Alias> aliases() { return Map.copyOf(aliases); }
    /** The fast path's function, or null with {@code unschedulableFastPath=false}. */
    public Function startTickOnAlert() { return startTickOnAlert == null ? null : startTickOnAlert.function(); }
    /** The alias SNS invokes it through (its subscription is a child), or null without the fast path. */
    Alias startTickOnAlertAlias() { return startTickOnAlert == null ? null : startTickOnAlert.alias(); }
    public StateMachine tick() { return tick; }
    public StateMachine actuation() { return actuation; }
    public Topic notifications() { return notifications; }
    public Vpc vpc() { return vpc; }
    public Instance masterInstance() { return masterInstance; }
    public LaunchTemplate workerTemplate() { return workerTemplate; }
    public software.amazon.awscdk.services.iam.Role workerRole() { return workerRole; }
    K3sAutoscalerProps props() { return props; }
}
