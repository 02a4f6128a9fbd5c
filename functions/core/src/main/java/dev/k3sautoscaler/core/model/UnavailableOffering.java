package dev.k3sautoscaler.core.model;

import java.time.Instant;

/** An instance type x AZ x capacity type that reported insufficient capacity; skipped until {@code until}. */
public record UnavailableOffering(String instanceType, String availabilityZone, String capacityType,
                                  Instant until, String reason) {
    public boolean isActive(Instant now) {
        return now.isBefore(until);
    }
}
