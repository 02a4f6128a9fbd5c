package dev.k3sautoscaler.simulator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.contract.Names;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.decide.DecideHandler;
import dev.k3sautoscaler.errors.StepError;
import dev.k3sautoscaler.decide.ValidateInputHandler;
import dev.k3sautoscaler.fleet.FleetClients;
import dev.k3sautoscaler.fleet.FleetContext;
import dev.k3sautoscaler.fleet.FleetSettings;
import dev.k3sautoscaler.fleet.InstanceInventory;
import dev.k3sautoscaler.fleet.LaunchWorkersHandler;
import dev.k3sautoscaler.fleet.TerminateWorkersHandler;
import dev.k3sautoscaler.idempotency.IdempotencySettings;
import dev.k3sautoscaler.idempotency.IdempotencyStore;
import dev.k3sautoscaler.kube.CheckWorkersJoinedHandler;
import dev.k3sautoscaler.kube.CordonNodeHandler;
import dev.k3sautoscaler.kube.DeleteNodeHandler;
import dev.k3sautoscaler.kube.DrainNodeHandler;
import dev.k3sautoscaler.kube.KubeClientFactory;
import dev.k3sautoscaler.kube.KubeSettings;
import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.report.WorkerPrice;
import dev.k3sautoscaler.kube.ClusterEvents;
import dev.k3sautoscaler.kube.KubeSteps;
import dev.k3sautoscaler.kube.ReportToClusterHandler;
import dev.k3sautoscaler.kube.NodeInventory;
import dev.k3sautoscaler.kube.NodeOperations;
import dev.k3sautoscaler.kube.SelectScaleDownTargetHandler;
import dev.k3sautoscaler.kube.UncordonNodeHandler;
import dev.k3sautoscaler.lifecycle.IdentifyEventInstanceHandler;
import dev.k3sautoscaler.lifecycle.ReconcileWorkersHandler;
import dev.k3sautoscaler.metrics.CollectMetricsHandler;
import dev.k3sautoscaler.metrics.PrometheusClient;
import dev.k3sautoscaler.metrics.PrometheusEndpoint;
import dev.k3sautoscaler.runtime.AwsClients;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import dev.k3sautoscaler.runtime.LocalLambdaContext;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.state.AcquireLockHandler;
import dev.k3sautoscaler.state.BreakLockHandler;
import dev.k3sautoscaler.state.LeaseFence;
import dev.k3sautoscaler.state.LoadStateHandler;
import dev.k3sautoscaler.state.LockBreaker;
import dev.k3sautoscaler.state.OutcomeLog;
import dev.k3sautoscaler.state.RecordOutcomeHandler;
import dev.k3sautoscaler.state.ReleaseLockHandler;
import dev.k3sautoscaler.state.ScalingLease;
import dev.k3sautoscaler.state.StateAccess;
import dev.k3sautoscaler.state.StateClients;
import dev.k3sautoscaler.state.StateReader;
import dev.k3sautoscaler.state.StateSettings;
import dev.k3sautoscaler.testkit.dynamodb.LocalDynamoDb;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Every Lambda of the autoscaler, built in-process exactly as for Lambda but pointed at local
 * endpoints, and the ARNs the state machines name them by. Each AWS client comes from the builder
 * its module's Lambda uses ({@link FleetClients}, {@link StateClients}), so retries and timeouts are
 * production's; only the endpoint and the credentials differ. An ASL placeholder names a step of the
 * catalogue ({@code ${DrainNodeArn}}: the function {@code drain-node}, as the CDK stack deploys it),
 * an SNS topic ({@code ${…TopicArn}}) or the actuation machine ({@code ${ActuationStateMachineArn}});
 * any other placeholder must be given, so a new one fails at load instead of running with a hole.
 * A function that ends with a step error its catalogue entry does not declare is recorded as a
 * broken invariant: the ASL's Retry and Catch are generated from those declarations.
 */
public final class AutoscalerFunctions implements AutoCloseable {
    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "123456789012";
    public static final String FUNCTION_PREFIX = "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:";
    public static final String ACTUATION_ARN = "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:k3s-autoscaler-actuation";
    public static final String START_EXECUTION = "arn:aws:states:::states:startExecution";
    public static final String SNS_PUBLISH = "arn:aws:states:::sns:publish";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");

    /** What the handlers sign their AWS requests with: the fakes do not check it. */
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSIMULATOR", "simulated"));

