package dev.k3sautoscaler.kube;

/** @param purpose whose drain claim the cordon takes: {@code scale-down} or {@code rebalance} */
public record ChosenNode(String name, String instanceId, int evictablePods, String purpose) {
}
