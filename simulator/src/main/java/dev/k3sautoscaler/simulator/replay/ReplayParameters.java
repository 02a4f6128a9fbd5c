package dev.k3sautoscaler.simulator.replay;

import java.util.List;

/**
 * What Prometheus cannot tell about the cluster and the operator gives: the worker price (the
 * command line's WORKER_HOURLY_PRICE_USD), the region and its zones.
 */
public record ReplayParameters(double hourlyPriceUsd, String region, List<String> zones) {
    public static final String DEFAULT_REGION = "us-east-1";

    public ReplayParameters {
        if (!(hourlyPriceUsd >= 0) || Double.isInfinite(hourlyPriceUsd)) {
            throw new IllegalArgumentException("the worker's hourly price must be a number of dollars, 0 or more (got "
                    + hourlyPriceUsd + ")");
        }
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("the region must not be empty");
        }
        if (zones == null || zones.isEmpty() || zones.stream().anyMatch(zone -> zone == null || zone.isBlank())) {
            throw new IllegalArgumentException("at least one zone, none empty (got " + zones + ")");
        }
        zones = List.copyOf(zones);
    }

    /**
     * The price, with {@code region} (null: {@value #DEFAULT_REGION}) and {@code zones} (null or
     * empty: its zones a and b, as the bundled scenarios spread workers over two).
     */
    public static ReplayParameters of(double hourlyPriceUsd, String region, List<String> zones) {
        String inRegion = region == null || region.isBlank() ? DEFAULT_REGION : region;
        List<String> spread = zones == null || zones.isEmpty() ? List.of(inRegion + "a", inRegion + "b") : zones;
        return new ReplayParameters(hourlyPriceUsd, inRegion, spread);
    }
}
