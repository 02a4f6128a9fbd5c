package dev.k3sautoscaler.core.policy;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a scale-down may start: {@code SCALE_DOWN_WINDOWS}, read in the time zone
 * {@code SCALE_DOWN_TIMEZONE} (an IANA zone id such as {@code Europe/Berlin}; default {@code UTC}).
 *
 * <p>Syntax:
 * <ul>
 *   <li>empty, blank or {@code always}: always open (the default);</li>
 *   <li>otherwise one or more windows separated by {@code ;}, each {@code <days> <HH:MM>-<HH:MM>},
 *       e.g. {@code Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00};</li>
 *   <li>{@code <days>}: {@code daily}, or a comma-separated list of days ({@code Mon Tue Wed Thu Fri Sat
 *       Sun}, any case) and day ranges, e.g. {@code Mon-Fri}, {@code Sat,Sun}, {@code Mon,Wed-Fri};
 *       a range may wrap ({@code Fri-Mon});</li>
 *   <li>times 00:00..23:59, and {@code 24:00} only as an end. An end before the start wraps past
 *       midnight and belongs to the start day: {@code Mon-Fri 19:00-07:00} is open Monday 19:00 to
 *       Tuesday 07:00, ..., Friday 19:00 to Saturday 07:00, but not Monday 00:00-07:00;</li>
 *   <li>{@code never} is not accepted: the windows only say when a scale-down may start.</li>
 * </ul>
 *
 * <p>A window is open while the wall clock of the zone reads a time inside it, on one of its days.
 * Across daylight-saving changes that means: a window inside the skipped hour is shorter or absent
 * that day, and a wall-clock time that happens twice (fall-back) is open both times.
 *
 * <p>Two instances are equal when they have the same zone and the same windows, in any order.
 */
public final class DisruptionWindows {
    public static final String SPEC_VARIABLE = "SCALE_DOWN_WINDOWS";
    public static final String ZONE_VARIABLE = "SCALE_DOWN_TIMEZONE";

