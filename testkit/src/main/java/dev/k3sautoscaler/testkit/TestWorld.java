package dev.k3sautoscaler.testkit;

import java.time.Instant;

/**
 * The when and where every suite's fake world shares, so two rigs never describe the same world
 * twice: the instant their virtual clocks start at and the zones of their one region.
 */
public final class TestWorld {
    /** A Monday morning: the virtual clocks of the suites start here. */
    public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    public static final String REGION = "eu-west-1";
    public static final String AZ_A = REGION + "a";
    public static final String AZ_B = REGION + "b";
    public static final String AZ_C = REGION + "c";

    private TestWorld() {
    }
}
