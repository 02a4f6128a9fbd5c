package dev.k3sautoscaler.fleet;

import java.util.List;

/** @param workers this cluster's managed instances that are pending, running, stopping or stopped, oldest first */
public record DescribeWorkersOutput(List<Worker> workers, String reason) {
}
