package dev.k3sautoscaler.simulator.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.simulator.report.ReportFixtures;
import dev.k3sautoscaler.simulator.report.chart.LabelledRun;
import dev.k3sautoscaler.simulator.report.chart.RunChart;
import dev.k3sautoscaler.simulator.report.html.ReportPage.Chart;
import dev.k3sautoscaler.simulator.report.html.ReportPage.ExecutionLink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static final RunChart ONE_RUN = RunChart.render("one", List.of(new LabelledRun("default", ReportFixtures.ours())),
            ReportFixtures.WORKER_CPU_MILLIS);

    @Test
    void write_putsThePageAndEachChartAsPngAndSvgInTheOutputDirectory(@TempDir Path dir) throws Exception {
        // WHEN
        Path index = HtmlReport.write(dir, PageFixtures.flashSale(dir));

        // THEN
        assertEquals(dir.resolve("index.html"), index);
        assertTrue(Files.size(dir.resolve("chart.png")) > 0);
        assertTrue(Files.readString(dir.resolve("chart.svg")).contains("<svg"));
        String html = Files.readString(index, StandardCharsets.UTF_8);
        assertTrue(html.contains("<a href=\"chart.png\">PNG</a>, <a href=\"chart.svg\">SVG</a>"), "links to the files beside it");
    }

    @Test
    void page_isSelfContained_nothingToFetch(@TempDir Path dir) throws Exception {
        // WHEN
        String html = Files.readString(HtmlReport.write(dir, PageFixtures.flashSale(dir)), StandardCharsets.UTF_8);

        // THEN every loaded resource is inline: images as data URIs, no external script, style sheet or font
        assertTrue(Pattern.compile("src=\"(?!data:image/png;base64,)").matcher(html).results().findAny().isEmpty(), "a src that is not a data URI");
        assertFalse(html.contains("<link"), "a linked style sheet or icon");
        assertFalse(html.contains("<script src"), "an external script");
        assertFalse(html.contains("@import") || html.contains("url("), "CSS that loads something");
        assertFalse(html.contains("http://") || html.contains("https://"), "an absolute URL");
        // AND the policy lets only the page's own style and script run (by their hashes) and data: images load
        assertTrue(html.contains("script-src '" + sha256(HtmlReport.SCRIPT) + "'"), "script hash");
        assertTrue(html.contains("style-src '" + sha256(HtmlReport.STYLE) + "'"), "style hash");
        assertTrue(html.contains("<script>" + HtmlReport.SCRIPT + "</script>"), "the hashed script is exactly what the page carries");
        assertTrue(html.contains("default-src 'none'; img-src data:;"), "default-src none");
    }

    @Test
    void inputText_isShownAsText_neverAsMarkup() {
        // GIVEN scenario text and an execution name with markup in them
        ReportPage page = new ReportPage("<script>alert('name')</script>", "a & b <i>c</i>", "x < y \"quoted\"", null,
                List.of(), List.of(new ExecutionLink("<img src=x onerror=alert(1)>", "executions/odd name #1.json", "TIMED_OUT",
                        "'quoted' & <b>bold</b>")));

        // WHEN
        String html = HtmlReport.render(page, List.of());

        // THEN
        assertTrue(html.contains("<h1 id=\"scenario\">&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;</h1>"), html);
        assertTrue(html.contains("<p class=\"description\">a &amp; b &lt;i&gt;c&lt;/i&gt;</p>"), html);
        assertTrue(html.contains("<pre id=\"summary\">x &lt; y &quot;quoted&quot;</pre>"), html);
        assertTrue(html.contains("<a class=\"execution\" href=\"executions/odd%20name%20%231.json\">&lt;img src=x onerror=alert(1)&gt;</a>"), html);
        assertTrue(html.contains("<span class=\"status status-timed_out\">TIMED_OUT</span> — &#39;quoted&#39; &amp; &lt;b&gt;bold&lt;/b&gt;"), html);
        assertEquals(1, html.split("<script>", -1).length - 1, "only the page's own script");
    }

    @Test
    void comparison_isATableWithAColumnPerRunAndTheRatios_onlyWhenTwoPoliciesRan(@TempDir Path dir) throws Exception {
        // GIVEN
        ReportPage both = PageFixtures.flashSale(dir);
        ReportPage single = new ReportPage(both.scenarioName(), both.scenarioDescription(), both.summaryText(), null, both.charts(),
                both.executions());

        // WHEN
        String withTable = HtmlReport.render(both, List.of(new byte[] {1}));
        String withoutTable = HtmlReport.render(single, List.of(new byte[] {1}));

        // THEN
        assertTrue(withTable.contains("<thead><tr><th></th><th>default</th><th>seed-baseline</th><th>default / seed-baseline</th>"
                + "<th>default / oracle</th></tr></thead>"), withTable);
        assertTrue(withTable.contains("<tr><th scope=\"row\">Scale-up events</th><td class=\"value\">1</td><td class=\"value\">5</td>"
                + "<td class=\"value\">0.20</td><td class=\"value\">—</td></tr>"), withTable);
        assertFalse(withoutTable.contains("comparison\""), "no table for a single policy");
    }

    @Test
    void chart_isEmbeddedAsAPngDataUri_withItsSizeAndCaption() {
        // GIVEN
        ReportPage page = new ReportPage("s", "", "summary", null, List.of(new Chart("the caption", ONE_RUN, "run")), List.of());

        // WHEN
        String html = HtmlReport.render(page, List.of(new byte[] {1, 2, 3}));

        // THEN
        assertTrue(html.contains("<img class=\"chart\" width=\"1200\" height=\"" + ONE_RUN.height()
                + "\" alt=\"the caption\" src=\"data:image/png;base64,AQID\">"), html);
        assertTrue(html.contains("<p id=\"executions\">No execution was recorded.</p>"), html);
    }

    @Test
    void write_refusesALinkToAHistoryThatIsNotThere(@TempDir Path dir) {
        ReportPage page = new ReportPage("s", "", "summary", null, List.of(),
                List.of(new ExecutionLink("tick-1", "executions/tick-1.json", "SUCCEEDED", "")));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> HtmlReport.write(dir, page));
        assertTrue(error.getMessage().contains("missing history"), error.getMessage());
        assertFalse(Files.exists(dir.resolve("index.html")), "nothing written");
    }

    @Test
    void executionLinks_mustStayUnderTheOutputDirectory() {
        for (String path : List.of("../secret.json", "/etc/passwd", "javascript:alert(1)", "https://example.com/x.json",
                "executions//x.json", "a\\b.json", "executions/../../x.json", "")) {
            assertThrows(IllegalArgumentException.class, () -> new ExecutionLink("n", path, "SUCCEEDED", ""), path);
        }
        assertEquals("executions/a.json", new ExecutionLink("n", "executions/a.json", "FAILED", null).relativePath());
    }

    @Test
    void chartFileStems_arePlainNames_andUnique() {
        assertThrows(IllegalArgumentException.class, () -> new Chart("c", ONE_RUN, "../chart"));
        assertThrows(IllegalArgumentException.class, () -> new Chart("c", ONE_RUN, "my chart"));
        Chart chart = new Chart("c", ONE_RUN, "chart");
        assertThrows(IllegalArgumentException.class, () -> new ReportPage("s", "", "t", null, List.of(chart, chart), List.of()));
    }

    private static String sha256(String text) throws Exception {
        return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
