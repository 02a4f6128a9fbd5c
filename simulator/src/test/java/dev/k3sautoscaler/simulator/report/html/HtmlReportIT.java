package dev.k3sautoscaler.simulator.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report page in a real browser: Debian's headless chromium opens it from disk (no server,
 * no network), saves a screenshot and prints the DOM, in which the page's own script has written
 * its verdict. The page and screenshot stay under target/report-it/ for a look.
 */
class HtmlReportIT {
    private static final Path KEPT = Path.of("target", "report-it");
    private static final Pattern PAGE_ERROR = Pattern.compile("<li class=\"page-error\">([^<]*)</li>");

    @Test
    void page_rendersInHeadlessChromium_withItsChartSummaryAndHistories_andNoError() throws Exception {
        // GIVEN the page of two policies on a hand-built flash-sale run
        Path outDir = Files.createDirectories(KEPT.resolve("page"));
        Path index = HtmlReport.write(outDir, PageFixtures.flashSale(outDir));
        Path screenshot = KEPT.resolve("screenshot.png");

        // WHEN
        HeadlessChromium.Visit visit = HeadlessChromium.open(index, screenshot, KEPT);

        // THEN the page's script saw every image render and recorded nothing
        assertEquals(List.of(), pageErrors(visit.dom()));
        assertTrue(visit.dom().contains("<body data-page-status=\"" + HtmlReport.STATUS_OK + "\">"), status(visit.dom()));
        assertEquals(List.of(), visit.consoleLines(), "the page writes nothing to the console; chromium logged these");
        // AND the parts are there: the chart, the side-by-side table, the summary, a link per history
        assertTrue(visit.dom().contains("<img class=\"chart\""), "chart image");
        assertTrue(visit.dom().contains("<table class=\"comparison\" id=\"comparison\">"), "comparison table");
        assertTrue(visit.dom().contains("<pre id=\"summary\">flash-sale (3h, seed 14), policy default"), "summary");
        assertEquals(3, count(visit.dom(), "<a class=\"execution\" href=\"executions/"), "history links");
        assertTrue(visit.dom().contains("replicas &lt;b&gt;in 2 minutes&lt;/b&gt; &amp; checkout"), "description shown as text");
        // AND the screenshot is the whole window
        BufferedImage shot = ImageIO.read(screenshot.toFile());
        assertEquals(HeadlessChromium.WINDOW_WIDTH, shot.getWidth());
        assertEquals(HeadlessChromium.WINDOW_HEIGHT, shot.getHeight());
        System.out.printf("report page: %d bytes HTML, chromium check %d ms%n", Files.size(index), visit.wallTime().toMillis());
    }

    @Test
    void brokenChart_andAnythingFetchedFromOutside_areReportedByThePage(@TempDir Path dir) throws Exception {
        // GIVEN a written page whose chart no longer decodes and that now pulls an image from a CDN
        Path index = HtmlReport.write(dir, PageFixtures.flashSale(dir));
        String html = Files.readString(index, StandardCharsets.UTF_8);
        String broken = html.replaceFirst("src=\"data:image/png;base64,[^\"]+\"", "src=\"data:image/png;base64,AAAA\"")
                .replace("<h1 id=\"scenario\">", "<img alt=\"from a CDN\" src=\"https://cdn.example.com/logo.png\"><h1 id=\"scenario\">");
        Files.writeString(index, broken, StandardCharsets.UTF_8);

        // WHEN
        HeadlessChromium.Visit visit = HeadlessChromium.open(index, dir.resolve("broken.png"), dir);

        // THEN the verdict is "errors", naming both, and chromium's console saw the blocked load
        assertTrue(visit.dom().contains("<body data-page-status=\"" + HtmlReport.STATUS_ERRORS + "\">"), status(visit.dom()));
        List<String> errors = pageErrors(visit.dom());
        assertTrue(errors.contains("image did not render: " + "default (blue) and seed-baseline (orange) on the same scenario and seed"), errors.toString());
        assertTrue(errors.contains("blocked by the page policy (img-src): https://cdn.example.com/logo.png"), errors.toString());
        assertFalse(visit.consoleLines().isEmpty(), "chromium logs the Content-Security-Policy violation");
    }

    @Test
    void scriptInjectedIntoThePage_isBlockedAndReported(@TempDir Path dir) throws Exception {
        // GIVEN an inline script the page did not ship (what a missed escape would let through)
        Path index = HtmlReport.write(dir, PageFixtures.flashSale(dir));
        String html = Files.readString(index, StandardCharsets.UTF_8);
        Files.writeString(index, html.replace("<h1 id=\"scenario\">", "<script>document.title = 'owned'</script><h1 id=\"scenario\">"));

        // WHEN
        HeadlessChromium.Visit visit = HeadlessChromium.open(index, dir.resolve("injected.png"), dir);

        // THEN it did not run, and the page says so
        assertTrue(pageErrors(visit.dom()).contains("blocked by the page policy (script-src-elem): inline"), pageErrors(visit.dom()).toString());
        assertFalse(visit.dom().contains("<title>owned</title>"), "the injected script ran");
    }

    private static List<String> pageErrors(String dom) {
        Matcher matcher = PAGE_ERROR.matcher(dom);
        return matcher.results().map(result -> result.group(1).replace("&amp;", "&")).toList();
    }

    private static String status(String dom) {
        Matcher matcher = Pattern.compile("<body[^>]*>").matcher(dom);
        return matcher.find() ? matcher.group() : "no <body> in the DOM chromium printed: " + dom.substring(0, Math.min(dom.length(), 300));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