    /**
     * Where the handlers' outside systems are.
     *
     * @param kubeToken asked for at each K3s client request, as {@code ClusterCredentials} reads it from SSM
     * @param dynamo    DynamoDB Local's endpoint, for the state and idempotency tables (signed with its credentials)
     */
    public record Endpoints(URI ec2, URI kubeApi, Supplier<String> kubeToken, URI prometheus, URI dynamo) {
        /** A fixed K3s API token. */
        public Endpoints(URI ec2, URI kubeApi, String kubeToken, URI prometheus, URI dynamo) {
            this(ec2, kubeApi, () -> kubeToken, prometheus, dynamo);
        }

        @Override
        public String toString() {
            return "Endpoints[ec2=" + ec2 + ", kubeApi=" + kubeApi + ", prometheus=" + prometheus + ", dynamo=" + dynamo + "]";
        }
    }

    private final Map<Step, JsonStepHandler<?, ?>> handlers = new EnumMap<>(Step.class);
    /** Step errors a function ended with that the catalogue does not declare for it (the ASL would not expect them). */
    private final List<Invariants.Violation> undeclaredErrors = new ArrayList<>();
    private final KubernetesClient kubeClient;
    private final Ec2Client ec2;
    private final DynamoDbClient dynamo;

    /**
     * @param environment what the CDK stack would set on the functions (CLUSTER_ID, table names,
     *                    WORKER_* of the fleet, the configuration table, SCALING_POLICY)
     */
    public AutoscalerFunctions(Map<String, String> environment, Clock clock, Endpoints endpoints) {
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(environment);
        String clusterId = environment.get(FleetSettings.CLUSTER_ID);
        dynamo = AwsClients.build(StateClients.builder(), LocalDynamoDb.REGION, LocalDynamoDb.CREDENTIALS, endpoints.dynamo());
        ec2 = AwsClients.build(FleetClients.builder(), Region.of(REGION), CREDENTIALS, endpoints.ec2());
        StateAccess state = new StateAccess(dynamo, StateSettings.fromEnvironment(environment), clock);
        ScalingLease lock = new ScalingLease(state);
        StateReader reader = new StateReader(state);
        IdempotencyStore idempotency = new IdempotencyStore(dynamo, IdempotencySettings.fromEnvironment(environment), clock);
        FleetContext fleet = FleetContext.of(FleetSettings.fromEnvironment(environment), ec2, clock);
        KubeSettings kubeSettings = KubeSettings.fromEnvironment(environment);
        kubeClient = KubeClientFactory.create(ClusterCredentials.of(endpoints.kubeApi(), null, endpoints.kubeToken()));
        // Events as the Lambdas write them: priced from the scenario, written as the controller itself.
        ClusterEvents events = new ClusterEvents(kubeClient, clock, ClusterEvent.CONTROLLER,
                new WorkerPrice(config.workerHourlyPriceUsd()));
        KubeSteps kube = new KubeSteps(kubeSettings, new NodeOperations(kubeClient, kubeSettings.evictionRules(), clock,
                kubeSettings.timeouts(), events));
        PrometheusClient prometheus = PrometheusClient.unauthenticated(PrometheusEndpoint.direct(endpoints.prometheus()));

        handlers.put(Step.VALIDATE_INPUT, new ValidateInputHandler(environment));
        handlers.put(Step.BREAK_LOCK, new BreakLockHandler(new LockBreaker(state)));
        handlers.put(Step.COLLECT_METRICS, new CollectMetricsHandler(clusterId, prometheus, config, clock));
        handlers.put(Step.LOAD_STATE, new LoadStateHandler(reader));
        handlers.put(Step.DECIDE, new DecideHandler(environment, clock));
        handlers.put(Step.ACQUIRE_LOCK, new AcquireLockHandler(lock));
        handlers.put(Step.RELEASE_LOCK, new ReleaseLockHandler(lock));
        handlers.put(Step.RECORD_OUTCOME, new RecordOutcomeHandler(new OutcomeLog(state)));
        LeaseFence fence = new LeaseFence(lock);
        handlers.put(Step.LAUNCH_WORKERS, new LaunchWorkersHandler(fleet, idempotency, fence));
        handlers.put(Step.TERMINATE_WORKERS, new TerminateWorkersHandler(fleet, idempotency, fence));
        handlers.put(Step.CHECK_WORKERS_JOINED, new CheckWorkersJoinedHandler(kube));
        handlers.put(Step.SELECT_SCALE_DOWN_TARGET, new SelectScaleDownTargetHandler(kube));
        handlers.put(Step.CORDON_NODE, new CordonNodeHandler(kube, fence));
        handlers.put(Step.DRAIN_NODE, new DrainNodeHandler(kube, fence));
        handlers.put(Step.UNCORDON_NODE, new UncordonNodeHandler(kube));
        handlers.put(Step.DELETE_NODE, new DeleteNodeHandler(kube, fence));
        handlers.put(Step.RECONCILE_WORKERS, new ReconcileWorkersHandler(new InstanceInventory(fleet),
                new NodeInventory(kubeClient, events), config, clock));
        handlers.put(Step.IDENTIFY_EVENT_INSTANCE, new IdentifyEventInstanceHandler(new InstanceInventory(fleet)));
        handlers.put(Step.REPORT_TO_CLUSTER, new ReportToClusterHandler(kube));
    }

