package dev.k3sautoscaler.fleet;

import java.time.Instant;

/** One instance LaunchWorkers started (or found already started by the same execution). */
public record LaunchedWorker(String instanceId, String instanceType, String availabilityZone, String capacityType,
                             Instant launchedAt) {
}
