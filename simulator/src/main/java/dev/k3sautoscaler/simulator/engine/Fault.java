package dev.k3sautoscaler.simulator.engine;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A fault injected into a run, at a chosen point: the {@code occurrence}-th invocation of the
 * function {@code step}. Written {@code kind:step@occurrence}, e.g. {@code crash:launch-workers@1}.
 *
 * <ul>
 *   <li>{@code throw} — that invocation fails with the named error {@value #INJECTED_ERROR} and does nothing;</li>
 *   <li>{@code crash} — the function does its work (its side effect happens), then the invocation fails
 *       as a crashed Lambda ({@code Lambda.Unknown}) before returning its result;</li>
 *   <li>{@code duplicate-start} — the execution running that step is started a second time, same input
 *       (an EventBridge redelivery, an operator's double click);</li>
 *   <li>{@code capacity-error} — from then on, for {@link #WINDOW}, every offering answers InsufficientInstanceCapacity;</li>
 *   <li>{@code api-5xx} — from then on, for {@link #WINDOW}, the K3s API answers 503 to the autoscaler;</li>
 *   <li>{@code prometheus-outage} — from then on, for {@link #WINDOW}, Prometheus is unreachable;</li>
 *   <li>{@code slow} — that invocation hangs: its handler runs only at start + LOCK_TTL_SEC + one tick (past
 *       its lease and past any Lambda timeout), so its side effect lands late; then Step Functions sees the
 *       invocation fail with {@value #TIMED_OUT_ERROR} (or with the handler's own error, if it threw — a fencing
 *       check's {@code LockLost}) and the state's Retry/Catch apply. The execution waits meanwhile; others run;</li>
 *   <li>{@code lost-result} — from that invocation on, every attempt of the same Task state in the same
 *       execution runs the handler (its side effect happens) and then fails {@code Lambda.Unknown}, the result
 *       never returned, until the state is left (retries exhausted → Catch). Other executions are unaffected.</li>
 * </ul>
 */
public record Fault(Kind kind, String step, int occurrence) {
    public static final String INJECTED_ERROR = "Simulator.InjectedFault";
    /** What the Lambda runtime reports when a function runs past its timeout. */
    public static final String TIMED_OUT_ERROR = "Sandbox.Timedout";
    /** How long a window fault lasts: longer than a join loop's polls, shorter than the run. */
    public static final Duration WINDOW = Duration.ofMinutes(8);
    private static final Pattern FORMAT = Pattern.compile("([a-z0-9-]+):([a-z-]+)(?:@(\\d+))?");

    public enum Kind {
        THROW, CRASH, DUPLICATE_START, CAPACITY_ERROR, API_5XX, PROMETHEUS_OUTAGE, SLOW, LOST_RESULT;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind of(String label) {
            for (Kind kind : values()) {
                if (kind.label().equals(label)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown fault kind '" + label + "' (known: "
                    + Arrays.stream(values()).map(Kind::label).collect(Collectors.joining(", ")) + ")");
        }

        /** Faults that open a window of bad weather rather than fail one call. */
        boolean isWindow() {
            return this == CAPACITY_ERROR || this == API_5XX || this == PROMETHEUS_OUTAGE;
        }
    }

    public Fault {
        if (occurrence < 1) {
            throw new IllegalArgumentException("occurrence counts from 1: " + occurrence);
        }
    }

    /** Parses {@code kind:step[@occurrence]}; the occurrence defaults to 1. */
    public static Fault parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expected kind:step[@n], e.g. crash:launch-workers@1, found '" + text + "'");
        }
        int occurrence = matcher.group(3) == null ? 1 : Integer.parseInt(matcher.group(3));
        return new Fault(Kind.of(matcher.group(1)), matcher.group(2), occurrence);
    }

    @Override
    public String toString() {
        return kind.label() + ":" + step + "@" + occurrence;
    }
}
