package dev.k3sautoscaler.fleet;

import java.time.Instant;

/**
 * An offering EC2 refused during this launch, for the state to skip until {@code until}
 * (now + OFFERING_UNAVAILABLE_SEC). {@code errorCode} is EC2's, e.g. {@code InsufficientInstanceCapacity}.
 */
public record FailedOffering(String instanceType, String availabilityZone, String capacityType, String errorCode,
                             Instant until) {

    static FailedOffering of(Offering offering, String errorCode, Instant until) {
        return new FailedOffering(offering.instanceType(), offering.availabilityZone(), offering.capacityType(),
                errorCode, until);
    }

    @Override
    public String toString() {
        return instanceType + "@" + availabilityZone + "/" + capacityType + " " + errorCode;
    }
}
