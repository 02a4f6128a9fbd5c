package dev.k3sautoscaler.core.model;

/** A pod's summed container requests: what the scheduler needs to find free on one node. */
public record PodRequest(String namespace, String name, long cpuMillis, long memoryBytes) {
    public PodRequest {
        if (cpuMillis < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("requests cannot be negative: " + namespace + "/" + name);
        }
    }

    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
