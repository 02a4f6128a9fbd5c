package dev.k3sautoscaler.testkit.prometheus;

import dev.k3sautoscaler.testkit.prometheus.OpenMetrics.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashSet;
import java.util.Set;

/**
 * Streams OpenMetrics text with timestamps to a {@link Writer}, one family at a time and one series
 * at a time, so a history far larger than memory can be written. The format's ordering rules are
 * enforced, not assumed: a family appears once, a series once within its family with all its
 * samples together, a series' timestamps strictly increase, and {@code # EOF} ends the text. A
 * writer that broke one throws at once, before the backfill would drop or reject samples.
 *
 * <pre>{@code
 * OpenMetricsWriter out = new OpenMetricsWriter(writer);
 * out.gauge("kube_node_info");
 * out.series(Labels.of("node", "w1"));
 * out.sample(epochMillis, 1);
 * out.end();
 * }</pre>
 */
public final class OpenMetricsWriter {
    private final Writer out;
    private final Set<String> families = new HashSet<>();
    /** The current family's series so far: a series seen again would be interleaved. */
    private final Set<String> seriesOfFamily = new HashSet<>();
    private final StringBuilder line = new StringBuilder(256);
    private String sampleName;
    private String prefix;
    private long lastMillis;
    private boolean ended;

    public OpenMetricsWriter(Writer out) {
        this.out = out;
    }

    /** Starts a gauge family; its samples are written under {@code name}. */
    public OpenMetricsWriter gauge(String name) {
        return family(name, "gauge", name);
    }

    /** Starts a counter family; {@code name} is given without {@code _total}, samples are written as {@code name_total}. */
    public OpenMetricsWriter counter(String name) {
        return family(name, "counter", counterSamples(name));
    }

    /** The name a counter's samples carry; the family's own name must not end in {@code _total} already. */
    static String counterSamples(String family) {
        if (family.endsWith("_total")) {
            throw new IllegalArgumentException("give the counter family name without _total: " + family);
        }
        return family + "_total";
    }

    /** Starts a series of the current family; its samples follow. */
    public OpenMetricsWriter series(Labels labels) {
        return series(labels.render());
    }

    /** The same, with labels already rendered by {@link Labels}. */
    OpenMetricsWriter series(String renderedLabels) {
        if (sampleName == null) {
            throw new IllegalStateException("a series needs a family first");
        }
        if (!seriesOfFamily.add(renderedLabels)) {
            throw new IllegalStateException("series " + sampleName + renderedLabels + " was already written: its samples must be together");
        }
        prefix = sampleName + renderedLabels + ' ';
        lastMillis = Long.MIN_VALUE;
        return this;
    }

    /** A sample of the current series at {@code epochMillis}, later than its previous one. */
    public OpenMetricsWriter sample(long epochMillis, double value) {
        if (prefix == null) {
            throw new IllegalStateException("a sample needs a series first");
        }
        if (epochMillis <= lastMillis) {
            throw new IllegalStateException("samples of " + prefix.strip() + " go back in time at " + epochMillis
                    + " ms (previous " + lastMillis + " ms)");
        }
        lastMillis = epochMillis;
        line.setLength(0);
        line.append(prefix).append(value(value)).append(' ');
        seconds(line, epochMillis).append('\n');
        return write(line);
    }

    /** Ends the text with {@code # EOF}; nothing can follow. */
    public void end() {
        write("# EOF\n");
        ended = true;
        flush();
    }

    private OpenMetricsWriter family(String name, String type, String samples) {
        if (!families.add(name)) {
            throw new IllegalStateException("family " + name + " was already written: a family appears once");
        }
        seriesOfFamily.clear();
        sampleName = samples;
        prefix = null;
        return write("# TYPE " + name + ' ' + type + '\n');
    }

    private OpenMetricsWriter write(CharSequence text) {
        if (ended) {
            throw new IllegalStateException("nothing can follow # EOF");
        }
        try {
            out.append(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value as Prometheus reads it back: integers without a fraction, NaN and ±Inf spelled out. */
    static String value(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** Seconds with milliseconds ({@code 1772452800.000}), without a format string: millions of lines go through here. */
    private static StringBuilder seconds(StringBuilder to, long epochMillis) {
        long millis = Math.floorMod(epochMillis, 1000L);
        to.append(Math.floorDiv(epochMillis, 1000L)).append('.');
        if (millis < 100) {
            to.append('0');
        }
        if (millis < 10) {
            to.append('0');
        }
        return to.append(millis);
    }
}
