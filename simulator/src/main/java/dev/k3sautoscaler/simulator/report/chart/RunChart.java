package dev.k3sautoscaler.simulator.report.chart;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.report.RunTimeline.Direction;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.simulator.report.RunTimeline.ScaleEvent;
import dev.k3sautoscaler.simulator.report.RunTimeline.SpotDrain;
import dev.k3sautoscaler.simulator.scenario.Durations;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The figure of one or more runs of a scenario: two panels on one time axis and a legend. The
 * upper panel shows capacity in workers (what the pods request, what is billed, what is Ready)
 * with the scale events and Spot warnings marked on the billed line; the lower one the
 * unschedulable pods. Each run has its own colour family and a legend row headed by its label,
 * so two policies read side by side on the same axes (docs/decisions/charts-and-report.md).
 *
 * <p>Rendering needs no display: the class switches AWT to headless mode unless told otherwise.
 */
public final class RunChart {
    public static final int WIDTH = 1200;
    static final int WORKERS_PANEL_HEIGHT = 520;
    static final int PODS_PANEL_HEIGHT = 250;
    static final int LEGEND_ROW_HEIGHT = 26;
    static final int LEGEND_PADDING = 12;
    /** Both panels reserve the same width for their y axis, so their plot areas line up on the time axis. */
    private static final int Y_AXIS_WIDTH = 100;
    /** Pixels between time ticks: about ten on the axis (every 20 minutes over 3 hours, every 2 hours over 24). */
    private static final int X_TICK_SPACING = 100;
    /** Pixels between count ticks: whole workers, not 0.5 steps, on the upper panel. */
    private static final int Y_TICK_SPACING = 80;
    /**
     * The axis counts hours from this length, minutes below it: XChart picks decimal tick steps, which
     * fall on round times only when the unit suits the length (0.15 h on a 3-hour run would read 9m, 18m, …).
     */
    private static final Duration HOURS_FROM = Duration.ofHours(6);
    private static final int MARKER_SIZE = 9;
    private static final Pattern CLIP_ID = Pattern.compile("\\bclip-?\\d+\\b");
    private static final int LEGEND_LINE_LENGTH = 24;
    private static final Font BASE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LEGEND_LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** One colour family per run: the darkest for what matters most (Ready workers, unschedulable pods). */
    private record Palette(Color strong, Color medium, Color light) {
    }

    private static final List<Palette> PALETTES = List.of(
            new Palette(new Color(0x1F4E9C), new Color(0x4A7FD4), new Color(0x8FB3EA)),
            new Palette(new Color(0xB8460B), new Color(0xE8832E), new Color(0xF2B27A)),
            new Palette(new Color(0x2E7D32), new Color(0x5BAF5F), new Color(0xA5D6A7)));

