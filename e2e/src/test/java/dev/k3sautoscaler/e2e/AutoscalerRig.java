package dev.k3sautoscaler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static dev.k3sautoscaler.testkit.TestWorld.AZ_A;
import static dev.k3sautoscaler.testkit.TestWorld.AZ_B;
import static dev.k3sautoscaler.testkit.TestWorld.REGION;
import static dev.k3sautoscaler.testkit.TestWorld.T0;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.control.TickInput;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import dev.k3sautoscaler.simulator.engine.AlertFunction;
import dev.k3sautoscaler.simulator.engine.AutoscalerFunctions;
import dev.k3sautoscaler.fleet.FleetSettings;
import dev.k3sautoscaler.metrics.ClusterQueries;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.state.EventRecord;
import dev.k3sautoscaler.state.LockBreaker;
import dev.k3sautoscaler.state.ScalingLease;
import dev.k3sautoscaler.core.model.UnneededNode;
import dev.k3sautoscaler.core.state.Outcome;
import dev.k3sautoscaler.state.OutcomeLog;
import dev.k3sautoscaler.state.StateAccess;
import dev.k3sautoscaler.state.StateReader;
import dev.k3sautoscaler.state.StateSettings;
import dev.k3sautoscaler.state.LoadStateOutput;
import dev.k3sautoscaler.state.StateTableSchema;
import dev.k3sautoscaler.state.StateTables;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.testkit.ec2.Ec2Fake;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.testkit.kube.FakeKubeApi;
import dev.k3sautoscaler.testkit.kube.KubeObjects;
import dev.k3sautoscaler.testkit.kube.KubeObjects.Readiness;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.Snapshot;
import dev.k3sautoscaler.testkit.prometheus.FakePrometheusApi.Worker;
import dev.k3sautoscaler.testkit.stepfunctions.FakeSnsTopic;
import dev.k3sautoscaler.testkit.stepfunctions.FakeStartExecution;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.LocalExecutor;
import dev.k3sautoscaler.workflow.StateMachine;
import dev.k3sautoscaler.workflow.TaskFailure;
import dev.k3sautoscaler.workflow.TaskInvoker;
import dev.k3sautoscaler.workflow.VirtualClock;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole autoscaler on one machine: both state machines on the local executor, every Task
 * resolved to the real handler in-process, all of them on one virtual clock, against DynamoDB Local
 * (fresh tables per rig), and the testkit's fakes: EC2, the K3s API (evictions scripted by each
 * test), Prometheus (its answers follow the Nodes in that API), startExecution and the SNS topic.
 *
 * <p>The rig also plays the world around the autoscaler, before each task runs: an instance that
 * has been running for {@link #bootAndJoin} registers its Node (Ready, providerID
 * aws:///az/instance-id), and the kubelet removes pods whose eviction was accepted.
 */
final class AutoscalerRig implements AutoCloseable {
    static final String CLUSTER = "e2e";
    static final String TOKEN = "e2e-sa-token-not-for-output";
    static final String TEMPLATE_ID = "lt-0e2e0000000000001";
    static final String ACTUATION_ARN = AutoscalerFunctions.ACTUATION_ARN;
    static final String START_EXECUTION = AutoscalerFunctions.START_EXECUTION;
    /** The optimized SNS integration: Step Functions publishes, the Lambdas hold no SNS client. */
    static final String SNS_PUBLISH = AutoscalerFunctions.SNS_PUBLISH;
    static final String TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:k3s-autoscaler-e2e";
    /** Where the definitions live: the module's tests run from e2e/. */
    static final Path ASL = Path.of("..", "workflow", "asl");

    final VirtualClock clock = new VirtualClock(T0);
    /** The fast path's function (SNS → start-tick-on-alert → StartExecution), and the ticks it started. */
    private final AlertFunction alertFunction;
    private final Set<String> alertTicks = new HashSet<>();
    final Map<String, String> environment = new HashMap<>();
    final Ec2Fake ec2;
    final FakeKubeApi kube;
    /** The K3s API as the world writes it: kubelets, controllers, the test's seeding. */
    final KubernetesClient admin;
    final FakePrometheusApi prometheus;
    final DynamoDbClient dynamo = LocalDynamoDb.shared().client();
    final ScalingLease lock;
    final LockBreaker breaker;
    private final StateReader reader;
    final LocalExecutor executor;
    final StateMachine actuation;
    final StateMachine tick;
    final Map<String, Execution> started = new LinkedHashMap<>();
    /** Boot + agent install + join, as the fake world plays it; null: instances never join. */
    Duration bootAndJoin = Duration.ofSeconds(70);
    /**
     * Instances whose Node the last scrape has not seen Ready yet, whatever the API says: kube-state-metrics
     * lags the API by a scrape or two.
     */
    final java.util.Set<String> scrapeNotReadyYet = ConcurrentHashMap.newKeySet();
    /** Extra unschedulable pods the fake Prometheus reports (the pods themselves are not in the API). */
    volatile List<FakePrometheusApi.PendingPod> unschedulable = List.of();
    /**
     * The cluster has been idle for long: Prometheus reports little load and few requests, and every
     * worker has been unneeded for an hour (its per-node timer is recorded, as the ticks would have).
     */
    volatile boolean idle;
    final FakeSnsTopic sns = new FakeSnsTopic("e2e-message-");
    /** Every sns:publish the workflows made, as their resolved Parameters, in order. */
    final List<JsonNode> published = sns.published();
    /** The most billed workers seen after any task so far (MAX_WORKERS must hold at every instant, not only at the end). */
    volatile long mostBilledWorkers;
    /** Lets a test wrap one state's invocation (a crash after the real work, a retry). */
    TaskInterceptor interceptor = (task, call) -> call.call();
    private final AutoscalerFunctions functions;
    private final OutcomeLog outcomes;
    private final FakeStartExecution startExecution;
    private final Map<String, Integer> invocations = new ConcurrentHashMap<>();
    /** Instances whose kubelet registered once; a deleted Node stays deleted (the instance is on its way out). */
    private final java.util.Set<String> registered = ConcurrentHashMap.newKeySet();

    @FunctionalInterface
    interface TaskInterceptor {
        JsonNode around(TaskInvoker.TaskContext task, Call call) throws TaskFailure;
    }

    @FunctionalInterface
    interface Call {
        JsonNode call() throws TaskFailure;
    }

    AutoscalerRig() {
        this(Map.of());
    }

    AutoscalerRig(Map<String, String> overrides) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        ec2 = Ec2Fake.start(clock).subnet("subnet-a", AZ_A).subnet("subnet-b", AZ_B)
                .launchTemplate(new Ec2Fake.LaunchTemplate(TEMPLATE_ID, "e2e-worker", "ami-0e2e", "t3.small",
                        "#!/bin/sh\nsh /opt/k3s-agent-install.sh"));
        environment.putAll(Map.of(
                "CLUSTER_ID", CLUSTER,
                "AWS_REGION", REGION,
                StateTableSchema.Env.STATE_TABLE, "e2e-state-" + suffix,
                StateTableSchema.Env.EVENT_LOG_TABLE, "e2e-events-" + suffix,
                StateTableSchema.Env.IDEMPOTENCY_TABLE, "e2e-idempotency-" + suffix,
                FleetSettings.WORKER_LAUNCH_TEMPLATE, TEMPLATE_ID,
                FleetSettings.WORKER_INSTANCE_TYPES, "t3.small,t3a.small",
                FleetSettings.WORKER_SUBNET_IDS, ec2.subnetIds(),
                "MIN_WORKERS", "1",
                "MAX_WORKERS", "6"));
        environment.putAll(overrides);
        StateTables.createIfMissing(dynamo, environment.get(StateTableSchema.Env.STATE_TABLE),
                environment.get(StateTableSchema.Env.EVENT_LOG_TABLE),
                environment.get(StateTableSchema.Env.IDEMPOTENCY_TABLE));

        kube = FakeKubeApi.start(clock);
        admin = kube.world();

        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(environment);
        Map<String, String> queries = ClusterQueries.forConfig(config).all().entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().name(), Map.Entry::getValue));
        prometheus = FakePrometheusApi.start(queries, this::snapshot);

        StateAccess state = new StateAccess(dynamo, StateSettings.fromEnvironment(environment), clock);
        lock = new ScalingLease(state);
        outcomes = new OutcomeLog(state);
        breaker = new LockBreaker(state);
        reader = new StateReader(state);
        // The same wiring as the simulator's: every real handler, its AWS clients built as in Lambda, pointed at this rig's services.
        functions = new AutoscalerFunctions(environment, clock, new AutoscalerFunctions.Endpoints(
                ec2.endpoint(), kube.url(), TOKEN, prometheus.baseUrl(), LocalDynamoDb.shared().endpoint()));
        Map<String, String> definitions = new LinkedHashMap<>();
        definitions.put("actuation.asl.json", read(ASL.resolve("actuation.asl.json")));
        definitions.put("tick.asl.json", read(ASL.resolve("tick.asl.json")));
        // REBALANCE_ACTION reaches the machine as a definition substitution, as the CDK stack deploys it.
        Map<String, String> substitutions = AutoscalerFunctions.substitutions(Map.of("RebalanceAction",
                config.toEnvironment().get("REBALANCE_ACTION"), "NotificationTopicArn", TOPIC_ARN), definitions);
        actuation = StateMachine.load("actuation", definitions.get("actuation.asl.json"), substitutions);
        tick = StateMachine.load("tick", definitions.get("tick.asl.json"), substitutions);
        executor = new LocalExecutor(this::invoke, clock);
        alertFunction = new AlertFunction(CLUSTER, config.pendingUp(), clock, alertTicks::contains);
        startExecution = new FakeStartExecution(ACTUATION_ARN, clock, new FakeStartExecution.Executions() {
            @Override
            public boolean exists(String name) {
                return started.containsKey(name);
            }

            @Override
            public void start(String name, JsonNode input) {
                started.put(name, executor.start(actuation, name, input));
            }
        });
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- the task invoker: ARN → real handler, world first ----

    private JsonNode invoke(String resource, JsonNode input, TaskInvoker.TaskContext context) throws TaskFailure {
        playWorld();
        try {
            return runTask(resource, input, context);
        } finally {
            mostBilledWorkers = Math.max(mostBilledWorkers, billedWorkers());
        }
    }

    private JsonNode runTask(String resource, JsonNode input, TaskInvoker.TaskContext context) throws TaskFailure {
        return interceptor.around(context, () -> {
            if (START_EXECUTION.equals(resource)) {
                return startExecution.start(input);
            }
            if (SNS_PUBLISH.equals(resource)) {
                return sns.publish(input);
            }
            String function = AutoscalerFunctions.functionOf(resource)
                    .orElseThrow(() -> new TaskFailure("E2e.UnknownResource", resource));
            if (!functions.knows(function)) {
                throw new TaskFailure("E2e.UnknownFunction", function);
            }
            invocations.merge(function, 1, Integer::sum);
            JsonNode result = functions.invoke(function, input);
            if ("drain-node".equals(function)) {
                kubeletRemovesEvicted(result);
            }
            return result;
        });
    }

    /** The e-mail text of every published notice, in order. */
    List<String> publishedTexts() {
        return published.stream().map(AutoscalerRig::emailText).toList();
    }

    static String emailText(JsonNode request) {
        return read(request.path("Message").asText()).path("email").asText();
    }

    int invocations(String function) {
        return invocations.getOrDefault(function, 0);
    }

    private static JsonNode read(String json) {
        try {
            return StepJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("handler answered with invalid JSON: " + json, e);
        }
    }

    // ---- the world ----

    /** Instances that have booted long enough register as Ready Nodes, once. */
    private void playWorld() {
        if (bootAndJoin == null) {
            return;
        }
        Instant now = clock.instant();
        for (FakeInstance instance : ec2.instances()) {
            if (instance.isAlive() && !instance.launchTime().plus(bootAndJoin).isAfter(now)
                    && !registered.contains(instance.instanceId())) {
                worker(nodeName(instance.instanceId()), zoneOf(instance), instance.instanceId());
            }
        }
    }

    private void kubeletRemovesEvicted(JsonNode drain) {
        for (JsonNode pod : drain.path("evicted")) {
            String[] qualified = pod.asText().split("/", 2);
            kube.podGone(qualified[0], qualified[1]);
        }
    }

    /** Seeds a running worker: an instance in the fake and its Ready Node. */
    String runningWorker() {
        String instanceId = ec2.addInstance("t3.small", "subnet-a", "on-demand",
                Map.of("k3s-autoscaler/cluster", CLUSTER, "k3s-autoscaler/managed", "true"));
        worker(nodeName(instanceId), AZ_A, instanceId);
        return instanceId;
    }

    /** A running worker whose Node's Ready condition last changed at {@code readySince}. */
    String workerReadySince(Instant readySince) {
        String instanceId = ec2.addInstance("t3.small", "subnet-a", "on-demand",
                Map.of("k3s-autoscaler/cluster", CLUSTER, "k3s-autoscaler/managed", "true"));
        registered.add(instanceId);
        kube.register(KubeObjects.node(nodeName(instanceId), ProviderId.of(AZ_A, instanceId), Readiness.READY, null)
                .editStatus().withConditions(KubeObjects.readyCondition(Readiness.READY, readySince)).endStatus()
                .editMetadata().addToLabels(NodeLabels.MANAGED, "true").addToLabels("topology.kubernetes.io/zone", AZ_A)
                .endMetadata().build());
        return instanceId;
    }

    /** How many more instances each offering of the rig's fleet (t3.small, t3a.small × a, b; on-demand) can start. */
    void capacityEverywhere(int available) {
        for (String type : environment.get(FleetSettings.WORKER_INSTANCE_TYPES).split(",")) {
            for (String az : List.of(AZ_A, AZ_B)) {
                ec2.capacity(type, az, "on-demand", available);
            }
        }
    }

    /** Registered now, stamped by the server's clock: Nodes seeded in a row keep their order as "oldest". */
    Node worker(String name, String zone, String instanceId) {
        registered.add(instanceId);
        return kube.register(KubeObjects.node(name, ProviderId.of(zone, instanceId), Readiness.READY, null)
                .editMetadata().addToLabels(NodeLabels.MANAGED, "true").addToLabels("topology.kubernetes.io/zone", zone)
                .endMetadata().build());
    }

    Pod pod(String namespace, String name, String nodeName) {
        return pod(namespace, name, nodeName, 100, Map.of());
    }

    /** A ReplicaSet pod requesting {@code cpuMillis} (and 64Mi); {@code nodeName} null makes it Pending, unscheduled. */
    Pod pod(String namespace, String name, String nodeName, int cpuMillis, Map<String, String> annotations) {
        return kube.create(KubeObjects.ownedBy(KubeObjects.pod(namespace, name, nodeName, "app:1", cpuMillis,
                new Quantity("64Mi")), "ReplicaSet", name + "-rs", "rs-" + name)
                .editMetadata().withAnnotations(annotations).endMetadata().build());
    }

    /**
     * The eviction of this pod answers {@code status}, {@code times} times; the rig's kubelet
     * removes a pod once DrainNode reports it evicted.
     */
    void evictionAnswers(String namespace, String name, int status, int times) {
        kube.evictionAnswers(namespace, name, status, times);
    }

    /** The kubelet of this instance stopped reporting: its Node's Ready condition turns Unknown. */
    void notReady(String instanceId) {
        kube.readiness(nodeOf(instanceId).getMetadata().getName(), Readiness.UNKNOWN, clock.instant());
    }

    /** Billed workers: this cluster's managed instances that are pending or running. */
    long billedWorkers() {
        return ec2.instances().stream().filter(FakeInstance::isAlive)
                .filter(i -> CLUSTER.equals(i.tag("k3s-autoscaler/cluster")) && "true".equals(i.tag("k3s-autoscaler/managed")))
                .count();
    }

    /**
     * What a process killed between its side effect and storing the result leaves behind: the
     * idempotency record of that step (id prefix, e.g. {@code LaunchWorkers#}) back IN_PROGRESS,
     * its claim live for {@code claim} more, no stored result.
     */
    void claimStaysInProgress(String idPrefix, Duration claim) {
        String table = environment.get(StateTableSchema.Env.IDEMPOTENCY_TABLE);
        var item = dynamo.scan(r -> r.tableName(table)).items().stream()
                .filter(i -> i.get(StateTableSchema.Idempotency.ID).s().startsWith(idPrefix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no idempotency record " + idPrefix + "*"));
        var crashed = new HashMap<>(item);
        crashed.put(StateTableSchema.Idempotency.STATUS, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(StateTableSchema.Idempotency.STATUS_IN_PROGRESS));
        crashed.put(StateTableSchema.Idempotency.IN_PROGRESS_EXPIRATION, software.amazon.awssdk.services.dynamodb.model.AttributeValue
                .fromN(Long.toString(clock.instant().plus(claim).toEpochMilli())));
        crashed.remove(StateTableSchema.Idempotency.DATA);
        dynamo.putItem(r -> r.tableName(table).item(crashed));
    }

    Node nodeOf(String instanceId) {
        return admin.nodes().list().getItems().stream()
                .filter(node -> instanceId.equals(ProviderId.instanceId(node.getSpec().getProviderID())))
                .findFirst().orElse(null);
    }

    static String nodeName(String instanceId) {
        return "ip-" + instanceId.substring(2);
    }

    private String zoneOf(FakeInstance instance) {
        return instance.availabilityZone();
    }

    /** What Prometheus would say now: the Nodes in the API, plus the test's pending pods and load. */
    private Snapshot snapshot() {
        List<Worker> workers = admin.nodes().list().getItems().stream()
                .map(node -> new Worker(node.getMetadata().getName(),
                        zoneFromProviderId(node.getSpec().getProviderID()),
                        ProviderId.instanceId(node.getSpec().getProviderID()),
                        node.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                                && !scrapeNotReadyYet.contains(ProviderId.instanceId(node.getSpec().getProviderID())),
                        Boolean.TRUE.equals(node.getSpec().getUnschedulable())))
                .toList();
        Snapshot steady = Snapshot.steady(workers);
        // Idle is the scale-down picture: each worker's requests are those of the pods really on it, as
        // kube-state-metrics would report them, so the policy ranks the workers the kube step will see.
        Snapshot picture = idle ? steady.idle().withWorkers(withRequestsOfTheirPods(steady.idle().workers())) : steady;
        return picture.withUnschedulable(unschedulable);
    }

    /** Summed container requests of each worker's pods, DaemonSet and finished pods left out (the query's rules). */
    private List<Worker> withRequestsOfTheirPods(List<Worker> workers) {
        Map<String, double[]> byNode = new java.util.HashMap<>();
        for (var pod : admin.pods().inAnyNamespace().list().getItems()) {
            String node = pod.getSpec().getNodeName();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            boolean daemonSet = pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> "DaemonSet".equals(o.getKind()));
            if (node == null || daemonSet || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            double[] sum = byNode.computeIfAbsent(node, n -> new double[2]);
            for (var container : pod.getSpec().getContainers()) {
                var requests = container.getResources() == null ? null : container.getResources().getRequests();
                if (requests != null && requests.get("cpu") != null) {
                    sum[0] += io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(requests.get("cpu")).doubleValue();
                }
                if (requests != null && requests.get("memory") != null) {
                    sum[1] += io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(requests.get("memory")).doubleValue();
                }
            }
        }
        return workers.stream().map(w -> {
            double[] sum = byNode.getOrDefault(w.node(), new double[2]);
            return w.withRequests(sum[0], (long) sum[1]);
        }).toList();
    }

    private static String zoneFromProviderId(String providerId) {
        String[] parts = providerId.split("/");
        return parts[parts.length - 2];
    }

    /**
     * A machine that joined by hand: a Node with the managed label (kubelets write their own labels)
     * whose instance carries none of the autoscaler's tags.
     */
    String handJoinedWorker() {
        String instanceId = ec2.addInstance("t3.small", "subnet-a", "on-demand", Map.of("Name", "hand-joined"));
        worker(nodeName(instanceId), AZ_A, instanceId);
        return instanceId;
    }

    /** Who holds our drain claim on this instance's Node (scale-down, spot-interruption, …), or null. */
    String drainClaim(String instanceId) {
        Node node = nodeOf(instanceId);
        boolean tainted = node != null && node.getSpec().getTaints() != null && node.getSpec().getTaints().stream()
                .anyMatch(t -> NodeLabels.DRAINING_TAINT.equals(t.getKey()));
        return tainted ? dev.k3sautoscaler.core.scaledown.DrainPurpose.ofClaim(
                node.getMetadata().getAnnotations().get(NodeLabels.DRAIN_PURPOSE)).value() : null;
    }

    boolean schedulable(String instanceId) {
        Node node = nodeOf(instanceId);
        return node != null && !Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    }

    // ---- running and reading ----

    /**
     * Runs the given executions and every actuation started meanwhile on the one virtual clock, the
     * earliest wake-up first, as Step Functions would run them side by side; each scheduled action
     * runs when its instant comes (a Spot warning through the tick, a change in the world).
     */
    void runTogether(java.util.NavigableMap<Instant, Runnable> scheduled, Execution... running) {
        List<Execution> given = List.of(running);
        while (true) {
            List<Execution> live = java.util.stream.Stream.concat(given.stream(), started.values().stream())
                    .distinct().filter(e -> !e.isDone()).toList();
            Instant wake = live.stream().map(Execution::waitingUntil).filter(java.util.Objects::nonNull)
                    .min(java.util.Comparator.naturalOrder()).orElse(null);
            Instant event = scheduled.isEmpty() ? null : scheduled.firstKey();
            if (wake == null && event == null) {
                return;
            }
            if (event != null && (wake == null || !event.isAfter(wake))) {
                if (event.isAfter(clock.instant())) {
                    clock.advanceTo(event);
                }
                scheduled.pollFirstEntry().getValue().run();
            } else {
                clock.advanceTo(wake);
                live.forEach(Execution::advance);
            }
        }
    }

    Execution startActuation(String name, String triggerJson) {
        idleForLong();
        Execution execution = executor.start(actuation, name, read(triggerJson));
        started.put(name, execution);
        return execution;
    }

    Execution actuate(String name, String triggerJson) {
        idleForLong();
        return executor.run(actuation, name, read(triggerJson));
    }

    /** The tick as the schedule starts it. */
    Execution runTick(String name) {
        idleForLong();
        return executor.run(tick, name, StepJson.MAPPER.valueToTree(TickInput.SCHEDULE));
    }

    /** In an idle cluster, the per-node timers an hour of ticks would have recorded, through the real record. */
    private void idleForLong() {
        if (!idle || !reader.load().state().unneededNodes().isEmpty()) {
            return;
        }
        List<UnneededNode> timers = admin.nodes().list().getItems().stream()
                .filter(node -> node.getSpec().getProviderID() != null)
                .map(node -> new UnneededNode(node.getMetadata().getName(),
                        ProviderId.instanceId(node.getSpec().getProviderID()), clock.instant().minus(Duration.ofHours(1))))
                .toList();
        outcomes.record("e2e-idle-hour", null, Outcome.unneeded(timers, "an hour of idle ticks"));
    }

    /** The tick as the fast path starts it: SNS delivers the alert to the real function, which starts the tick. */
    Execution runTickFromAlert() {
        idleForLong();
        List<AlertFunction.StartedTick> ticks = alertFunction.deliver(clock.instant());
        assertEquals(1, ticks.size(), "one delivery, one tick: " + ticks);
        alertTicks.add(ticks.getFirst().name());
        return executor.run(tick, ticks.getFirst().name(), ticks.getFirst().input());
    }

    /** The tick as an EventBridge rule starts it, with the rule's input (a Spot or rebalance event). */
    Execution runTick(String name, String eventJson) {
        return executor.run(tick, name, read(eventJson));
    }

    LoadStateOutput state() {
        return reader.load();
    }

    List<EventRecord> events() {
        return reader.recentEvents(50);
    }

    List<FakeInstance> aliveInstances() {
        return ec2.instances().stream().filter(FakeInstance::isAlive).toList();
    }

    Map<String, Long> stateVisits(Execution execution) {
        return execution.statePath().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Override
    public void close() {
        alertFunction.close();
        functions.close();
        kube.close();
        prometheus.close();
        ec2.close();
    }
}
