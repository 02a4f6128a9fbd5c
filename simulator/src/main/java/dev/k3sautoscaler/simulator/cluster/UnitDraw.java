package dev.k3sautoscaler.simulator.cluster;

/**
 * The first {@code nextDouble()} of a {@code SplittableRandom} seeded with a key (SplitMix64),
 * computed without building the generator: the usage jitter draws one per pod per minute, millions
 * in a large run, and recorded outcomes depend on these exact values (a test holds the two equal).
 */
final class UnitDraw {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private UnitDraw() {
    }

    /** A uniform value in [0, 1) determined by {@code key}. */
    static double of(long key) {
        long z = key + GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * DOUBLE_UNIT;
    }
}
