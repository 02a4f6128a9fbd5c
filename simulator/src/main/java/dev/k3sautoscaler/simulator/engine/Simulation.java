package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.contract.FunctionModule;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.contract.Reach;
import dev.k3sautoscaler.contract.Step;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.control.TickInput;
import dev.k3sautoscaler.decide.DecideHandler;
import dev.k3sautoscaler.fleet.FleetSettings;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.SimulatedCluster;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Ec2Event;
import dev.k3sautoscaler.simulator.scenario.Scenario.RebalanceRecommendation;
import dev.k3sautoscaler.simulator.scenario.Scenario.SpotInterruption;
import dev.k3sautoscaler.simulator.virtual.VirtualEc2;
import dev.k3sautoscaler.simulator.virtual.VirtualKubeApi;
import dev.k3sautoscaler.simulator.virtual.MonitoringTimings;
import dev.k3sautoscaler.simulator.virtual.VirtualPrometheus;
import dev.k3sautoscaler.state.StateAccess;
import dev.k3sautoscaler.state.StateReader;
import dev.k3sautoscaler.state.StateSettings;
import dev.k3sautoscaler.state.StateTableSchema;
import dev.k3sautoscaler.state.StateTables;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import dev.k3sautoscaler.testkit.ssm.FakeSsm;
import dev.k3sautoscaler.testkit.stepfunctions.FakeSnsTopic;
import dev.k3sautoscaler.testkit.stepfunctions.FakeStartExecution;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.LocalExecutor;
import dev.k3sautoscaler.workflow.StateMachine;
import dev.k3sautoscaler.workflow.TaskFailure;
import dev.k3sautoscaler.workflow.TaskInvoker;
import dev.k3sautoscaler.workflow.VirtualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * One run of a scenario: the real state machines on the local executor and the real handlers,
 * against the virtual AWS + K3s, on one virtual clock. A discrete-event loop: at each instant
 * something is due — a Prometheus scrape (at cluster-bootstrap's interval, 15 s), a summary sample
 * (1 min), the EventBridge schedule (the scenario's tick), a Spot warning, an execution whose Wait
 * or retry ends, or a change in the cluster the scheduler reacts to (a node turns Ready, a
 * terminating pod is gone) — the cluster is brought to that instant, then what is due runs. Executions interleave as in Step Functions: a
 * long actuation sits in its Wait while later ticks run and find the lock busy.
 *
 * <p>Deterministic for a scenario and seed: every random draw is the cluster's seeded generator,
 * retry jitter is off, execution names and ids come from the virtual clock.
 */
public final class Simulation implements AutoCloseable {
    /** A Monday, midnight UTC: the diurnal scenario's night is the run's start. */
    public static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    public static final Duration SAMPLE_INTERVAL = Duration.ofMinutes(1);
    static final String CLUSTER_ID = "sim";
    /** Tick execution names say what started them, as the deployed schedule, rules and alert path do. */
    static final String SCHEDULE_TICK_PREFIX = "tick-";
    static final String EVENT_TICK_PREFIX = "event-";
    public static final String ALERT_TICK_PREFIX = dev.k3sautoscaler.alerts.TickStart.NAME_PREFIX;
    /** A bound past any run. */
    private static final Duration FOREVER = Duration.ofDays(365_000);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** An execution of the run, with what the recorder needs beyond the executor's own record. */
    public record RunExecution(RunTimeline.Machine machine, Execution execution, Duration startedAt, int lambdaInvocations,
            boolean startedActuation) {
    }

    /** A message the actuation published to its SNS topic. */
    public record Notification(Duration at, String execution, JsonNode parameters) {
    }

    private final Scenario scenario;
    private final PolicyName policy;
    private final VirtualClock clock = new VirtualClock(START);
    private final SimulatedCluster cluster;
    /** The master's join token and the handlers' API token, as the world holds them. */
    private final ClusterSecrets secrets;
    /** Secrets found in a tick's data before it was dropped ({@link #retire}). */
    private final List<Invariants.Violation> retiredViolations = new ArrayList<>();
    private final ReclaimWatch reclaims = new ReclaimWatch();
    /** SSM as the master leaves it at boot: the join token for workers, the API token for the autoscaler. */
    private final FakeSsm ssm;
    private final SsmClient ssmClient;
    private final VirtualEc2 ec2;
    private final VirtualKubeApi kube;
    private final VirtualPrometheus prometheus;
    private final MonitoringTimings monitoring = MonitoringTimings.deployed();
    private final AutoscalerFunctions functions;
    private final StateMachine tick;
    private final StateMachine actuation;
    private final LocalExecutor executor;
    /** Reads the state item and event log for the result, as an operator's query would. */
    private final StateReader reader;
    private final TimelineRecorder recorder = new TimelineRecorder();
    private final Map<String, RunExecution> executions = new LinkedHashMap<>();
    private final Map<String, Integer> lambdaCalls = new HashMap<>();
    private final Map<String, Boolean> startedActuation = new HashMap<>();
    private final List<Execution> active = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();
    private final FakeSnsTopic topic = new FakeSnsTopic("sim-");
    private final FakeStartExecution startExecution = new FakeStartExecution(AutoscalerFunctions.ACTUATION_ARN, clock,
            new Actuations());
    /** Executions asked for during a task (a tick's startExecution, a duplicate), started once it has returned. */
    private final List<PendingStart> requestedStarts = new ArrayList<>();
    private final List<Fault> faults;
    private final Map<String, Integer> stepInvocations = new HashMap<>();
    private final List<String> injected = new ArrayList<>();

    private record PendingStart(RunTimeline.Machine kind, String name, JsonNode input) {
    }

    private record Scheduled(Ec2Event event, long order) {
    }

    /** A Task state of one execution whose results are being lost (a lost-result fault) until it is left. */
    private record LostState(String execution, String state) {
    }
    private final Set<LostState> lostResults = new HashSet<>();
    private final LeaseLedger leaseLedger = new LeaseLedger();
    private final WorldWatch watch;
    /** Spot warnings so far: instance → when EC2 reclaims it. */
    private final Map<String, Duration> spotNotices = new HashMap<>();
    /** EC2 events still to come, by time, then in the order they were scheduled (the file's, then follow-ups). */
    private final PriorityQueue<Scheduled> ec2Events = new PriorityQueue<>(
            Comparator.comparing((Scheduled scheduled) -> scheduled.event().at()).thenComparingLong(Scheduled::order));
    private long ec2EventsScheduled;
    private final Map<String, String> environment;
    private Consumer<String> progress = line -> { };
    /** Sees the cluster at every summary sample (the metrics export); nothing by default. */
    private Consumer<SimulatedCluster> sampled = cluster -> { };
    /** Where a kept execution's history is written as it ends; null: it is kept, packed, to the end of the run. */
    private HistoryWriter histories;
    /** The unschedulable-pods alert's path; null when off (the CDK stack deploys it by default: unschedulableFastPath=true). */
    private AlertPath alertPath;
    /** The headroom alert's path: deployed with the fast path when the configuration keeps a headroom. */
    private AlertPath headroomAlertPath;
    /** The fast path's function, which the alert's delivery invokes; built with the path. */
    private AlertFunction alertFunction;
    /** Ticks the alert path has asked for, by when they start. */
    private final PriorityQueue<Duration> alertTicks = new PriorityQueue<>();

    public Simulation(Scenario scenario, PolicyName policy) {
        this(scenario, policy, List.of());
    }

    /** A run with faults injected at the given points (see {@link Fault}). */
    public Simulation(Scenario scenario, PolicyName policy, List<Fault> faults) {
        this.scenario = scenario;
        this.policy = policy;
        this.faults = List.copyOf(faults);
        this.cluster = new SimulatedCluster(scenario);
        this.secrets = ClusterSecrets.forSeed(scenario.seed());
        DynamoDbClient dynamo = LocalDynamoDb.shared().client();
        this.ec2 = new VirtualEc2(cluster, CLUSTER_ID, clock);
        this.kube = new VirtualKubeApi(cluster, START, secrets.apiToken());
        this.ssm = FakeSsm.start().putSecureString(parameter("join-token"), secrets.joinToken())
                .putSecureString(parameter("api-token"), secrets.apiToken());
        this.ssmClient = AwsClients.build(SsmClient.builder(), Region.of(AutoscalerFunctions.REGION),
                AutoscalerFunctions.CREDENTIALS, ssm.endpoint());
        this.prometheus = new VirtualPrometheus(cluster, scenario.config());
        this.environment = environment(scenario, policy, ec2, kube);
        StateTables.createIfMissing(dynamo, environment.get(StateTableSchema.Env.STATE_TABLE),
                environment.get(StateTableSchema.Env.EVENT_LOG_TABLE), environment.get(StateTableSchema.Env.IDEMPOTENCY_TABLE));
        this.reader = new StateReader(new StateAccess(dynamo, StateSettings.fromEnvironment(environment), clock));
        this.functions = new AutoscalerFunctions(environment, clock,
                endpoints(ClusterCredentials.fromEnvironment(environment, ssmClient), LocalDynamoDb.shared().endpoint()));
        // A fault at a step that does not exist would never fire: a silent no-op is worse than an error.
        List<String> unknownSteps = this.faults.stream().map(Fault::step).filter(step -> !functions.knows(step)).distinct().toList();
        if (!unknownSteps.isEmpty()) {
            close();
            throw new IllegalArgumentException("no function named " + String.join(", ", unknownSteps)
                    + " to inject a fault into (functions: " + String.join(", ", functions.names()) + ")");
        }
        Map<String, String> definitions = new LinkedHashMap<>();
        definitions.put("tick.asl.json", resource("asl/tick.asl.json"));
        definitions.put("actuation.asl.json", resource("asl/actuation.asl.json"));
        Map<String, String> substitutions = AutoscalerFunctions.substitutions(
                Map.of("RebalanceAction", environment.get("REBALANCE_ACTION")), definitions);
        this.tick = StateMachine.load("tick", definitions.get("tick.asl.json"), substitutions);
        this.actuation = StateMachine.load("actuation", definitions.get("actuation.asl.json"), substitutions);
        this.executor = new LocalExecutor(new Tasks(), clock);
        this.watch = new WorldWatch(new WorldWatch.Limits(CLUSTER_ID, scenario.config().maxWorkers(),
                scenario.config().joinTimeout(), scenario.tick()), START);
        alertPath(true);
    }

    /** The functions a fault can be injected into. */
    public List<String> functionNames() {
        return functions.names();
    }

    /**
     * Whether the fast path from the unschedulable-pods alert (and, with a headroom, the headroom alert)
     * to the tick is deployed (the CDK stack's default: on).
     */
    public Simulation alertPath(boolean deployed) {
        if (!deployed) {
            alertPath = null;
            headroomAlertPath = null;
            if (alertFunction != null) {
                alertFunction.close();
                alertFunction = null;
            }
        } else if (alertPath == null) {
            Duration firstEvaluation = phase(monitoring.evaluationInterval(), 104_729);
            alertPath = new AlertPath(AlertPath.Timings.deployed(monitoring, AlertPath.PODS_ALERT), firstEvaluation);
            // The master writes the settings the rule compares with only when there is a headroom to keep.
            headroomAlertPath = scenario.config().headroom().on()
                    ? new AlertPath(AlertPath.Timings.deployed(monitoring, AlertPath.HEADROOM_ALERT), firstEvaluation) : null;
            alertFunction = new AlertFunction(CLUSTER_ID, scenario.config().pendingUp(), clock, executions::containsKey);
        }
        return this;
    }

    /** Where progress lines go (one per simulated hour and per scale event); silent by default. */
    public Simulation onProgress(Consumer<String> progress) {
        this.progress = Objects.requireNonNull(progress);
        return this;
    }

    /**
     * Writes each execution worth keeping the moment it ends, then keeps only what the decision log
     * reads of it ({@link #retire}); the run's {@link HistoryWriter#finish} writes the rest.
     */
    public Simulation writingHistories(HistoryWriter writer) {
        this.histories = Objects.requireNonNull(writer);
        return this;
    }

    /**
     * Called with the cluster at every summary sample (each {@link #SAMPLE_INTERVAL} from the start,
     * the end included), after the instant's work, with the cluster locked: it must only read.
     */
    public Simulation onSample(Consumer<SimulatedCluster> listener) {
        this.sampled = Objects.requireNonNull(listener);
        return this;
    }

    /** The handlers find the K3s API token as in Lambda: named by their environment, read from SSM. */
    private AutoscalerFunctions.Endpoints endpoints(ClusterCredentials credentials, URI dynamo) {
        return new AutoscalerFunctions.Endpoints(ec2.endpoint(), credentials.apiServerUrl(), credentials::bearerToken,
                prometheus.baseUrl(), dynamo);
    }

    /** Where the master publishes what it wrote at boot (the CDK stack's naming). */
    private static String parameter(String name) {
        return "/k3s-autoscaler/" + CLUSTER_ID + "/" + name;
    }

    /** What the CDK stack would set on the functions, for this scenario's virtual cloud. */
    private static Map<String, String> environment(Scenario scenario, PolicyName policy, VirtualEc2 ec2, VirtualKubeApi kube) {
        Map<String, String> env = fleetAndStateEnvironment(scenario, CLUSTER_ID, "sim-" + Long.toHexString(System.nanoTime()), ec2);
        env.put(FleetSettings.CAPACITY_TYPE, scenario.cluster().launchCapacityType().label());
        env.put(DecideHandler.POLICY_VARIABLE, policy.value());
        env.put(ClusterCredentials.API_URL_VARIABLE, kube.url().toString());
        env.put(ClusterCredentials.TOKEN_PARAMETER_VARIABLE, parameter("api-token"));
        return env;
    }

    /** What the CDK stack sets on the fleet and state steps: the scenario's settings, the cluster, fresh table names, the virtual EC2's launch inputs. */
    static Map<String, String> fleetAndStateEnvironment(Scenario scenario, String clusterId, String tables, VirtualEc2 ec2) {
        Map<String, String> env = new LinkedHashMap<>(scenario.config().toEnvironment());
        env.put(FleetSettings.CLUSTER_ID, clusterId);
        env.put("AWS_REGION", AutoscalerFunctions.REGION);
        env.put(StateTableSchema.Env.STATE_TABLE, tables + "-state");
        env.put(StateTableSchema.Env.EVENT_LOG_TABLE, tables + "-events");
        env.put(StateTableSchema.Env.IDEMPOTENCY_TABLE, tables + "-idempotency");
        env.put(FleetSettings.WORKER_LAUNCH_TEMPLATE, VirtualEc2.LAUNCH_TEMPLATE_ID);
        env.put(FleetSettings.WORKER_INSTANCE_TYPES, scenario.workerType().name());
        env.put(FleetSettings.WORKER_SUBNET_IDS, ec2.subnetIds());
        return env;
    }

    private static String resource(String name) {
        try (InputStream in = Simulation.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the simulator's classpath (built from workflow/asl)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the event loop ---------------------------------------------------------------------------

    public SimulationResult run() {
        Duration end = scenario.duration();
        Duration nextScrape = phase(monitoring.scrapeInterval(), 7_919);
        Duration nextSample = Duration.ZERO;
        Duration nextTick = Duration.ZERO;
        scenario.spotInterruptions().forEach(this::schedule);
        scenario.rebalanceRecommendations().forEach(this::schedule);
        while (true) {
            Duration now = min(nextScrape, nextSample, nextTick,
                    ec2Events.isEmpty() ? end : ec2Events.peek().event().at(), nextWakeUp(), nextClusterEvent(),
                    alertPath == null ? end : alertPath.nextInstant(),
                    headroomAlertPath == null ? end : headroomAlertPath.nextInstant(),
                    alertTicks.isEmpty() ? end : alertTicks.peek(), end);
            moveTo(now);
            if (now.equals(nextScrape)) {
                prometheus.scrape();
                nextScrape = nextScrape.plus(monitoring.scrapeInterval());
            }
            while (!ec2Events.isEmpty() && ec2Events.peek().event().at().equals(now)) {
                switch (ec2Events.poll().event()) {
                    case SpotInterruption interruption -> spotWarning(interruption);
                    case RebalanceRecommendation recommendation -> rebalanceRecommendation(recommendation);
                }
            }
            if (alertPath != null) {
                alertPath.advance(now, prometheus.unschedulableInLastScrape()).ifPresent(alertTicks::add);
            }
            if (headroomAlertPath != null) {
                Set<String> headroomShort = prometheus.headroomShortInLastScrape() ? Set.of(AlertPath.HEADROOM_ALERT) : Set.of();
                headroomAlertPath.advance(now, headroomShort).ifPresent(alertTicks::add);
            }
            resumeWaiting(now);
            while (!alertTicks.isEmpty() && alertTicks.peek().equals(now)) {
                alertTicks.poll();
                if (now.compareTo(end) < 0) {
                    startAlertTick(now);
                }
            }
            if (now.equals(nextTick) && now.compareTo(end) < 0) {
                startTick(now);
                nextTick = nextTick.plus(scenario.tick());
            }
            startRequestedActuations();
            if (now.equals(nextSample)) {
                synchronized (cluster) {
                    recorder.sample(cluster);
                    sampled.accept(cluster);
                }
                if (now.toMinutes() % 60 == 0 && now.toMinutes() > 0) {
                    progress.accept(progressLine(now));
                }
                nextSample = nextSample.plus(SAMPLE_INTERVAL);
            }
            watchTheWorld(now);
            if (now.compareTo(end) >= 0) {
                break;
            }
        }
        return result(end);
    }

    /** The invariants that must hold at every instant, after the instant's work. */
    private void watchTheWorld(Duration now) {
        List<InstanceState> instances;
        List<NodeState> nodes;
        boolean kubeApiDown;
        synchronized (cluster) {
            instances = cluster.instances();
            nodes = cluster.nodes();
            kubeApiDown = cluster.outageActive(Scenario.OutageKind.KUBE_API);
        }
        watch.observe(now, ec2.instances(), instances, nodes, spotNotices, kubeApiDown);
    }

    private static Duration min(Duration... candidates) {
        Duration min = candidates[0];
        for (Duration candidate : candidates) {
            if (candidate.compareTo(min) < 0) {
                min = candidate;
            }
        }
        return min;
    }

    /**
     * Prometheus spreads its scrapes and rule groups over their interval by a hash; the run takes
     * each phase (whole seconds) from the seed and a salt, so a tick does not always find a scrape
     * or an evaluation of the same second.
     */
    private Duration phase(Duration interval, long salt) {
        return Duration.ofSeconds(Math.floorMod(scenario.seed() * salt, Math.max(1, interval.toSeconds())));
    }

    private Duration nextClusterEvent() {
        synchronized (cluster) {
            return cluster.nextInternalEvent().orElse(FOREVER);
        }
    }

    private Duration nextWakeUp() {
        return active.stream().map(Execution::waitingUntil).filter(Objects::nonNull)
                .min(Comparator.naturalOrder()).map(at -> Duration.between(START, at)).orElse(FOREVER);
    }

    private void moveTo(Duration offset) {
        clock.advanceTo(START.plus(offset));
        synchronized (cluster) {
            cluster.advanceTo(offset);
        }
    }

    /** Executions whose Wait (or retry interval) ends now continue, oldest first. */
    private void resumeWaiting(Duration now) {
        Instant instant = START.plus(now);
        for (Execution execution : List.copyOf(active)) {
            if (execution.waitingUntil() != null && !execution.waitingUntil().isAfter(instant)) {
                execution.advance();
            }
        }
        active.removeIf(execution -> {
            if (execution.isDone()) {
                retire(execution);
                return true;
            }
            return false;
        });
    }

    private void startTick(Duration now) {
        String name = SCHEDULE_TICK_PREFIX + NAME_TIME.format(START.plus(now));
        // The schedule's input, as deployed (the tick rejects an empty one).
        track(RunTimeline.Machine.EXPRESS_TICK, executor.start(tick, name, StepJson.MAPPER.valueToTree(TickInput.SCHEDULE)), now);
    }

    /**
     * SNS delivers the alert to the fast path's function, which starts the tick (it waits
     * PENDING_UP_SEC, then decides as a scheduled one). The function's invocation is the tick's.
     */
    private void startAlertTick(Duration now) {
        for (AlertFunction.StartedTick started : alertFunction.deliver(START.plus(now))) {
            progress.accept(at(now) + " fast-path alert starts tick " + started.name());
            lambdaCalls.merge(started.name(), 1, Integer::sum);
            track(RunTimeline.Machine.EXPRESS_TICK, executor.start(tick, started.name(), started.input()), now);
        }
    }

    private void schedule(Ec2Event event) {
        ec2Events.add(new Scheduled(event, ec2EventsScheduled++));
    }

    /** EventBridge's EC2 Spot Instance Interruption Warning, through the rule's input transformer to the tick. */
    private void spotWarning(SpotInterruption interruption) {
        String instanceId;
        synchronized (cluster) {
            instanceId = runningSpotTarget(interruption, "Spot interruption");
            if (instanceId == null) {
                return;
            }
            spotNotices.put(instanceId, cluster.interruptSpot(instanceId));
        }
        recorder.spotWarning(cluster.now(), instanceId);
        progress.accept(at(cluster.now()) + " Spot interruption warning for " + instanceId);
        eventToTick("spot-interruption", instanceId);
    }

    /**
     * EventBridge's EC2 Instance Rebalance Recommendation, through the rule's input transformer to the
     * tick; when the scenario says an interruption follows, the same instance's warning is scheduled.
     */
    private void rebalanceRecommendation(RebalanceRecommendation recommendation) {
        String instanceId;
        synchronized (cluster) {
            instanceId = runningSpotTarget(recommendation, "rebalance recommendation");
        }
        if (instanceId == null) {
            return;
        }
        Duration now = cluster.now();
        boolean interruption = recommendation.interruptAfter() != null;
        if (interruption) {
            schedule(new SpotInterruption(now.plus(recommendation.interruptAfter()), instanceId));
        }
        progress.accept(at(now) + " rebalance recommendation for " + instanceId
                + (interruption ? "; its interruption warning at " + at(now.plus(recommendation.interruptAfter())) : ""));
        eventToTick("rebalance", instanceId);
    }

    /** The event's instance if it is a Spot worker still running (EC2 sends nothing about a stopped one), else null. */
    private String runningSpotTarget(Ec2Event event, String what) {
        String instanceId = SpotInterruption.RANDOM_SPOT_WORKER.equals(event.target())
                ? cluster.randomSpotWorker().orElse(null) : event.target();
        if (instanceId == null || !cluster.spotRunning(instanceId)) {
            recorder.ec2EventSkipped(cluster.now(), event);
            progress.accept(at(cluster.now()) + " " + what + " skipped: "
                    + (instanceId == null ? "no running Spot worker" : instanceId + " is no running Spot worker"));
            return null;
        }
        return instanceId;
    }

    /** The EC2 rules target the tick (it names the actuation {@code <trigger>-<instance>}), as deployed. */
    private void eventToTick(String trigger, String instanceId) {
        Duration now = cluster.now();
        ObjectNode input = StepJson.MAPPER.createObjectNode().put("trigger", trigger).put("instanceId", instanceId);
        String name = EVENT_TICK_PREFIX + trigger + "-" + instanceId + "-" + NAME_TIME.format(START.plus(now));
        track(RunTimeline.Machine.EXPRESS_TICK, executor.start(tick, name, input), now);
    }

    private void track(RunTimeline.Machine machine, Execution execution, Duration startedAt) {
        executions.put(execution.name(), new RunExecution(machine, execution, startedAt, 0, false));
        if (execution.isDone()) {
            retire(execution);
        } else {
            active.add(execution);
        }
    }

    private void retire(Execution execution) {
        RunExecution tracked = executions.get(execution.name());
        retiredViolations.addAll(retire(new RunExecution(tracked.machine(), execution, tracked.startedAt(),
                lambdaCalls.getOrDefault(execution.name(), 0), startedActuation.getOrDefault(execution.name(), false)),
                secrets, histories));
    }

    /**
     * A finished tick that started no actuation is counted, not kept ({@link HistoryWriter}): its
     * data is checked for secrets now, then dropped, all but the Decide result the decision log reads.
     * What is kept is written now when the run has a {@code writer}, checked the same way (its
     * removals too), then dropped alike; without one it is packed for the end of the run.
     * A day of a large cluster's ticks would otherwise hold gigabytes of state data to the end.
     *
     * @param writer null when the histories are written, if at all, after the run
     * @return the broken invariants found, which the run must still report
     */
    static List<Invariants.Violation> retire(RunExecution run, ClusterSecrets secrets, HistoryWriter writer) {
        boolean kept = HistoryWriter.worthKeeping(run);
        if (kept && writer == null) {
            run.execution().packEventData();
            return List.of();
        }
        List<Invariants.Violation> found = new ArrayList<>(Invariants.secretsLeaked(List.of(run), List.of(), secrets));
        if (kept) {
            writer.write(run);
            found.addAll(Invariants.removalsRecorded(List.of(run)));
        }
        run.execution().dropEventData(DecisionLog::reads);
        return found;
    }

    // ---- the task invoker: every Task of both machines -------------------------------------------

    /** Every Task of both machines; a slow fault's invocation completes later, at its own instant. */
    private final class Tasks implements TaskInvoker {
        @Override
        public JsonNode invoke(String resource, JsonNode input, TaskContext context) throws TaskFailure {
            return inTheWorld(resource, () -> invokeNow(resource, input, context));
        }

        @Override
        public Started start(String resource, JsonNode input, TaskContext context) throws TaskFailure {
            return inTheWorld(resource, () -> startNow(resource, input, context));
        }
    }

    /** Work done in the virtual world at the clock's now. */
    @FunctionalInterface
    private interface WorldWork<T> {
        T run() throws TaskFailure;
    }

    /**
     * A task runs at the clock's now: the virtual systems it calls are brought there first, and the
     * cluster sees what it wrote after. Only those: mirroring a large cluster into the K3s API around
     * every DynamoDB or Prometheus step would cost more than the steps.
     */
    private <T> T inTheWorld(String resource, WorldWork<T> work) throws TaskFailure {
        Reached reached = Reached.by(resource);
        if (reached.ec2()) {
            ec2.syncFromCluster();
        }
        if (reached.kubeApi()) {
            kube.push();
        }
        try {
            return work.run();
        } finally {
            if (reached.ec2()) {
                ec2.syncToCluster();
            }
            if (reached.kubeApi()) {
                kube.pull();
            }
        }
    }

    /** Which of the virtual cloud's mirrored systems a task resource calls. */
    record Reached(boolean ec2, boolean kubeApi) {
        static Reached by(String resource) {
            Step step = AutoscalerFunctions.functionOf(resource).flatMap(Step::ofFunction).orElse(null);
            if (step == null) {
                return new Reached(false, false); // SNS, Step Functions: neither EC2 nor the cluster
            }
            Reach reach = step.reach();
            boolean ec2 = reach == Reach.EC2 || reach == Reach.EC2_READ || reach == Reach.EC2_AND_CLUSTER;
            // The metrics step reaches into the cluster for Prometheus only, which answers from its own scrapes.
            boolean kubeApi = reach.reachesCluster() && step.module() != FunctionModule.METRICS;
            return new Reached(ec2, kubeApi);
        }
    }

    private TaskInvoker.Started startNow(String resource, JsonNode input, TaskInvoker.TaskContext context) throws TaskFailure {
        String function = AutoscalerFunctions.functionOf(resource).orElse(null);
        if (function == null) {
            return new TaskInvoker.Started.Now(invokeNow(resource, input, context));
        }
        lambdaCalls.merge(context.executionName(), 1, Integer::sum);
        LostState lost = new LostState(context.executionName(), context.stateName());
        if (context.attempt() == 0) {
            lostResults.remove(lost); // the state was left and entered again: its results come back
        }
        Fault fault = faultAt(function, context.executionName());
        if (fault != null && fault.kind() == Fault.Kind.THROW) {
            throw new TaskFailure(Fault.INJECTED_ERROR, "injected fault " + fault);
        }
        if (fault != null && fault.kind() == Fault.Kind.SLOW) {
            // The request reaches EC2/K3s only at the end, past the lease and any Lambda timeout; then the runtime gives up.
            Instant landsAt = clock.instant().plus(slowDelay());
            return new TaskInvoker.Started.Later(landsAt, () -> inTheWorld(resource, () -> {
                runFunction(function, input, context.executionName());
                throw new TaskFailure(Fault.TIMED_OUT_ERROR, "injected hang " + fault + ": the handler ran at "
                        + at(cluster.now()) + ", past the function's timeout");
            }));
        }
        if (fault != null && fault.kind() == Fault.Kind.LOST_RESULT) {
            lostResults.add(lost);
        }
        JsonNode output = runFunction(function, input, context.executionName());
        if (fault != null && fault.kind() == Fault.Kind.CRASH) {
            throw new TaskFailure("Lambda.Unknown", "injected crash after the side effect, before the result: " + fault);
        }
        if (lostResults.contains(lost)) {
            throw new TaskFailure("Lambda.Unknown", "injected lost result (" + faultFor(Fault.Kind.LOST_RESULT, function)
                    + "): the side effect happened, the result never came back");
        }
        return new TaskInvoker.Started.Now(output);
    }

    /** A task that is not one of our functions: the tick's startExecution, an SNS publish. */
    private JsonNode invokeNow(String resource, JsonNode input, TaskInvoker.TaskContext context) throws TaskFailure {
        if (AutoscalerFunctions.START_EXECUTION.equals(resource)) {
            startedActuation.put(context.executionName(), true);
            return startExecution.start(input);
        }
        if (AutoscalerFunctions.SNS_PUBLISH.equals(resource)) {
            JsonNode answer = topic.publish(input);
            notifications.add(new Notification(cluster.now(), context.executionName(), input));
            return answer;
        }
        if (AutoscalerFunctions.functionOf(resource).isPresent()) {
            TaskInvoker.Started started = startNow(resource, input, context);
            if (started instanceof TaskInvoker.Started.Now now) {
                return now.result();
            }
            throw new IllegalStateException("a deferred task cannot complete at once: " + resource);
        }
        throw new TaskFailure("Simulator.UnknownResource", resource + " is not a resource the simulator runs");
    }

    /** Runs the real handler now; a completed run is a lease operation or side effect at this instant, whatever happens to its result. */
    private JsonNode runFunction(String function, JsonNode input, String execution) {
        reclaims.invoking(function, input, execution);
        JsonNode output = functions.invoke(function, input);
        reclaims.completed(function, input);
        recorder.stepCompleted(cluster.now(), execution, function, input, output);
        leaseLedger.completed(cluster.now(), execution, function, output);
        return output;
    }

    /** A hung invocation's side effect lands one tick past the lease's TTL — later than any step's Lambda timeout. */
    private Duration slowDelay() {
        return scenario.config().lockTtl().plus(scenario.tick());
    }

    private Fault faultFor(Fault.Kind kind, String function) {
        return faults.stream().filter(f -> f.kind() == kind && f.step().equals(function)).findFirst().orElse(null);
    }

    /**
     * Counts this invocation of {@code function} and applies a fault due at it: window faults open
     * here, a duplicate start is queued; a throw, crash, slow or lost-result is returned for the caller to play.
     */
    private Fault faultAt(String function, String execution) {
        int occurrence = stepInvocations.merge(function, 1, Integer::sum);
        Fault fault = faults.stream().filter(f -> f.step().equals(function) && f.occurrence() == occurrence)
                .findFirst().orElse(null);
        if (fault == null) {
            return null;
        }
        injected.add(at(cluster.now()) + " " + fault + " in " + execution);
        synchronized (cluster) {
            switch (fault.kind()) {
                case CAPACITY_ERROR -> cluster.injectCapacityShortage(Fault.WINDOW);
                case API_5XX -> cluster.injectOutage(Scenario.OutageKind.KUBE_API, Fault.WINDOW);
                case PROMETHEUS_OUTAGE -> cluster.injectOutage(Scenario.OutageKind.PROMETHEUS, Fault.WINDOW);
                case DUPLICATE_START -> {
                    RunExecution original = executions.get(execution);
                    if (original != null) {
                        requestedStarts.add(new PendingStart(original.machine(), execution + "-duplicate",
                                original.execution().input()));
                    }
                }
                case THROW, CRASH, SLOW, LOST_RESULT -> {
                    // played by the caller around the function itself
                }
            }
        }
        return fault;
    }

    /** The actuation machine's executions, as the tick's startExecution finds and starts them. */
    private final class Actuations implements FakeStartExecution.Executions {
        @Override
        public boolean exists(String name) {
            return executions.containsKey(name);
        }

        /**
         * Step Functions answers at once and runs the new execution on its own: the name is reserved
         * now, its first steps run after the caller's task has returned (never nested inside it).
         */
        @Override
        public void start(String name, JsonNode input) {
            executions.put(name, null);
            requestedStarts.add(new PendingStart(RunTimeline.Machine.STANDARD_ACTUATION, name, input));
            progress.accept(at(cluster.now()) + " actuation " + name + " started: " + input.path("expected").asText(""));
        }
    }

    private void startRequestedActuations() {
        while (!requestedStarts.isEmpty()) {
            PendingStart start = requestedStarts.removeFirst();
            StateMachine machine = start.kind() == RunTimeline.Machine.EXPRESS_TICK ? tick : actuation;
            track(start.kind(), executor.start(machine, start.name(), start.input()), cluster.now());
        }
    }

    // ---- results --------------------------------------------------------------------------------

    private SimulationResult result(Duration end) {
        List<RunExecution> finished = new ArrayList<>();
        List<RunTimeline.Execution> timelineExecutions = new ArrayList<>();
        for (RunExecution run : executions.values()) {
            if (run == null) {
                continue; // requested in the run's last instant, never started
            }
            Execution execution = run.execution();
            Instant stop = execution.isDone() ? execution.lastEventTime().orElse(START.plus(end)) : START.plus(end);
            RunExecution complete = new RunExecution(run.machine(), execution, run.startedAt(),
                    lambdaCalls.getOrDefault(execution.name(), 0), startedActuation.getOrDefault(execution.name(), false));
            finished.add(complete);
            timelineExecutions.add(new RunTimeline.Execution(run.machine(), run.startedAt(),
                    Duration.between(execution.startTime(), stop), (int) execution.stateTransitions(),
                    complete.lambdaInvocations()));
        }
        List<InstanceState> instances;
        List<String> budgetViolations;
        synchronized (cluster) {
            instances = cluster.instances();
            budgetViolations = cluster.budgetViolations();
        }
        List<RunTimeline.Wait> waits;
        synchronized (cluster) {
            waits = cluster.podWaits().stream().map(wait -> new RunTimeline.Wait(wait.since(), prometheus.visibleAt(wait.since()),
                    wait.end(), wait.instanceId(), wait.fitsAWorker())).toList();
        }
        return new SimulationResult(scenario, policy, recorder.timeline(end, timelineExecutions, waits, launches(instances)), finished,
                List.copyOf(notifications), instances, ec2.instances(), prometheus.unrecognisedQueries(),
                reader.load(), budgetViolations, List.copyOf(injected), java.util.stream.Stream.of(watch.violations(),
                        functions.undeclaredErrors(), retiredViolations, reclaims.violations()).flatMap(List::stream).toList(),
                leaseLedger.entries(), secrets,
                cluster.capacityErrors(), kube.visibility());
    }

    /** Every worker the autoscaler launched, with the actuation and the tick behind it. */
    private List<RunTimeline.Launch> launches(List<InstanceState> instances) {
        Map<String, InstanceState> byId = new HashMap<>();
        instances.forEach(instance -> byId.put(instance.instanceId(), instance));
        List<RunTimeline.Launch> launches = new ArrayList<>();
        recorder.launchedBy().forEach((instanceId, actuationName) -> {
            InstanceState instance = byId.get(instanceId);
            RunExecution actuation = executions.get(actuationName);
            RunExecution tick = actuation == null ? null : startedBy(actuation);
            launches.add(new RunTimeline.Launch(instanceId, tick == null ? RunTimeline.Trigger.OPERATOR : trigger(tick),
                    tick == null ? null : tick.startedAt(), actuation == null ? null : actuation.startedAt(),
                    instance == null ? null : instance.launchedAt(), instance == null ? null : instance.registersAt(),
                    instance == null ? null : instance.readyAt()));
        });
        return launches;
    }

    /** The tick that started this actuation (Step Functions' started-by link in its input), if any. */
    private RunExecution startedBy(RunExecution actuation) {
        String startedBy = actuation.execution().input().path("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID").asText("");
        String name = startedBy.substring(startedBy.lastIndexOf(':') + 1);
        RunExecution tick = executions.get(name);
        return tick != null && tick.machine() == RunTimeline.Machine.EXPRESS_TICK ? tick : null;
    }

    private static RunTimeline.Trigger trigger(RunExecution tick) {
        String name = tick.execution().name();
        if (name.startsWith(ALERT_TICK_PREFIX)) {
            return RunTimeline.Trigger.ALERT;
        }
        return name.startsWith(EVENT_TICK_PREFIX) ? RunTimeline.Trigger.EC2_EVENT : RunTimeline.Trigger.SCHEDULE;
    }

    private String progressLine(Duration now) {
        synchronized (cluster) {
            var observation = cluster.observe();
            return String.format(java.util.Locale.ROOT, "%s %d workers Ready, %d pods unschedulable, %d executions so far",
                    at(now), observation.readyWorkers(), observation.unschedulable().size(), executions.size());
        }
    }

    static String at(Duration offset) {
        return String.format(java.util.Locale.ROOT, "[%02d:%02d:%02d]", offset.toHours(), offset.toMinutesPart(), offset.toSecondsPart());
    }

    @Override
    public void close() {
        alertPath(false);
        functions.close();
        prometheus.close();
        kube.close();
        ec2.close();
        ssmClient.close();
        ssm.close();
    }
}
