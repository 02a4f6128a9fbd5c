package dev.k3sautoscaler.core.model;

import java.time.Instant;

/** An instance the autoscaler launched that has not been confirmed Ready yet: capacity in flight. */
public record PendingLaunch(String instanceId, String instanceType, String availabilityZone, Instant launchedAt) {
}
