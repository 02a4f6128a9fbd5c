package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.core.fleet.LaunchOutcome;
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

    /** The refusal as the launch outcome's facts carry it. */
    LaunchOutcome.Refusal refusal() {
        return new LaunchOutcome.Refusal(instanceType + "@" + availabilityZone + "/" + capacityType, errorCode);
    }

    @Override
    public String toString() {
        return refusal().offering() + " " + errorCode;
    }
}
