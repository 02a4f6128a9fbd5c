package dev.k3sautoscaler.contract;

import java.util.List;
import java.util.Optional;

/** CAPACITY_TYPE: which EC2 markets a launch may use, in the order they are tried (the fleet, CDK and the simulator read it). */
public enum CapacityMode {
    ON_DEMAND(List.of(CapacityMode.ON_DEMAND_MARKET)),
    SPOT(List.of(CapacityMode.SPOT_MARKET)),
    /** Spot in every AZ and type first (cheapest); on-demand only when no spot offering is left. */
    SPOT_WITH_ON_DEMAND_FALLBACK(List.of(CapacityMode.SPOT_MARKET, CapacityMode.ON_DEMAND_MARKET));

    public static final String ON_DEMAND_MARKET = "on-demand";
    public static final String SPOT_MARKET = "spot";

    private final List<String> tiers;

    CapacityMode(List<String> tiers) {
        this.tiers = tiers;
    }

    /** Capacity types ({@code spot}, {@code on-demand}) in the order a launch tries them. */
    public List<String> tiers() {
        return tiers;
    }

    /** {@code spot-with-on-demand-fallback}: its value in CAPACITY_TYPE and the CDK props. */
    public String envValue() {
        return Names.valueOf(this);
    }

    public static Optional<CapacityMode> parse(String value) {
        return Names.parse(CapacityMode.class, value);
    }
}
