package dev.k3sautoscaler.simulator.replay;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One series of a range query over a {@link ReplayRange}: its labels, and its value at each point
 * of the range ({@code NaN} where it has none).
 */
public record Series(Map<String, String> labels, double[] values) {

    public Series {
        labels = Map.copyOf(labels);
        values = values.clone();
    }

    public String label(String name) {
        return labels.getOrDefault(name, "");
    }

    public boolean has(int index) {
        return !Double.isNaN(values[index]);
    }

    public double value(int index) {
        return values[index];
    }

    /** The indexes of the points with a value. */
    public IntStream present() {
        return IntStream.range(0, values.length).filter(this::has);
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Series that && labels.equals(that.labels) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return 31 * labels.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Series" + labels + Arrays.toString(values);
    }
}
