package dev.k3sautoscaler.core.words;

/**
 * A measured value and the threshold it was compared with. The relation is computed from the two
 * numbers, never written by hand, so a reason cannot say "above" for a value that was at it.
 */
public record Compared(double value, double threshold) {
    public enum Relation { ABOVE, AT, BELOW }

    public Relation relation() {
        int order = Double.compare(value, threshold);
        return order > 0 ? Relation.ABOVE : order == 0 ? Relation.AT : Relation.BELOW;
    }
}
