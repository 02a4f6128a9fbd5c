package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.EnvironmentReader;
import dev.k3sautoscaler.core.scaledown.EvictionRules;
import java.util.Map;
import java.util.Set;

/**
 * The kube steps' own settings, read once at init; every problem is reported together.
 *
 * @param statefulSetPodsBlock {@value #STATEFULSET_VARIABLE}: whether StatefulSet pods keep their node (default true)
 */
public record KubeSettings(String clusterId, boolean statefulSetPodsBlock, KubeTimeouts timeouts) {
    public static final String CLUSTER_ID_VARIABLE = "CLUSTER_ID";
    public static final String STATEFULSET_VARIABLE = "SCALE_DOWN_STATEFULSET_PODS_BLOCK";

    public static KubeSettings fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String clusterId = reader.requiredString(CLUSTER_ID_VARIABLE, "the cluster id the autoscaler's resources are tagged with");
        boolean statefulSetPodsBlock = "true".equals(reader.oneOf(STATEFULSET_VARIABLE, "true", Set.of("true", "false")));
        reader.throwIfInvalid();
        return new KubeSettings(clusterId, statefulSetPodsBlock, KubeTimeouts.from(AutoscalerConfig.fromEnvironment(environment)));
    }

    public EvictionRules evictionRules() {
        return new EvictionRules(statefulSetPodsBlock);
    }
}
