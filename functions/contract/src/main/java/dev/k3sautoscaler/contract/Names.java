package dev.k3sautoscaler.contract;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one converter between the spellings of a name: a step's {@code DRAIN_NODE}, {@code DrainNode},
 * {@code drain-node}; a setting's enum constant {@code SEED_BASELINE} and its value {@code seed-baseline}.
 */
public final class Names {
    private Names() {
    }

    /** {@code DRAIN_NODE} → {@code DrainNode}. */
    public static String pascalFromConstant(String constant) {
        StringBuilder name = new StringBuilder();
        for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }

    /** {@code DrainNode} → {@code drain-node}. */
    public static String kebab(String pascal) {
        return pascal.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** {@code SEED_BASELINE} → {@code seed-baseline}: how an enum's constant is spelled in configuration. */
    public static String valueOf(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every configuration value of an enum, in declaration order. */
    public static <E extends Enum<E>> Set<String> values(Class<E> type) {
        Set<String> values = new LinkedHashSet<>();
        Arrays.stream(type.getEnumConstants()).forEach(constant -> values.add(valueOf(constant)));
        return values;
    }

    /** The constant a configuration value names (exactly as {@link #valueOf} spells it), if any. */
    public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(constant -> valueOf(constant).equals(value)).findFirst();
    }
}
