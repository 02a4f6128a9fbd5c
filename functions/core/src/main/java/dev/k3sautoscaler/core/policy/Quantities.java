package dev.k3sautoscaler.core.policy;

import java.util.Locale;

/** Renders resource amounts the way an operator reads them: "3.5 vCPU", "2.0 GiB", "72%". */
public final class Quantities {
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private Quantities() {
    }

    public static String vcpu(long millis) {
        return String.format(Locale.ROOT, "%.1f vCPU", millis / 1000.0);
    }

    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }

    public static String percent(double value) {
        return String.format(Locale.ROOT, "%.0f%%", value);
    }

    public static String plural(int count, String singular) {
        return count + " " + (count == 1 ? singular : singular + "s");
    }
}
