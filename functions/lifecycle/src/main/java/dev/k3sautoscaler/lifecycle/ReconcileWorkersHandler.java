package dev.k3sautoscaler.lifecycle;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.LeaseBudget;
import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.fleet.FleetSettings;
import dev.k3sautoscaler.fleet.InstanceInventory;
import dev.k3sautoscaler.kube.KubeClientFactory;
import dev.k3sautoscaler.core.report.WorkerPrice;
import dev.k3sautoscaler.kube.ClusterEvents;
import dev.k3sautoscaler.kube.NodeInventory;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State {@code ReconcileWorkers} (every tick, without the scaling lock): compares EC2's managed
 * instances of this cluster, the Kubernetes Nodes and the state's pending launches, and repairs
 * the differences — adopts an untracked fresh launch, clears joined or gone launches, terminates
 * instances that never joined, deletes ghost Nodes. Race-free by age; rules in
 * {@link dev.k3sautoscaler.core.lifecycle.ReconcileRules}, the proof in docs/lifecycle.md.
 * With {@code act=false} it only observes and plans.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}Ec2Unavailable, KubernetesApiUnavailable,
 * ClusterCredentialsUnavailable (retryable); Ec2AccessDenied, KubernetesAccessDenied,
 * Ec2RequestRejected, KubernetesRequestRejected, RefusedToTerminate (an instance's tags changed
 * between the look and the terminate; nothing terminated), InvalidStepInput (not retryable).
 *
 * <p>Configuration: CLUSTER_ID, JOIN_TIMEOUT_SEC (and the rest of the scaling configuration, so
 * validation is shared), the fleet's WORKER_* variables, and K8S_API_URL / K8S_API_TOKEN_PARAM /
 * K8S_CA_CERT_PARAM. Every problem is reported together at init.
 */
public final class ReconcileWorkersHandler extends JsonStepHandler<ReconcileWorkersInput, ReconcileWorkersOutput> {
    public static final String STEP = "ReconcileWorkers";
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileWorkersHandler.class);

    private final Reconciler reconciler;

    public ReconcileWorkersHandler() {
        this(Production.fromEnvironment(System.getenv()));
    }

    private ReconcileWorkersHandler(Production production) {
        this(production.fleet(), production.nodes(), production.config(), Clock.systemUTC());
    }

    /** The INIT path with any environment: every configuration problem at once, or the production handler. */
    static ReconcileWorkersHandler production(Map<String, String> environment) {
        return new ReconcileWorkersHandler(Production.fromEnvironment(environment));
    }

    /** For tests and the simulator: EC2 and the K3s API at any endpoint, any clock. */
    public ReconcileWorkersHandler(InstanceInventory fleet, NodeInventory nodes, AutoscalerConfig config, Clock clock) {
        super(ReconcileWorkersInput.class, STEP, fleet.clusterId());
        this.reconciler = new Reconciler(fleet, nodes, config.joinTimeout(), LeaseBudget.drainClaimOutlived(config), clock);
    }

    @Override
    protected ReconcileWorkersOutput handle(ReconcileWorkersInput input, Context context) {
        ReconcileWorkersOutput output = reconciler.reconcile(input);
        LOG.info(output.reason());
        return output;
    }

    /** The production parts, built once in INIT after every variable was checked. */
    private record Production(InstanceInventory fleet, NodeInventory nodes, AutoscalerConfig config) {
        static Production fromEnvironment(Map<String, String> environment) {
            Set<String> problems = new LinkedHashSet<>();
            read(() -> FleetSettings.fromEnvironment(environment), problems);
            AutoscalerConfig config = read(() -> AutoscalerConfig.fromEnvironment(environment), problems);
            ClusterCredentials credentials = read(() -> ClusterCredentials.fromEnvironment(environment), problems);
            if (!problems.isEmpty()) {
                throw new InvalidConfigurationException(List.copyOf(problems));
            }
            var client = KubeClientFactory.create(credentials);
            ClusterEvents events = new ClusterEvents(client, java.time.Clock.systemUTC(),
                    ClusterEvents.instanceFromEnvironment(environment), new WorkerPrice(config.workerHourlyPriceUsd()));
            return new Production(InstanceInventory.fromEnvironment(environment), new NodeInventory(client, events),
                    config);
        }

        /** The fleet's settings include the scaling configuration's problems: a set reports each once. */
        private static <T> T read(Supplier<T> reader, Set<String> problems) {
            try {
                return reader.get();
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
                return null;
            }
        }
    }
}
