package dev.k3sautoscaler.simulator.report.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.report.ReportFixtures;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunChartTest {
    private static final LabelledRun OURS = new LabelledRun("default", ReportFixtures.ours());
    private static final LabelledRun BASELINE = new LabelledRun("seed-baseline", ReportFixtures.baseline());

    private static RunChart both() {
        return RunChart.render("flash-sale (3h, seed 14)", List.of(OURS, BASELINE), ReportFixtures.WORKER_CPU_MILLIS);
    }

    @Test
    void twoPolicies_shareOneFigure_eachNamedInEveryLegendEntry() {
        // WHEN
        RunChart chart = both();

        // THEN a legend row per policy: three capacity lines, the pods line, and the events each run had
        List<String> expectedPerRun = List.of("requested (in workers)", "billed workers", "Ready workers", "unschedulable pods",
                "scale up", "scale down", "Spot warning");
        List<String> expected = java.util.stream.Stream.of("default", "seed-baseline")
                .flatMap(label -> expectedPerRun.stream().map(key -> label + ": " + key)).toList();
        assertEquals(expected, chart.legendEntries());
        // AND each run is drawn in its own colour (blue for the first, orange for the second)
        String svg = chart.svg();
        assertTrue(svg.contains("stroke:rgb(31,78,156)"), "default's Ready line");
        assertTrue(svg.contains("stroke:rgb(184,70,11)"), "seed-baseline's Ready line");
        // AND the second run's dashes differ from its solid line: billed is dashed
        assertTrue(svg.contains("stroke:rgb(232,131,46);stroke-width:1.6;") && svg.contains("stroke-dasharray:7,4"), "billed dashed");
    }

    @Test
    void whatActuallyHappened_isAThirdRun_drawnAsItsReadyWorkersAndWaitingPodsOnly() {
        // GIVEN both policies and a replay's real history
        RunTimeline actual = timeline(List.of(sample(0, 2), sample(1, 3), sample(2, 3)));

        // WHEN
        RunChart chart = RunChart.render("replay", List.of(OURS, BASELINE, new LabelledRun("actual", actual, true)),
                ReportFixtures.WORKER_CPU_MILLIS);

        // THEN the third legend row holds the two lines a history can show, in the third colour
        List<String> entries = chart.legendEntries();
        assertEquals(List.of("actual: Ready workers", "actual: unschedulable pods"),
                entries.subList(entries.size() - 2, entries.size()));
        assertTrue(entries.stream().noneMatch(entry -> entry.startsWith("actual: requested")), entries.toString());
        assertTrue(chart.svg().contains("stroke:rgb(46,125,50)"), "actual's Ready line, green");
    }

    @Test
    void eventsAbsentFromARun_getNoMarkerAndNoLegendEntry() {
        // GIVEN a run that never scaled and had no Spot warning
        RunTimeline quiet = timeline(List.of(sample(0, 2), sample(1, 2), sample(2, 2)));

        // WHEN
        RunChart chart = RunChart.render("quiet", List.of(new LabelledRun("default", quiet)), 1900);

        // THEN
        assertEquals(List.of("default: requested (in workers)", "default: billed workers", "default: Ready workers",
                "default: unschedulable pods"), chart.legendEntries());
    }

    @Test
    void png_isTheWholeFigure_twoPanelsAndALegendRowPerRun() throws Exception {
        // WHEN
        RunChart one = RunChart.render("one", List.of(OURS), ReportFixtures.WORKER_CPU_MILLIS);
        RunChart two = both();

        // THEN
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(two.png()));
        assertEquals(RunChart.WIDTH, image.getWidth());
        assertEquals(two.height(), image.getHeight());
        assertEquals(RunChart.LEGEND_ROW_HEIGHT, two.height() - one.height());
        assertTrue(GraphicsEnvironment.isHeadless(), "charts render without a display");
    }

    @Test
    void panels_shareTheTimeAxis_time0OnTheSamePixelColumn() {
        // GIVEN tick labels of different widths: up to "6" workers above, "15" pods below
        RunChart chart = both();

        // WHEN
        int[] columns = chart.timeZeroColumns();

        // THEN
        assertEquals(columns[0], columns[1], "upper and lower plots start at different columns");
    }

    @Test
    void sameInput_givesTheSameSvgAndPng() {
        // WHEN rendered twice from scratch
        RunChart first = both();
        RunChart second = both();

        // THEN byte for byte, clip paths numbered rather than named by identity hash codes
        String svg = first.svg();
        assertEquals(svg, second.svg());
        assertArrayEquals(first.png(), second.png());
        assertTrue(svg.contains("id=\"clip1\""), svg.substring(0, 600));
        assertFalse(Pattern.compile("clip-?\\d{4,}").matcher(svg).find(), "an identity-hash clip id is left");
    }

    @Test
    void numberClipPaths_renamesEveryUseOfAnIdConsistently() {
        String svg = "<clipPath id=\"clip-42424242\"/><clipPath id=\"clip777777\"/><g clip-path=\"url(#clip-42424242)\"/>";

        assertEquals("<clipPath id=\"clip1\"/><clipPath id=\"clip2\"/><g clip-path=\"url(#clip1)\"/>", RunChart.numberClipPaths(svg));
    }

    @Test
    void writes_pngAndSvgFiles(@TempDir Path dir) throws Exception {
        // WHEN
        RunChart chart = both();
        chart.writePng(dir.resolve("chart.png"));
        chart.writeSvg(dir.resolve("chart.svg"));

        // THEN
        byte[] png = Files.readAllBytes(dir.resolve("chart.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        String svg = Files.readString(dir.resolve("chart.svg"));
        assertTrue(svg.startsWith("<?xml") && svg.contains("<svg") && svg.contains("viewBox=\"0 0 1200 " + chart.height() + "\""),
                svg.substring(0, 400));
    }

    @Test
    void timeAxis_countsMinutesUnderSixHours_hoursFromThere() {
        RunChart.TimeAxis threeHours = RunChart.TimeAxis.fitting(Duration.ofHours(3));
        RunChart.TimeAxis day = RunChart.TimeAxis.fitting(Duration.ofHours(24));

        assertEquals(80.0, threeHours.toUnits(Duration.ofMinutes(80)));
        assertEquals("1h20m", threeHours.label(80.0));
        assertEquals("20m", threeHours.label(20.0));
        assertEquals("0", threeHours.label(0.0));
        assertEquals(1.5, day.toUnits(Duration.ofMinutes(90)));
        assertEquals("2h", day.label(2.0));
        assertEquals("30m", day.label(0.5));
    }

    @Test
    void markers_sitOnTheSampleInForceAtTheirTime() {
        List<Sample> samples = List.of(sample(0, 2), sample(1, 3), sample(2, 5));

        assertEquals(3, RunChart.sampleAt(samples, Duration.ofSeconds(90)).totalWorkers());
        assertEquals(5, RunChart.sampleAt(samples, Duration.ofMinutes(2)).totalWorkers());
        assertEquals(2, RunChart.sampleAt(samples, Duration.ofSeconds(-1)).totalWorkers());
    }

    @Test
    void rejects_whatCouldNotBeDrawnOrTold() {
        RunTimeline empty = timeline(List.of());

        assertThrows(IllegalArgumentException.class, () -> RunChart.render("t", List.of(), 1900));
        assertThrows(IllegalArgumentException.class, () -> RunChart.render("t", List.of(OURS, OURS), 1900));
        assertThrows(IllegalArgumentException.class, () -> RunChart.render("t", List.of(OURS), 0));
        assertThrows(IllegalArgumentException.class, () -> RunChart.render("t", List.of(new LabelledRun("x", empty)), 1900));
        assertThrows(IllegalArgumentException.class, () -> RunChart.render("t",
                List.of(OURS, BASELINE, new LabelledRun("c", ReportFixtures.ours()), new LabelledRun("d", ReportFixtures.ours())), 1900));
        assertThrows(IllegalArgumentException.class, () -> new LabelledRun(" ", ReportFixtures.ours()));
    }

    private static Sample sample(int minute, int workers) {
        return new Sample(Duration.ofMinutes(minute), workers, workers, 0, 0, 1900, 0);
    }

    private static RunTimeline timeline(List<Sample> samples) {
        return new RunTimeline(Duration.ofMinutes(Math.max(1, samples.size())), Duration.ofMinutes(1), samples, List.of(), List.of(), List.of());
    }
}
