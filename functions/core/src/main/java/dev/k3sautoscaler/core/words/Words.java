package dev.k3sautoscaler.core.words;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The small grammar every reason renderer shares: counts with their nouns and verbs, amounts, and
 * a number against its threshold. One helper each, so "1 pods" or "75% above 75%" cannot be
 * written in one renderer and fixed in another.
 */
public final class Words {
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;
    /** CollectMetrics rounds percentages to 0.01: two decimals separate any two of its values. */
    private static final int MAX_DECIMALS = 2;
    private static final int ALL_DECIMALS = -1;

    private Words() {
    }

    /** "1 pod", "2 pods". */
    public static String plural(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }

    /**
     * A count, its noun and a verb that agrees: {@code agree(1, "pod", "needs")} is "1 pod needs",
     * {@code agree(2, "pod", "needs")} "2 pods need". The verb is given in its singular form.
     */
    public static String agree(long count, String noun, String singularVerb) {
        return plural(count, noun) + " " + verb(count, singularVerb);
    }

    /** The verb, given in its singular form, agreeing with a count said elsewhere in the sentence. */
    public static String verb(long count, String singularVerb) {
        return count == 1 ? singularVerb : pluralVerb(singularVerb);
    }

    private static String pluralVerb(String singular) {
        return switch (singular) {
            case "is" -> "are";
            case "was" -> "were";
            case "has" -> "have";
            case "goes" -> "go";
            case "does" -> "do";
            default -> singular.endsWith("s") ? singular.substring(0, singular.length() - 1) : singular;
        };
    }

    public static String vcpu(long millis) {
        return String.format(Locale.ROOT, "%.1f vCPU", millis / 1000.0);
    }

    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }

    /** A percentage as an operator reads it: "72%". */
    public static String percent(double value) {
        return String.format(Locale.ROOT, "%.0f%%", value);
    }

    /** "10 min" for whole minutes, otherwise "90 s". */
    public static String minutes(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? (seconds / 60) + " min" : seconds + " s";
    }

    /** Names, at most {@code limit} of them, comma-separated. */
    public static String names(List<String> names, int limit) {
        return String.join(", ", names.stream().limit(limit).toList());
    }

    /** The value of a comparison, in as many decimals as it takes to differ from its threshold when it does. */
    public static String value(Compared compared) {
        return percent(compared.value(), decimals(compared));
    }

    /** The threshold of a comparison, in the same decimals as its value. */
    public static String threshold(Compared compared) {
        return percent(compared.threshold(), decimals(compared));
    }

    /** "above", "at" or "below": the relation the numbers had when the policy compared them. */
    public static String relation(Compared compared) {
        return switch (compared.relation()) {
            case ABOVE -> "above";
            case AT -> "at";
            case BELOW -> "below";
        };
    }

    /** The fewest decimals that show a value apart from a threshold it is not at; every decimal when at it, or when none does. */
    private static int decimals(Compared compared) {
        if (compared.relation() == Compared.Relation.AT) {
            return ALL_DECIMALS;
        }
        for (int decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
            if (!percent(compared.value(), decimals).equals(percent(compared.threshold(), decimals))) {
                return decimals;
            }
        }
        return ALL_DECIMALS;
    }

    private static String percent(double value, int decimals) {
        if (decimals == ALL_DECIMALS) {
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + "%";
        }
        // Trailing zeros say nothing: "75.4% above 75%", not "75.4% above 75.0%".
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()
                + "%";
    }
}
