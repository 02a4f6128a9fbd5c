package dev.k3sautoscaler.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads typed values from an environment map and collects every problem instead of stopping at
 * the first. Each module's settings (table names, endpoints, thresholds) are read through one of
 * these, then {@link #throwIfInvalid()} reports all problems together.
 */
public final class EnvironmentReader {
    private final Map<String, String> environment;
    private final List<String> problems = new ArrayList<>();

    public EnvironmentReader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The raw value, or null when unset or blank. */
    public String raw(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String requiredString(String name, String expectedForm) {
        String value = raw(name);
        if (value == null) {
            problems.add(name + " is missing (expected " + expectedForm + ")");
        }
        return value;
    }

    /**
     * An optional endpoint override (tests and the simulator point a client at a local fake): null
     * when unset; a problem, not an exception, when it is not a URL with a scheme and a host.
     */
    public URI endpoint(String name, String example) {
        String value = raw(name);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the form expected
        }
        problems.add(name + "=" + value + " is not a URL like " + example);
        return null;
    }

    public String string(String name, String defaultValue) {
        String value = raw(name);
        return value == null ? defaultValue : value;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                problems.add(name + "=" + value + " is out of range (expected a whole number " + min + ".." + max + ")");
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + value + " is not a whole number (expected " + min + ".." + max + ")");
            return defaultValue;
        }
    }

    public double decimal(String name, double defaultValue, double minExclusive, double maxInclusive) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (!(parsed > minExclusive && parsed <= maxInclusive)) {
                problems.add(name + "=" + value + " is out of range (expected a number above "
                        + format(minExclusive) + " and at most " + format(maxInclusive) + ")");
                return defaultValue;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + value + " is not a number (expected above "
                    + format(minExclusive) + " and at most " + format(maxInclusive) + ")");
            return defaultValue;
        }
    }

    public String oneOf(String name, String defaultValue, Set<String> allowed) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        String normalized = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(normalized)) {
            problems.add(name + "=" + value + " is not one of " + allowed.stream().sorted().toList());
            return defaultValue;
        }
        return normalized;
    }

    public List<String> list(String name, List<String> defaultValue) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        return java.util.Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }

    /** Records a cross-field problem such as {@code CPU_DOWN=80 must be below CPU_UP=70}. */
    public void problem(String description) {
        problems.add(description);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }

    static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