    /** Every function's name, as the CDK stack names them (the fault matrix's steps). */
    public List<String> names() {
        return handlers.keySet().stream().map(Step::functionName).sorted().toList();
    }

    /** The function an ARN names, if it is one of ours. */
    public static Optional<String> functionOf(String resource) {
        return resource.startsWith(FUNCTION_PREFIX) ? Optional.of(resource.substring(FUNCTION_PREFIX.length()))
                : Optional.empty();
    }

    /** Runs one function as Lambda would: JSON in, JSON out, a thrown exception for an error. */
    public JsonNode invoke(String function, JsonNode input) {
        Step step = Step.ofFunction(function).filter(handlers::containsKey).orElseThrow(() -> new IllegalArgumentException(
                "no function named " + function + " (known: " + names() + ")"));
        String output;
        try {
            output = handlers.get(step).invoke(input.toString(), LocalLambdaContext.forFunction(function));
        } catch (StepError error) {
            undeclared(step, error).ifPresent(undeclaredErrors::add);
            throw error;
        }
        try {
            return StepJson.MAPPER.readTree(output);
        } catch (IOException e) {
            throw new UncheckedIOException("function " + function + " answered with invalid JSON", e);
        }
    }

    public boolean knows(String function) {
        return Step.ofFunction(function).filter(handlers::containsKey).isPresent();
    }

    /** The broken invariant when a step ended with an error its catalogue entry does not declare. */
    static Optional<Invariants.Violation> undeclared(Step step, StepError error) {
        return step.errors().contains(error.type()) ? Optional.empty()
                : Optional.of(new Invariants.Violation(Invariants.Name.EVERY_STEP_ERROR_DECLARED, step.functionName()
                        + " ended with " + error.errorName() + ", which the step catalogue does not declare for it: "
                        + error.getMessage()));
    }

    public List<Invariants.Violation> undeclaredErrors() {
        return List.copyOf(undeclaredErrors);
    }

    /**
     * The values for every placeholder of these definitions, by the naming rule above.
     *
     * @param fixed       values for placeholders that are not ARNs (e.g. RebalanceAction)
     * @param definitions name → ASL text
     */
    public static Map<String, String> substitutions(Map<String, String> fixed, Map<String, String> definitions) {
        Map<String, String> values = new LinkedHashMap<>();
        definitions.forEach((definition, text) -> {
            Matcher matcher = PLACEHOLDER.matcher(text);
            while (matcher.find()) {
                String name = matcher.group(1);
                values.put(name, valueOf(name, fixed).orElseThrow(() -> new IllegalArgumentException(
                        definition + " uses ${" + name + "}, which the simulator cannot fill")));
            }
        });
        return values;
    }

    private static Optional<String> valueOf(String name, Map<String, String> fixed) {
        if (fixed.containsKey(name)) {
            return Optional.of(fixed.get(name));
        }
        if (name.equals("ActuationStateMachineArn")) {
            return Optional.of(ACTUATION_ARN);
        }
        if (name.endsWith("TopicArn")) {
            return Optional.of("arn:aws:sns:" + REGION + ":" + ACCOUNT + ":k3s-autoscaler-" + Names.kebab(name.substring(0, name.length() - 8)));
        }
        return Step.ofSubstitution(name).map(step -> FUNCTION_PREFIX + step.functionName());
    }

    @Override
    public void close() {
        kubeClient.close();
        ec2.close();
        dynamo.close();
    }
}
