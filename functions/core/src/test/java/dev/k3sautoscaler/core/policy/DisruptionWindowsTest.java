package dev.k3sautoscaler.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DisruptionWindowsTest {
    private static final String NIGHTS = "Mon-Fri 19:00-07:00";
    private static final String NIGHTS_AND_WEEKENDS = "Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00";

    // The week of Monday 2026-03-02 .. Sunday 2026-03-08, in UTC.
    @ParameterizedTest(name = "{0} at {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fri 19:00-07:00                      | 2026-03-04T20:00    | true
            Mon-Fri 19:00-07:00                      | 2026-03-04T12:00    | false
            Mon-Fri 19:00-07:00                      | 2026-03-04T18:59:59 | false
            Mon-Fri 19:00-07:00                      | 2026-03-04T19:00    | true
            Mon-Fri 19:00-07:00                      | 2026-03-05T06:59:59 | true
            Mon-Fri 19:00-07:00                      | 2026-03-07T06:59    | true
            Mon-Fri 19:00-07:00                      | 2026-03-07T07:00    | false
            Mon-Fri 19:00-07:00                      | 2026-03-07T20:00    | false
            Mon-Fri 19:00-07:00                      | 2026-03-02T05:00    | false
            Mon-Fri 19:00-07:00                      | 2026-03-03T05:00    | true
            mon-FRI 19:00-07:00                      | 2026-03-04T20:00    | true
            Sat,Sun 00:00-24:00                      | 2026-03-07T00:00    | true
            Sat,Sun 00:00-24:00                      | 2026-03-08T23:59:59 | true
            Sat,Sun 00:00-24:00                      | 2026-03-09T00:00    | false
            Sat,Sun 00:00-24:00                      | 2026-03-06T23:59    | false
            daily 01:00-05:00                        | 2026-03-04T03:00    | true
            daily 01:00-05:00                        | 2026-03-04T05:00    | false
            daily 01:00-05:00                        | 2026-03-08T01:00    | true
            daily 22:00-02:00                        | 2026-03-02T01:00    | true
            daily 22:00-02:00                        | 2026-03-02T21:59    | false
            Fri-Mon 22:00-06:00                      | 2026-03-08T23:00    | true
            Fri-Mon 22:00-06:00                      | 2026-03-03T01:00    | true
            Fri-Mon 22:00-06:00                      | 2026-03-03T23:00    | false
            Fri-Mon 22:00-06:00                      | 2026-03-04T01:00    | false
            Fri-Mon 22:00-06:00                      | 2026-03-06T01:00    | false
            Fri-Mon 22:00-06:00                      | 2026-03-07T01:00    | true
            Mon,Wed-Fri 12:00-13:00                  | 2026-03-02T12:30    | true
            Mon,Wed-Fri 12:00-13:00                  | 2026-03-03T12:30    | false
            Mon,Wed-Fri 12:00-13:00                  | 2026-03-04T12:30    | true
            Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00 | 2026-03-07T12:00    | true
            Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00 | 2026-03-04T20:00    | true
            Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00 | 2026-03-04T12:00    | false
            Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00 | 2026-03-02T05:00    | false
            Mon 01:00-02:00; Tue 03:00-04:00         | 2026-03-02T01:30    | true
            Mon 01:00-02:00; Tue 03:00-04:00         | 2026-03-03T03:30    | true
            Mon 01:00-02:00; Tue 03:00-04:00         | 2026-03-03T01:30    | false
            """)
    void isOpen_followsTheWindowsInLocalTime(String spec, String localTime, boolean expected) {
        DisruptionWindows windows = DisruptionWindows.parse(spec, "UTC");

        assertEquals(expected, windows.isOpen(at(localTime, "UTC")));
    }

    @ParameterizedTest(name = "{0} in {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fri 19:00-07:00 | Europe/Berlin    | true
            Mon-Fri 19:00-07:00 | UTC              | false
            Mon-Fri 19:00-07:00 | America/New_York | false
            Mon-Fri 19:00-07:00 | Asia/Tokyo       | true
            """)
    void isOpen_readsTheWallClockOfTheZone(String spec, String zone, boolean expected) {
        // Wednesday 18:30 UTC: 19:30 in Berlin, 13:30 in New York, Thursday 03:30 in Tokyo.
        Instant instant = Instant.parse("2026-03-04T18:30:00Z");

        assertEquals(expected, DisruptionWindows.parse(spec, zone).isOpen(instant));
    }

    @Test
    void springForward_aWindowInsideTheSkippedHourIsAbsentThatDay() {
        // Berlin, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
        DisruptionWindows windows = DisruptionWindows.parse("daily 02:00-03:00", "Europe/Berlin");

        assertTrue(windows.isOpen(Instant.parse("2026-03-28T01:30:00Z")), "Saturday 02:30 CET");
        assertFalse(windows.isOpen(Instant.parse("2026-03-29T00:59:59Z")), "01:59:59 CET");
        assertFalse(windows.isOpen(Instant.parse("2026-03-29T01:00:00Z")), "03:00 CEST");
        assertEquals(Optional.of(Instant.parse("2026-03-30T00:00:00Z")),
                windows.nextOpening(Instant.parse("2026-03-29T00:30:00Z")), "Monday 02:00 CEST");
    }

    @Test
    void springForward_aWindowReachingIntoTheSkippedHourIsShorter() {
        DisruptionWindows windows = DisruptionWindows.parse("daily 02:30-04:00", "Europe/Berlin");
        Instant jump = Instant.parse("2026-03-29T01:00:00Z");

        assertEquals(Optional.of(jump), windows.nextOpening(Instant.parse("2026-03-29T00:30:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-03-29T02:00:00Z")), windows.closesAt(jump), "04:00 CEST");
    }

    @Test
    void fallBack_theRepeatedHourIsOpenBothTimes() {
        // Berlin, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC, so 02:30 happens twice.
        DisruptionWindows windows = DisruptionWindows.parse("daily 02:00-03:00", "Europe/Berlin");

        assertFalse(windows.isOpen(Instant.parse("2026-10-24T23:59:00Z")), "01:59 CEST");
        assertTrue(windows.isOpen(Instant.parse("2026-10-25T00:30:00Z")), "first 02:30 (CEST)");
        assertTrue(windows.isOpen(Instant.parse("2026-10-25T01:30:00Z")), "second 02:30 (CET)");
        assertEquals(Optional.of(Instant.parse("2026-10-25T00:00:00Z")),
                windows.nextOpening(Instant.parse("2026-10-24T23:30:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-10-25T02:00:00Z")),
                windows.closesAt(Instant.parse("2026-10-25T00:30:00Z")), "03:00 CET, two hours after opening");
    }

    @Test
    void fallBack_aWindowEndingInTheRepeatedHourOpensAgainWhenTheClockGoesBack() {
        DisruptionWindows windows = DisruptionWindows.parse("daily 01:00-02:30", "Europe/Berlin");

        assertEquals(Optional.of(Instant.parse("2026-10-25T00:30:00Z")),
                windows.closesAt(Instant.parse("2026-10-24T23:30:00Z")), "first 02:30 (CEST)");
        assertFalse(windows.isOpen(Instant.parse("2026-10-25T00:45:00Z")), "02:45 CEST");
        assertEquals(Optional.of(Instant.parse("2026-10-25T01:00:00Z")),
                windows.nextOpening(Instant.parse("2026-10-25T00:45:00Z")), "02:00 CET");
        assertEquals(Optional.of(Instant.parse("2026-10-25T01:30:00Z")),
                windows.closesAt(Instant.parse("2026-10-25T01:00:00Z")), "second 02:30 (CET)");
    }

    @ParameterizedTest(name = "{0} in {1}: closed at {2}, opens {3}")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fri 19:00-07:00 | UTC           | 2026-03-07T07:00:00Z | 2026-03-09T19:00:00Z
            Mon-Fri 19:00-07:00 | UTC           | 2026-03-09T05:00:00Z | 2026-03-09T19:00:00Z
            Mon-Fri 19:00-07:00 | UTC           | 2026-03-04T12:34:56Z | 2026-03-04T19:00:00Z
            Sat,Sun 00:00-24:00 | UTC           | 2026-03-02T00:00:00Z | 2026-03-07T00:00:00Z
            Mon-Fri 19:00-07:00 | Europe/Berlin | 2026-03-27T12:00:00Z | 2026-03-27T18:00:00Z
            Mon-Fri 19:00-07:00 | Europe/Berlin | 2026-03-28T12:00:00Z | 2026-03-30T17:00:00Z
            Mon-Fri 19:00-07:00 | Europe/Berlin | 2026-10-24T12:00:00Z | 2026-10-26T18:00:00Z
            """)
    void nextOpening_whenClosed_isTheInstantTheNextWindowOpens(String spec, String zone, String now,
                                                               String expected) {
        DisruptionWindows windows = DisruptionWindows.parse(spec, zone);
        Instant instant = Instant.parse(now);

        assertFalse(windows.isOpen(instant));
        assertEquals(Optional.of(Instant.parse(expected)), windows.nextOpening(instant));
        assertEquals(Optional.empty(), windows.closesAt(instant), "closed: nothing to close");
    }

    @ParameterizedTest(name = "{0} in {1}: open at {2}, closes {3}")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fri 19:00-07:00                      | UTC           | 2026-03-06T23:00:00Z | 2026-03-07T07:00:00Z
            Mon-Fri 19:00-07:00                      | UTC           | 2026-03-02T19:00:00Z | 2026-03-03T07:00:00Z
            Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00 | UTC           | 2026-03-06T20:00:00Z | 2026-03-09T00:00:00Z
            Mon-Fri 19:00-07:00                      | Europe/Berlin | 2026-03-27T20:00:00Z | 2026-03-28T06:00:00Z
            Sat,Sun 00:00-24:00                      | Europe/Berlin | 2026-03-28T12:00:00Z | 2026-03-29T22:00:00Z
            Sat,Sun 00:00-24:00                      | Europe/Berlin | 2026-10-24T12:00:00Z | 2026-10-25T23:00:00Z
            """)
    void closesAt_whenOpen_isTheInstantTheWindowEnds(String spec, String zone, String now, String expected) {
        DisruptionWindows windows = DisruptionWindows.parse(spec, zone);
        Instant instant = Instant.parse(now);

        assertTrue(windows.isOpen(instant));
        assertEquals(Optional.of(Instant.parse(expected)), windows.closesAt(instant));
        assertEquals(Optional.of(instant), windows.nextOpening(instant), "open: a scale-down may start now");
    }

    @Test
    void alwaysOpen_neverClosesAndOpensNow() {
        Instant now = Instant.parse("2026-03-04T12:00:00Z");

        for (DisruptionWindows windows : List.of(DisruptionWindows.always(),
                DisruptionWindows.parse("daily 00:00-24:00", "Europe/Berlin"))) {
            assertTrue(windows.isOpen(now), windows.toString());
            assertEquals(Optional.of(now), windows.nextOpening(now), windows.toString());
            assertEquals(Optional.empty(), windows.closesAt(now), windows.toString());
        }
        assertTrue(DisruptionWindows.always().alwaysOpen());
        assertFalse(DisruptionWindows.parse("daily 00:00-24:00", "UTC").alwaysOpen());
    }

    @ParameterizedTest(name = "\"{0}\" / \"{1}\" is always open in {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            NULL    | NULL          | UTC
            ''      | '  '          | UTC
            '   '   | UTC           | UTC
            always  | Europe/Berlin | Europe/Berlin
            ALWAYS  | ' UTC '       | UTC
            """)
    void parse_blankOrAlways_isAlwaysOpenWithTheDefaultZoneUtc(String spec, String zone, String expectedZone) {
        DisruptionWindows windows = DisruptionWindows.parse(spec, zone);

        assertTrue(windows.alwaysOpen());
        assertEquals("always", windows.spec());
        assertEquals(ZoneId.of(expectedZone), windows.zone());
        assertEquals(List.of(), DisruptionWindows.problems(spec, zone));
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fri 19:00-07:00                                   | Mon-Fri 19:00-07:00
            '  mon - fri 19:00 - 07:00 ;sat,SUN 00:00-24:00; '    | Mon-Fri 19:00-07:00; Sat,Sun 00:00-24:00
            Sun,Sat 0:00-24:00                                    | Sat,Sun 00:00-24:00
            Fri-Mon 22:00-06:00                                   | Fri-Mon 22:00-06:00
            Mon,Wed-Fri 12:00-13:00                               | Mon,Wed-Fri 12:00-13:00
            Mon-Sun 01:00-02:00                                   | daily 01:00-02:00
            DAILY 23:00-01:00                                     | daily 23:00-01:00
            Sat-Sun,Mon 09:00-17:00                               | Sat-Mon 09:00-17:00
            Mon-Mon 09:00-17:00                                   | Mon 09:00-17:00
            """)
    void spec_isNormalised(String spec, String expected) {
        assertEquals(expected, DisruptionWindows.parse(spec, "UTC").spec());
    }

    @Test
    void equality_isTheZoneAndTheWindowsInAnyOrder() {
        DisruptionWindows a = DisruptionWindows.parse("Sat,Sun 00:00-24:00; Mon-Fri 19:00-07:00", "Europe/Berlin");
        DisruptionWindows b = DisruptionWindows.parse("mon-fri 19:00-07:00;Sun,Sat 00:00-24:00", "Europe/Berlin");

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, DisruptionWindows.parse(NIGHTS_AND_WEEKENDS, "UTC"), "another zone");
        assertNotEquals(a, DisruptionWindows.parse("Mon-Fri 19:00-06:00; Sat,Sun 00:00-24:00", "Europe/Berlin"));
        assertEquals(DisruptionWindows.always(), DisruptionWindows.parse("", "UTC"));
        assertEquals("DisruptionWindows[Mon-Fri 19:00-07:00 in Europe/Berlin]",
                DisruptionWindows.parse(NIGHTS, "Europe/Berlin").toString());
    }

    @ParameterizedTest(name = "\"{0}\" / \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Mon-Fry 19:00-07:00     | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fry 19:00-07:00": unknown day "Fry"
            Mon-Fri 25:00-07:00     | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fri 25:00-07:00": bad time "25:00"
            Mon-Fri 19:00-07:60     | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fri 19:00-07:60": bad time "07:60"
            Mon-Fri 24:00-07:00     | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fri 24:00-07:00": 24:00 is only allowed as an end
            Mon-Fri 19:00-19:00     | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fri 19:00-19:00": empty window; use 00:00-24:00 for a whole day
            daily 00:00-00:00       | UTC          | SCALE_DOWN_WINDOWS: "daily 00:00-00:00": empty window; use 00:00-24:00 for a whole day
            Mon-Fri                 | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fri": missing time range
            19:00-07:00             | UTC          | SCALE_DOWN_WINDOWS: "19:00-07:00": missing days
            Mon-Fri 19:00           | UTC          | SCALE_DOWN_WINDOWS: "Mon-Fri 19:00": bad time range "19:00"
            19:00-07:00 Mon-Fri     | UTC          | SCALE_DOWN_WINDOWS: "19:00-07:00 Mon-Fri": expected <days> <HH:MM>-<HH:MM>
            Mon-Tue-Wed 01:00-02:00 | UTC          | SCALE_DOWN_WINDOWS: "Mon-Tue-Wed 01:00-02:00": bad day list "Mon-Tue-Wed"
            Mon,,Tue 01:00-02:00    | UTC          | SCALE_DOWN_WINDOWS: "Mon,,Tue 01:00-02:00": bad day list "Mon,,Tue"
            daily,Mon 01:00-02:00   | UTC          | SCALE_DOWN_WINDOWS: "daily,Mon 01:00-02:00": "daily" cannot be combined with other days
            never                   | UTC          | SCALE_DOWN_WINDOWS: "never": "never" is not accepted
            NEVER                   | UTC          | SCALE_DOWN_WINDOWS: "NEVER": "never" is not accepted
            always; Mon 01:00-02:00 | UTC          | SCALE_DOWN_WINDOWS: "always": "always" cannot be combined with windows
            ' ; ; '                 | UTC          | SCALE_DOWN_WINDOWS: "; ;": no window
            always                  | Europe/Berln | SCALE_DOWN_TIMEZONE: "Europe/Berln" is not a time zone
            always                  | CET+1        | SCALE_DOWN_TIMEZONE: "CET+1" is not a time zone
            """)
    void badInput_isReportedNamingTheOffendingPart(String spec, String zone, String expected) {
        List<String> problems = DisruptionWindows.problems(spec, zone);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith(expected), problems.getFirst());
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> DisruptionWindows.parse(spec, zone));
        assertEquals(problems.getFirst(), thrown.getMessage());
    }

    @Test
    void badTimes_eachOneIsNamed() {
        List<String> problems = DisruptionWindows.problems("Mon-Fri 7pm-7am", "UTC");

        assertEquals(List.of(
                "SCALE_DOWN_WINDOWS: \"Mon-Fri 7pm-7am\": bad time \"7pm\" (expected HH:MM from 00:00 to 23:59, or 24:00 as an end)",
                "SCALE_DOWN_WINDOWS: \"Mon-Fri 7pm-7am\": bad time \"7am\" (expected HH:MM from 00:00 to 23:59, or 24:00 as an end)"),
                problems);
    }

    @Test
    void threeProblems_areAllReportedInOneMessage() {
        String spec = "Mon-Fry 19:00-07:00; Sat,Sun 24:00-06:00; never";

        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> DisruptionWindows.parse(spec, "UTC"));

        String message = thrown.getMessage();
        assertTrue(message.startsWith("3 problems:"), message);
        assertTrue(message.contains("\"Mon-Fry 19:00-07:00\": unknown day \"Fry\""), message);
        assertTrue(message.contains("\"Sat,Sun 24:00-06:00\": 24:00 is only allowed as an end"), message);
        assertTrue(message.contains("\"never\": \"never\" is not accepted"), message);
        assertEquals(3, DisruptionWindows.problems(spec, "UTC").size());
    }

    @Test
    void problemsWithBothSettings_areReportedTogether() {
        List<String> problems = DisruptionWindows.problems("Sat,Sun 00:00-24:00; Mon-Fri 19:00-7pm", "Europe/Berln");

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SCALE_DOWN_TIMEZONE: \"Europe/Berln\" is not a time zone"));
        assertTrue(problems.get(1).startsWith("SCALE_DOWN_WINDOWS: \"Mon-Fri 19:00-7pm\": bad time \"7pm\""));
    }

    @Test
    void property_nextOpeningIsTheFirstOpenInstantAndClosesAtTheFirstClosedOne() {
        List<DisruptionWindows> specs = List.of(
                DisruptionWindows.parse(NIGHTS_AND_WEEKENDS, "Europe/Berlin"),
                DisruptionWindows.parse(NIGHTS, "America/New_York"),
                DisruptionWindows.parse("Fri-Mon 22:00-06:00; Wed 12:00-12:05", "UTC"),
                DisruptionWindows.parse("daily 02:00-03:00", "Europe/Berlin"),
                DisruptionWindows.parse("Sat 01:00-02:30; Sun 02:30-04:00", "Europe/Berlin"));
        Random random = new Random(42);
        Instant yearStart = Instant.parse("2026-01-01T00:00:00Z");
        long yearSeconds = Duration.ofDays(365).toSeconds();
        int closedChecked = 0;
        int openChecked = 0;

        for (int i = 0; i < 2000; i++) {
            Instant now = yearStart.plusSeconds((long) (random.nextDouble() * yearSeconds));
            for (DisruptionWindows windows : specs) {
                String context = windows + " at " + now;
                if (!windows.isOpen(now)) {
                    Instant opening = windows.nextOpening(now).orElseThrow(() -> new AssertionError(context));
                    assertTrue(opening.isAfter(now), context);
                    assertTrue(windows.isOpen(opening), context + ": open at " + opening);
                    for (Instant between : between(random, now, opening)) {
                        assertFalse(windows.isOpen(between), context + ": closed at " + between);
                    }
                    closedChecked++;
                } else {
                    assertEquals(Optional.of(now), windows.nextOpening(now), context);
                    Instant closing = windows.closesAt(now).orElseThrow(() -> new AssertionError(context));
                    assertTrue(closing.isAfter(now), context);
                    assertFalse(windows.isOpen(closing), context + ": closed at " + closing);
                    for (Instant between : between(random, now, closing)) {
                        assertTrue(windows.isOpen(between), context + ": open at " + between);
                    }
                    openChecked++;
                }
            }
        }
        // Both branches must have been exercised for the property to mean anything.
        assertTrue(closedChecked > 1000, "closed samples: " + closedChecked);
        assertTrue(openChecked > 1000, "open samples: " + openChecked);
    }

    /** A few instants strictly between the two, including the last nanosecond before {@code to}. */
    private static List<Instant> between(Random random, Instant from, Instant to) {
        long nanos = Duration.between(from, to).toNanos();
        List<Instant> points = new ArrayList<>();
        points.add(to.minusNanos(1));
        for (int i = 0; i < 5; i++) {
            points.add(from.plusNanos(1 + (long) (random.nextDouble() * (nanos - 1))));
        }
        return points;
    }

    private static Instant at(String localDateTime, String zone) {
        return LocalDateTime.parse(localDateTime).atZone(ZoneId.of(zone)).toInstant();
    }
}
