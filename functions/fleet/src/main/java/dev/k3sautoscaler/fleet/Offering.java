package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.contract.CapacityMode;
import dev.k3sautoscaler.core.model.UnavailableOffering;

/** One thing EC2 can run out of: an instance type in an AZ (through its subnet) on a market. */
public record Offering(String instanceType, String availabilityZone, String subnetId, String capacityType) {

    public boolean sameAs(UnavailableOffering other) {
        return instanceType.equals(other.instanceType()) && availabilityZone.equals(other.availabilityZone())
               && capacityType.equals(other.capacityType());
    }

    public boolean isSpot() {
        return CapacityMode.SPOT_MARKET.equals(capacityType);
    }

    /** {@code t3.small@eu-west-1a/spot}: short enough for a console line. */
    @Override
    public String toString() {
        return instanceType + "@" + availabilityZone + "/" + capacityType;
    }
}
