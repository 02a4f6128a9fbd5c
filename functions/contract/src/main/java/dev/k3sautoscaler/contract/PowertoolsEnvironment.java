package dev.k3sautoscaler.contract;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables every function gets for Powertools, the same on each step (the CDK stack sets them,
 * the simulator gives its process the same). Powertools reads them from the process environment:
 * the {@code service} field of every JSON log line and the {@code Service} dimension of the
 * metrics, the log level, the metrics namespace.
 */
public final class PowertoolsEnvironment {
    public static final String SERVICE_NAME_VARIABLE = "POWERTOOLS_SERVICE_NAME";
    public static final String LOG_LEVEL_VARIABLE = "POWERTOOLS_LOG_LEVEL";
    public static final String METRICS_NAMESPACE_VARIABLE = "POWERTOOLS_METRICS_NAMESPACE";
    public static final String SERVICE_NAME = "k3s-autoscaler";
    public static final String LOG_LEVEL = "INFO";
    /** The CloudWatch namespace of every metric (StepMetrics names it too) and of the alarms that read them. */
    public static final String METRICS_NAMESPACE = "K3sAutoscaler";

    private PowertoolsEnvironment() {
    }

    /** Variable → value, in the order the stack sets them. */
    public static Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(SERVICE_NAME_VARIABLE, SERVICE_NAME);
        variables.put(LOG_LEVEL_VARIABLE, LOG_LEVEL);
        variables.put(METRICS_NAMESPACE_VARIABLE, METRICS_NAMESPACE);
        return Collections.unmodifiableMap(variables);
    }
}
