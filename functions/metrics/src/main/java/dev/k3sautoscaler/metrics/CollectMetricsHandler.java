package dev.k3sautoscaler.metrics;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CollectMetrics step (Lambda {@code collect-metrics}): what Prometheus says about the cluster
 * now, as core's {@link dev.k3sautoscaler.core.model.ClusterMetrics} plus a {@code reason} line.
 *
 * <p>Prometheus trouble (unreachable, slow, errors, missing, NaN or stale data) is not an error:
 * the output is marked {@code available: false} with the reason, and the policy does nothing.
 *
 * <p>Errors: {@link dev.k3sautoscaler.errors.InvalidStepInput} (input without {@code execution},
 * or {@code at} not an ISO-8601 instant). Nothing else is thrown.
 */
public final class CollectMetricsHandler extends JsonStepHandler<CollectMetricsInput, CollectMetricsOutput> {
    public static final String STEP = "CollectMetrics";
    private static final Logger LOG = LoggerFactory.getLogger(CollectMetricsHandler.class);

    private final MetricsCollector collector;
    private final Duration pendingUp;
    private final Clock clock;

    /** Lambda entry point: configuration and the Prometheus client from the environment, built in INIT. */
    public CollectMetricsHandler() {
        this(System.getenv(), MetricsSettings.fromEnvironment(System.getenv()));
    }

    private CollectMetricsHandler(Map<String, String> environment, MetricsSettings settings) {
        this(settings.clusterId(), settings.client(environment), AutoscalerConfig.fromEnvironment(environment),
                Clock.systemUTC());
    }

    /** For tests and the simulator: any Prometheus, any configuration, any clock. */
    /** For tests and the simulator: any Prometheus, configuration and clock. */
    public CollectMetricsHandler(String clusterId, PrometheusClient prometheus, AutoscalerConfig config, Clock clock) {
        super(CollectMetricsInput.class, STEP, clusterId);
        this.collector = new MetricsCollector(prometheus, ClusterQueries.forConfig(config));
        this.pendingUp = config.pendingUp();
        this.clock = clock;
    }

    @Override
    protected CollectMetricsOutput handle(CollectMetricsInput input, Context context) {
        Instant at = input.at() != null ? input.at() : clock.instant();
        CollectMetricsOutput output = CollectMetricsOutput.of(collector.collect(at), pendingUp);
        if (output.metrics().available()) {
            LOG.info("{}", output.reason());
        } else {
            LOG.warn("{}", output.reason());
        }
        return output;
    }
}
