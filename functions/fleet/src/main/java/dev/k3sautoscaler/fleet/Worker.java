package dev.k3sautoscaler.fleet;

import java.time.Instant;

/** A managed worker as DescribeWorkers reports it. {@code capacityType}: {@code on-demand} or {@code spot}. */
public record Worker(String instanceId, String instanceType, String availabilityZone, String capacityType,
                     Instant launchTime, String state) {
}
