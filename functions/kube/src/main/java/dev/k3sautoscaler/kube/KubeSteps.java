package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.report.WorkerPrice;
import java.time.Clock;
import java.util.Map;

/** What every kube handler needs, built once in INIT: the settings and the node operations over one client. */
public record KubeSteps(KubeSettings settings, NodeOperations operations) {
    public static KubeSteps fromEnvironment(Map<String, String> environment) {
        KubeSettings settings = KubeSettings.fromEnvironment(environment);
        var client = KubeClientFactory.create(ClusterCredentials.fromEnvironment(environment));
        ClusterEvents events = new ClusterEvents(client, Clock.systemUTC(),
                ClusterEvents.instanceFromEnvironment(environment),
                new WorkerPrice(AutoscalerConfig.fromEnvironment(environment).workerHourlyPriceUsd()));
        return new KubeSteps(settings,
                new NodeOperations(client, settings.evictionRules(), Clock.systemUTC(), settings.timeouts(), events));
    }
}