    private static final BasicStroke SOLID = new BasicStroke(2.2f);
    private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 4f}, 0f);
    private static final BasicStroke DOTTED = new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 4f}, 0f);

    /** A legend entry: a line sample when {@code stroke} is set, else the marker. */
    private record Key(String text, Color color, BasicStroke stroke, Marker marker) {
    }

    private record LegendRow(String label, List<Key> keys) {
    }

    private final XYChart workersPanel;
    private final XYChart podsPanel;
    private final List<LegendRow> legend;

    private RunChart(XYChart workersPanel, XYChart podsPanel, List<LegendRow> legend) {
        this.workersPanel = workersPanel;
        this.podsPanel = podsPanel;
        this.legend = List.copyOf(legend);
    }

    /**
     * @param title           e.g. {@code flash-sale (3h, seed 14)}
     * @param runs            one run, or several of the same scenario (policies side by side), at most three
     * @param workerCpuMillis the worker type's allocatable CPU: requested CPU ÷ this = requested capacity in workers
     */
    public static RunChart render(String title, List<LabelledRun> runs, long workerCpuMillis) {
        if (runs.isEmpty() || runs.size() > PALETTES.size()) {
            throw new IllegalArgumentException("a chart shows 1 to " + PALETTES.size() + " runs, got " + runs.size());
        }
        if (workerCpuMillis <= 0) {
            throw new IllegalArgumentException("workerCpuMillis must be positive, was " + workerCpuMillis);
        }
        Set<String> labels = new HashSet<>();
        for (LabelledRun run : runs) {
            if (!labels.add(run.label())) {
                throw new IllegalArgumentException("two runs are labelled '" + run.label() + "': the legend could not tell them apart");
            }
            if (run.timeline().samples().isEmpty()) {
                throw new IllegalArgumentException("run '" + run.label() + "' has no samples to draw");
            }
        }
        Duration length = runs.stream().map(run -> run.timeline().duration()).max(Duration::compareTo).orElseThrow();
        TimeAxis time = TimeAxis.fitting(length);

        XYChart workers = panel(WORKERS_PANEL_HEIGHT, time, "workers");
        workers.setTitle(title);
        XYChart pods = panel(PODS_PANEL_HEIGHT, time, "unschedulable pods");
        List<LegendRow> legend = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            LabelledRun run = runs.get(i);
            Palette palette = PALETTES.get(i);
            Panels panels = new Panels(workers, run.label(), time, run.timeline(), new ArrayList<>());
            if (run.observed()) {
                // What a real cluster's history shows: Ready workers and waiting pods, nothing it cannot know.
                panels.line(workers, "Ready workers", Sample::readyWorkers, palette.strong(), SOLID);
                panels.line(pods, "unschedulable pods", Sample::unschedulablePods, palette.strong(), SOLID);
                legend.add(new LegendRow(run.label(), panels.keys()));
                continue;
            }
            panels.line(workers, "requested (in workers)", sample -> (double) sample.requestedCpuMillis() / workerCpuMillis,
                    palette.light(), DOTTED);
            panels.line(workers, "billed workers", Sample::totalWorkers, palette.medium(), DASHED);
            panels.line(workers, "Ready workers", Sample::readyWorkers, palette.strong(), SOLID);
            panels.line(pods, "unschedulable pods", Sample::unschedulablePods, palette.strong(), SOLID);
            List<ScaleEvent> events = run.timeline().scaleEvents();
            panels.markers("scale up", events.stream().filter(e -> e.direction() == Direction.UP).map(ScaleEvent::at).toList(),
                    SeriesMarkers.TRIANGLE_UP, palette.strong());
            panels.markers("scale down", events.stream().filter(e -> e.direction() == Direction.DOWN).map(ScaleEvent::at).toList(),
                    SeriesMarkers.TRIANGLE_DOWN, palette.strong());
            panels.markers("Spot warning", run.timeline().spotDrains().stream().map(SpotDrain::warnedAt).toList(),
                    SeriesMarkers.CROSS, palette.strong());
            legend.add(new LegendRow(run.label(), panels.keys()));
        }
        lineUp(workers, pods);
        return new RunChart(workers, pods, legend);
    }

    /**
     * Moves the lower plot's left edge onto the upper one's. XChart reserves {@code Y_AXIS_WIDTH} for
     * the y axis but measures its tick labels slightly differently per panel ("6" vs "15"), so the
     * time axes would start a few pixels apart; a trial paint measures where time 0 lands on each.
     */
    private static void lineUp(XYChart workers, XYChart pods) {
        int offset = timeZeroX(workers, WORKERS_PANEL_HEIGHT) - timeZeroX(pods, PODS_PANEL_HEIGHT);
        pods.getStyler().setYAxisLeftWidthHint(Y_AXIS_WIDTH + offset);
    }

    /** The pixel column of time 0 in this panel, from a paint into a scratch image. */
    private static int timeZeroX(XYChart panel, int height) {
        TimeZeroProbe probe = new TimeZeroProbe();
        panel.addAnnotation(probe);
        BufferedImage scratch = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = scratch.createGraphics();
        try {
            panel.paint(graphics, WIDTH, height);
        } finally {
            graphics.dispose();
        }
        probe.setVisible(false);
        return probe.x;
    }

    /** Draws nothing; asks the chart where x = 0 is on screen while it paints. */
    private static final class TimeZeroProbe extends Annotation {
        private int x;

        TimeZeroProbe() {
            super(false);
        }

        @Override
        public void paint(Graphics2D graphics) {
            if (isVisible) {
                x = getXAxisScreenValue(0);
            }
        }
    }

    /** Where time 0 lands on each panel, for tests: the two must be equal. */
    int[] timeZeroColumns() {
        return new int[] {timeZeroX(workersPanel, WORKERS_PANEL_HEIGHT), timeZeroX(podsPanel, PODS_PANEL_HEIGHT)};
    }

    /** What the legend shows, row by row: {@code "default: Ready workers"}, … */
    List<String> legendEntries() {
        return legend.stream().flatMap(row -> row.keys().stream().map(key -> row.label() + ": " + key.text())).toList();
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return WORKERS_PANEL_HEIGHT + PODS_PANEL_HEIGHT + legendHeight();
    }

    /** The figure as an SVG document (the same input gives the same text). */
    public String svg() {
        VectorGraphics2D graphics = new VectorGraphics2D();
        paint(graphics);
        PageSize page = new PageSize(0, 0, width(), height());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(graphics.getCommands(), page).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return numberClipPaths(out.toString(StandardCharsets.UTF_8));
    }

    /** VectorGraphics2D names clip paths by identity hash codes; renumbered in order, the same figure gives the same text. */
    static String numberClipPaths(String svg) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher matcher = CLIP_ID.matcher(svg);
        StringBuilder out = new StringBuilder(svg.length());
        while (matcher.find()) {
            String name = names.computeIfAbsent(matcher.group(), id -> "clip" + (names.size() + 1));
            matcher.appendReplacement(out, name);
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The figure as a PNG image. */
    public byte[] png() {
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            paint(graphics);
        } finally {
            graphics.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void writeSvg(Path file) throws IOException {
        Files.writeString(file, svg(), StandardCharsets.UTF_8);
    }

    public void writePng(Path file) throws IOException {
        Files.write(file, png());
    }

    private int legendHeight() {
        return 2 * LEGEND_PADDING + legend.size() * LEGEND_ROW_HEIGHT;
    }

    private void paint(Graphics2D graphics) {
        workersPanel.paint(graphics, WIDTH, WORKERS_PANEL_HEIGHT);
        Graphics2D lower = (Graphics2D) graphics.create();
        try {
            lower.translate(0, WORKERS_PANEL_HEIGHT);
            podsPanel.paint(lower, WIDTH, PODS_PANEL_HEIGHT);
            lower.translate(0, PODS_PANEL_HEIGHT);
            paintLegend(lower);
        } finally {
            lower.dispose();
        }
    }

    /** One row per run: its label, then a sample of each line and marker it drew. */
    private void paintLegend(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, legendHeight());
        FontMetrics labelMetrics = g.getFontMetrics(LEGEND_LABEL_FONT);
        int labelWidth = legend.stream().mapToInt(row -> labelMetrics.stringWidth(row.label())).max().orElse(0) + 16;
        FontMetrics metrics = g.getFontMetrics(BASE_FONT);
        for (int i = 0; i < legend.size(); i++) {
            LegendRow row = legend.get(i);
            int middle = LEGEND_PADDING + i * LEGEND_ROW_HEIGHT + LEGEND_ROW_HEIGHT / 2;
            int baseline = middle + metrics.getAscent() / 2 - 1;
            int x = LEGEND_PADDING;
            g.setColor(Color.BLACK);
            drawText(g, row.label(), LEGEND_LABEL_FONT, x, baseline);
            x += labelWidth;
            for (Key key : row.keys()) {
                g.setColor(key.color());
                if (key.stroke() != null) {
                    g.setStroke(key.stroke());
                    g.draw(new Line2D.Double(x, middle, x + LEGEND_LINE_LENGTH, middle));
                } else {
                    g.setStroke(new BasicStroke(1f));
                    key.marker().paint(g, x + LEGEND_LINE_LENGTH / 2.0, middle, MARKER_SIZE);
                }
                x += LEGEND_LINE_LENGTH + 6;
                g.setColor(Color.DARK_GRAY);
                drawText(g, key.text(), BASE_FONT, x, baseline);
                x += metrics.stringWidth(key.text()) + 14;
            }
        }
    }

    /**
     * Text as glyph outlines, as XChart draws its own: the SVG then needs no font (VectorGraphics2D
     * writes no font size for {@code drawString}) and looks the same in every browser.
     */
    private static void drawText(Graphics2D g, String text, Font font, double x, double baseline) {
        TextLayout layout = new TextLayout(text, font, g.getFontRenderContext());
        g.fill(layout.getOutline(AffineTransform.getTranslateInstance(x, baseline)));
    }

    private static XYChart panel(int height, TimeAxis time, String yTitle) {
        XYChart chart = new XYChart(WIDTH, height);
        chart.setXAxisTitle(time.title());
        chart.setYAxisTitle(yTitle);
        XYStyler styler = chart.getStyler();
        styler.setBaseFont(BASE_FONT);
        styler.setChartTitleFont(TITLE_FONT);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xE3E3E3));
        styler.setPlotBorderColor(new Color(0xB0B0B0));
        styler.setChartTitleBoxVisible(false);
        // XChart's legend neither wraps nor keeps a fixed width (which would shift one panel's plot); the figure draws its own.
        styler.setLegendVisible(false);
        styler.setMarkerSize(MARKER_SIZE);
        styler.setXAxisMin(0.0);
        styler.setXAxisMax(time.toUnits(time.length()));
        styler.setYAxisMin(0.0);
        styler.setYAxisLeftWidthHint(Y_AXIS_WIDTH);
        styler.setYAxisDecimalPattern("#,##0.#");
        styler.setxAxisTickLabelsFormattingFunction(time::label);
        styler.setXAxisTickMarkSpacingHint(X_TICK_SPACING);
        styler.setYAxisTickMarkSpacingHint(Y_TICK_SPACING);
        styler.setAntiAlias(true);
        // XChart puts the time ticks on data points (every 9th minute, say) when all x values are equally
        // spaced, as minute samples can be; these invisible points break the spacing, so the ticks fall on
        // round values of the axis unit instead.
        double end = time.toUnits(time.length());
        XYSeries frame = chart.addSeries("frame", new double[] {0, end, end / 3}, new double[] {0, 0, 0});
        frame.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        frame.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    /** Adds one run's series to the panels and collects its legend keys. */
    private record Panels(XYChart workers, String label, TimeAxis time, RunTimeline timeline, List<Key> keys) {
        void line(XYChart chart, String name, ToDoubleFunction<Sample> value, Color color, BasicStroke stroke) {
            List<Sample> samples = timeline.samples();
            // A sample holds until the next one: drawn as steps, so only the changes need a point (a flat
            // 24-hour line is 2 points, not 1,440), plus one at the end of the run to draw the last step.
            List<double[]> points = new ArrayList<>();
            for (Sample sample : samples) {
                double y = value.applyAsDouble(sample);
                if (points.isEmpty() || points.getLast()[1] != y) {
                    points.add(new double[] {time.toUnits(sample.at()), y});
                }
            }
            Duration end = timeline.duration().compareTo(samples.getLast().at()) > 0 ? timeline.duration() : samples.getLast().at();
            points.add(new double[] {time.toUnits(end), points.getLast()[1]});
            XYSeries series = chart.addSeries(label + ": " + name,
                    points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
            series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Step);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(color);
            series.setLineStyle(stroke);
            keys.add(new Key(name, color, stroke, null));
        }

        /** Events on the billed-workers line at their time; no series (and no key) when there are none. */
        void markers(String name, List<Duration> at, Marker marker, Color color) {
            if (at.isEmpty()) {
                return;
            }
            double[] x = new double[at.size()];
            double[] y = new double[at.size()];
            for (int i = 0; i < at.size(); i++) {
                x[i] = time.toUnits(at.get(i));
                y[i] = sampleAt(timeline.samples(), at.get(i)).totalWorkers();
            }
            XYSeries series = workers.addSeries(label + ": " + name, x, y);
            series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            series.setMarker(marker);
            series.setMarkerColor(color);
            keys.add(new Key(name, color, null, marker));
        }
    }

    /** The sample in force at {@code at}: the last one taken at or before it (the first if none). */
    static Sample sampleAt(List<Sample> samples, Duration at) {
        Sample current = samples.getFirst();
        for (Sample sample : samples) {
            if (sample.at().compareTo(at) > 0) {
                break;
            }
            current = sample;
        }
        return current;
    }

    /** Hours for long runs, minutes for short ones; tick labels in the scenario's own notation ({@code 1h30m}). */
    record TimeAxis(Duration length, Duration unit) {
        static TimeAxis fitting(Duration length) {
            return new TimeAxis(length, length.compareTo(HOURS_FROM) >= 0 ? Duration.ofHours(1) : Duration.ofMinutes(1));
        }

        double toUnits(Duration at) {
            return at.toMillis() / (double) unit.toMillis();
        }

        String title() {
            return "time since start";
        }

        String label(Double units) {
            long seconds = Math.round(units * unit.toSeconds());
            return seconds == 0 ? "0" : Durations.format(Duration.ofSeconds(seconds));
        }
    }
}
