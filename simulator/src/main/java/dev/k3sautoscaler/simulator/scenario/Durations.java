package dev.k3sautoscaler.simulator.scenario;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scenario times: {@code 90s}, {@code 5m}, {@code 24h}, {@code 1h30m}, or a bare number of seconds. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private Durations() {
    }

    /** The duration, or null when the text is not in one of the accepted forms. */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        if (trimmed.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        Matcher matcher = FORM.matcher(trimmed);
        if (trimmed.isEmpty() || !matcher.matches()) {
            return null;
        }
        return Duration.ofHours(group(matcher, 1)).plusMinutes(group(matcher, 2)).plusSeconds(group(matcher, 3));
    }

    /** The shortest of the accepted forms, for summaries and round trips: {@code 1h30m}, {@code 45s}, {@code 0s}. */
    public static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        if (seconds < 0) {
            text.append('-');
            seconds = -seconds;
        }
        if (seconds >= 3600) {
            text.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            text.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 > 0) {
            text.append(seconds % 60).append('s');
        }
        return text.toString();
    }

    private static long group(Matcher matcher, int index) {
        String value = matcher.group(index);
        return value == null ? 0 : Long.parseLong(value);
    }
}
