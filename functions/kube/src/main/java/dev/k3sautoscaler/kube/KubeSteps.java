package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import java.time.Clock;
import java.util.Map;

/** What every kube handler needs, built once in INIT: the settings and the node operations over one client. */
public record KubeSteps(KubeSettings settings, NodeOperations operations) {
    public static KubeSteps fromEnvironment(Map<String, String> environment) {
        KubeSettings settings = KubeSettings.fromEnvironment(environment);
        var client = KubeClientFactory.create(ClusterCredentials.fromEnvironment(environment));
        return new KubeSteps(settings,
                new NodeOperations(client, settings.evictionRules(), Clock.systemUTC(), settings.timeouts()));
    }
}