    private static final String ALWAYS = "always";
    private static final String FORM = "expected <days> <HH:MM>-<HH:MM>, e.g. Mon-Fri 19:00-07:00";
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})");
    private static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");
    private static final int DAY_MINUTES = 24 * 60;
    // Every week has an opening and, unless the windows cover the whole week, a closing; two weeks
    // leave room for a daylight-saving change swallowing one.
    private static final Duration HORIZON = Duration.ofDays(15);

    private final List<Window> windows;
    private final ZoneId zone;
    private final String spec;

    private DisruptionWindows(List<Window> windows, ZoneId zone) {
        this.windows = List.copyOf(windows);
        this.zone = zone;
        this.spec = windows.isEmpty()
                ? ALWAYS
                : String.join("; ", windows.stream().map(Window::toString).toList());
    }

    /** Always open, in UTC. */
    public static DisruptionWindows always() {
        return new DisruptionWindows(List.of(), DEFAULT_ZONE);
    }

    /**
     * Parses {@code SCALE_DOWN_WINDOWS} and {@code SCALE_DOWN_TIMEZONE}; {@code null} or blank means the
     * default ({@code always}, {@code UTC}).
     *
     * @throws IllegalArgumentException listing every problem that {@link #problems} finds
     */
    public static DisruptionWindows parse(String spec, String zoneId) {
        Parsed parsed = parseCollecting(spec, zoneId);
        if (!parsed.problems().isEmpty()) {
            List<String> problems = parsed.problems();
            throw new IllegalArgumentException(problems.size() == 1
                    ? problems.getFirst()
                    : problems.size() + " problems:\n  - " + String.join("\n  - ", problems));
        }
        return new DisruptionWindows(parsed.windows(), parsed.zone());
    }

    /** Every problem with the two settings, each naming the offending part; empty when they are valid. */
    public static List<String> problems(String spec, String zoneId) {
        return parseCollecting(spec, zoneId).problems();
    }

    /** Whether a scale-down may start at {@code now}. */
    public boolean isOpen(Instant now) {
        if (windows.isEmpty()) {
            return true;
        }
        LocalDateTime local = LocalDateTime.ofInstant(now, zone);
        for (Window window : windows) {
            if (window.contains(local)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The earliest instant at or after {@code now} at which a scale-down may start: {@code now} itself
     * when open, otherwise the instant the next window opens. Empty only when no window opens within
     * two weeks, which a valid spec does only in a zone with unusual clock changes.
     */
    public Optional<Instant> nextOpening(Instant now) {
        return isOpen(now) ? Optional.of(now) : nextChange(now);
    }

    /**
     * When open, the instant the current window ends (the first instant that is closed). Empty when
     * closed, and when it never closes ({@code always}, or windows covering the whole week).
     */
    public Optional<Instant> closesAt(Instant now) {
        return windows.isEmpty() || !isOpen(now) ? Optional.empty() : nextChange(now);
    }

    public boolean alwaysOpen() {
        return windows.isEmpty();
    }

    /** The windows in normalised form, e.g. {@code Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00}, or {@code always}. */
    public String spec() {
        return spec;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DisruptionWindows that
                && zone.equals(that.zone)
                && Set.copyOf(windows).equals(Set.copyOf(that.windows));
    }

    @Override
    public int hashCode() {
        return Objects.hash(zone, Set.copyOf(windows));
    }

    @Override
    public String toString() {
        return "DisruptionWindows[" + spec + " in " + zone + "]";
    }

    /**
     * The first instant after {@code now} at which {@link #isOpen} differs from its value at
     * {@code now}. Openness only changes where the wall clock reaches a window boundary or jumps (an
     * offset transition), so those instants are the only candidates.
     */
    private Optional<Instant> nextChange(Instant now) {
        boolean openNow = isOpen(now);
        Instant limit = now.plus(HORIZON);
        ZoneRules rules = zone.getRules();
        TreeSet<Instant> candidates = new TreeSet<>();
        Set<LocalTime> boundaries = new TreeSet<>();
        for (Window window : windows) {
            boundaries.add(window.startTime());
            boundaries.add(window.endTime());
        }
        LocalDate first = LocalDate.ofInstant(now, zone).minusDays(1);
        LocalDate last = LocalDate.ofInstant(limit, zone).plusDays(1);
        for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
            for (LocalTime time : boundaries) {
                // Twice in a fall-back overlap; a time skipped by a spring-forward is passed at the
                // transition, added below.
                LocalDateTime local = date.atTime(time);
                for (ZoneOffset offset : rules.getValidOffsets(local)) {
                    candidates.add(local.toInstant(offset));
                }
            }
        }
        for (ZoneOffsetTransition transition = rules.nextTransition(now);
             transition != null && transition.getInstant().isBefore(limit);
             transition = rules.nextTransition(transition.getInstant())) {
            candidates.add(transition.getInstant());
        }
        for (Instant candidate : candidates.tailSet(now, false)) {
            if (candidate.isAfter(limit)) {
                break;
            }
            if (isOpen(candidate) != openNow) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private record Parsed(List<Window> windows, ZoneId zone, List<String> problems) {
    }

    private static Parsed parseCollecting(String spec, String zoneId) {
        List<String> problems = new ArrayList<>();
        ZoneId zone = DEFAULT_ZONE;
        String zoneText = zoneId == null ? "" : zoneId.strip();
        if (!zoneText.isEmpty()) {
            try {
                zone = ZoneId.of(zoneText);
            } catch (DateTimeException e) {
                problems.add(ZONE_VARIABLE + ": \"" + zoneText + "\" is not a time zone"
                        + " (expected an IANA zone id such as Europe/Berlin, or UTC)");
            }
        }
        List<Window> windows = new ArrayList<>();
        String text = spec == null ? "" : spec.strip();
        if (!text.isEmpty() && !text.equalsIgnoreCase(ALWAYS)) {
            if (text.replace(";", "").isBlank()) {
                problems.add(SPEC_VARIABLE + ": \"" + text + "\": no window (" + FORM + ")");
            }
            for (String raw : text.split(";")) {
                String part = raw.strip();
                if (!part.isEmpty()) { // a stray or trailing ';' between windows is harmless
                    parseWindow(part, problems).ifPresent(windows::add);
                }
            }
        }
        return new Parsed(windows, zone, List.copyOf(problems));
    }

    private static Optional<Window> parseWindow(String part, List<String> problems) {
        String prefix = SPEC_VARIABLE + ": \"" + part + "\": ";
        if (part.equalsIgnoreCase("never")) {
            problems.add(prefix + "\"never\" is not accepted; the windows only say when a scale-down may start"
                    + " (to stop scale-down, pause the autoscaler or raise MIN_WORKERS)");
            return Optional.empty();
        }
        if (part.equalsIgnoreCase(ALWAYS)) {
            problems.add(prefix + "\"always\" cannot be combined with windows");
            return Optional.empty();
        }
        // Tolerate blanks around '-' and ',' so "Mon - Fri 19:00 - 07:00" reads as meant.
        String[] tokens = part.replaceAll("\\s*([-,])\\s*", "$1").split("\\s+");
        if (tokens.length == 1) {
            problems.add(prefix + (tokens[0].contains(":") ? "missing days (" : "missing time range (") + FORM + ")");
            return Optional.empty();
        }
        if (tokens.length != 2 || tokens[0].contains(":")) {
            problems.add(prefix + FORM);
            return Optional.empty();
        }
        int before = problems.size();
        Set<DayOfWeek> days = parseDays(tokens[0], prefix, problems);
        int[] range = parseRange(tokens[1], prefix, problems);
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Window(days, range[0], range[1]));
    }

    private static Set<DayOfWeek> parseDays(String token, String prefix, List<String> problems) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (token.equalsIgnoreCase("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        for (String item : token.split(",", -1)) {
            if (item.equalsIgnoreCase("daily")) {
                problems.add(prefix + "\"daily\" cannot be combined with other days");
                continue;
            }
            String[] ends = item.split("-", -1);
            if (item.isEmpty() || ends.length > 2) {
                problems.add(prefix + "bad day list \"" + token + "\" (expected e.g. Mon-Fri, Sat,Sun or daily)");
                continue;
            }
            DayOfWeek from = day(ends[0], prefix, problems);
            DayOfWeek to = ends.length == 2 ? day(ends[1], prefix, problems) : from;
            if (from != null && to != null) {
                for (DayOfWeek day = from; ; day = day.plus(1)) {
                    days.add(day);
                    if (day == to) {
                        break;
                    }
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String name, String prefix, List<String> problems) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (abbreviation(day).equalsIgnoreCase(name)) {
                return day;
            }
        }
        problems.add(prefix + "unknown day \"" + name + "\" (expected Mon Tue Wed Thu Fri Sat Sun, or daily)");
        return null;
    }

    /** Start and end in minutes of the day; the end may be 1440 (24:00). */
    private static int[] parseRange(String token, String prefix, List<String> problems) {
        String[] ends = token.split("-", -1);
        if (ends.length != 2) {
            problems.add(prefix + "bad time range \"" + token + "\" (expected <HH:MM>-<HH:MM>, e.g. 19:00-07:00)");
            return new int[2];
        }
        int before = problems.size();
        int start = minutes(ends[0], false, prefix, problems);
        int end = minutes(ends[1], true, prefix, problems);
        if (problems.size() == before && start == end) {
            problems.add(prefix + "empty window; use 00:00-24:00 for a whole day");
        }
        return new int[] {start, end};
    }

    private static int minutes(String text, boolean isEnd, String prefix, List<String> problems) {
        Matcher matcher = TIME.matcher(text);
        if (matcher.matches()) {
            int hours = Integer.parseInt(matcher.group(1));
            int minutes = Integer.parseInt(matcher.group(2));
            if (hours == 24 && minutes == 0) {
                if (isEnd) {
                    return DAY_MINUTES;
                }
                problems.add(prefix + "24:00 is only allowed as an end");
                return 0;
            }
            if (hours < 24 && minutes < 60) {
                return hours * 60 + minutes;
            }
        }
        problems.add(prefix + "bad time \"" + text + "\" (expected HH:MM from 00:00 to 23:59, or 24:00 as an end)");
        return 0;
    }

    private static String abbreviation(DayOfWeek day) {
        String name = day.name();
        return name.charAt(0) + name.substring(1, 3).toLowerCase(Locale.ROOT);
    }

    /**
     * One window: open from {@code start} on each of {@code days} until {@code end} (minutes of the
     * day), on the next day when {@code end <= start}; {@code end == 1440} is midnight.
     */
    private record Window(Set<DayOfWeek> days, int start, int end) {
        Window {
            days = Set.copyOf(days);
        }

        boolean wraps() {
            return end < start;
        }

        LocalTime startTime() {
            return LocalTime.ofSecondOfDay(start * 60L);
        }

        LocalTime endTime() {
            return LocalTime.ofSecondOfDay((end % DAY_MINUTES) * 60L);
        }

        boolean contains(LocalDateTime local) {
            long nanos = local.toLocalTime().toNanoOfDay();
            long startNanos = start * 60_000_000_000L;
            long endNanos = end * 60_000_000_000L;
            DayOfWeek today = local.getDayOfWeek();
            if (wraps()) {
                return days.contains(today) && nanos >= startNanos
                        || days.contains(today.minus(1)) && nanos < endNanos;
            }
            return days.contains(today) && nanos >= startNanos && nanos < endNanos;
        }

        @Override
        public String toString() {
            return daysText() + " " + clock(start) + "-" + clock(end);
        }

        /** Runs of three or more days as ranges, shorter runs as lists, starting after a gap in the week. */
        private String daysText() {
            if (days.size() == 7) {
                return "daily";
            }
            DayOfWeek first = DayOfWeek.MONDAY;
            while (!days.contains(first) || days.contains(first.minus(1))) {
                first = first.plus(1);
            }
            List<String> items = new ArrayList<>();
            DayOfWeek day = first;
            for (int seen = 0; seen < 7; ) {
                if (!days.contains(day)) {
                    day = day.plus(1);
                    seen++;
                    continue;
                }
                DayOfWeek runStart = day;
                int length = 0;
                while (seen < 7 && days.contains(day)) {
                    length++;
                    day = day.plus(1);
                    seen++;
                }
                DayOfWeek runEnd = runStart.plus(length - 1);
                if (length >= 3) {
                    items.add(abbreviation(runStart) + "-" + abbreviation(runEnd));
                } else {
                    items.add(abbreviation(runStart));
                    if (length == 2) {
                        items.add(abbreviation(runEnd));
                    }
                }
            }
            return String.join(",", items);
        }

        private static String clock(int minutes) {
            return String.format(Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
        }
    }
}
