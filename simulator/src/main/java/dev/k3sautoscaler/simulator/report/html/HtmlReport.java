package dev.k3sautoscaler.simulator.report.html;

import dev.k3sautoscaler.simulator.report.ComparisonTable;
import dev.k3sautoscaler.simulator.report.html.ReportPage.Chart;
import dev.k3sautoscaler.simulator.report.html.ReportPage.ExecutionLink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's page, {@code index.html}, with its charts beside it. The page is self-contained:
 * charts are embedded as PNG data URIs, the style and the one script are inline, nothing is
 * fetched (a Content-Security-Policy allows only those), so it works offline and from a CI artifact.
 * The script records what went wrong in the page itself — a script error, an image that did not
 * load or decode, anything the policy blocked — and marks {@code <body data-page-status>} with
 * {@code ok} or {@code errors} once loaded: a headless browser reads the verdict from the DOM
 * (docs/decisions/charts-and-report.md).
 */
public final class HtmlReport {
    public static final String INDEX = "index.html";
    /** What {@code data-page-status} holds once the page has loaded without a recorded error. */
    public static final String STATUS_OK = "ok";
    /** What {@code data-page-status} holds when the page recorded an error (each one an {@code li.page-error}). */
    public static final String STATUS_ERRORS = "errors";

    static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 1240px; padding: 0 1rem; color: #1b1b1b; }
            h1 { font-size: 1.6rem; margin-bottom: .3rem; }
            h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
            p.description { color: #444; margin-top: 0; }
            pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: .8rem; overflow-x: auto; font-size: .85rem; line-height: 1.35; }
            table.comparison { border-collapse: collapse; font-size: .9rem; }
            table.comparison th, table.comparison td { border: 1px solid #d0d7de; padding: .25rem .6rem; }
            table.comparison tbody th { text-align: left; font-weight: normal; }
            table.comparison td.value { text-align: right; font-variant-numeric: tabular-nums; }
            table.comparison thead th { background: #f6f8fa; }
            figure { margin: 1rem 0; }
            figure img { max-width: 100%; height: auto; border: 1px solid #e1e4e8; }
            figcaption { color: #444; font-size: .9rem; margin-top: .3rem; }
            ul.executions { font-size: .9rem; columns: 2; }
            .status { font-family: ui-monospace, monospace; font-size: .8rem; padding: 0 .3rem; border-radius: 3px; background: #eee; }
            .status-succeeded { background: #dafbe1; }
            .status-failed, .status-timed_out, .status-aborted { background: #ffebe9; }
            #page-errors:empty { display: none; }
            #page-errors { border: 2px solid #cf222e; background: #ffebe9; padding: .5rem 2rem; }
            """;

    /**
     * Records errors from the first moment (it runs before anything else is parsed) and gives the
     * verdict at the load event, after every image has loaded or failed.
     */
    static final String SCRIPT = """
            (function () {
              var errors = [];
              function show(message) {
                var list = document.getElementById('page-errors');
                if (!list) { return; }
                var item = document.createElement('li');
                item.className = 'page-error';
                item.textContent = message;
                list.appendChild(item);
              }
              function record(message) {
                errors.push(message);
                if (document.body && document.body.getAttribute('data-page-status') !== 'pending') {
                  show(message);
                  document.body.setAttribute('data-page-status', 'errors');
                }
              }
              window.addEventListener('error', function (event) {
                var target = event.target;
                if (target && target !== window && target.tagName) {
                  record('failed to load ' + target.tagName.toLowerCase() + ' ' + (target.currentSrc || target.src || target.href || '').slice(0, 120));
                } else {
                  record('script error: ' + event.message + ' at ' + event.filename + ':' + event.lineno);
                }
              }, true);
              window.addEventListener('unhandledrejection', function (event) {
                record('unhandled promise rejection: ' + event.reason);
              });
              document.addEventListener('securitypolicyviolation', function (event) {
                record('blocked by the page policy (' + event.violatedDirective + '): ' + event.blockedURI);
              });
              window.addEventListener('load', function () {
                var images = document.images;
                for (var i = 0; i < images.length; i++) {
                  if (!images[i].complete || images[i].naturalWidth === 0) {
                    record('image did not render: ' + (images[i].alt || images[i].src.slice(0, 60)));
                  }
                }
                errors.forEach(show);
                document.body.setAttribute('data-page-status', errors.length === 0 ? 'ok' : 'errors');
              });
            })();
            """;

    private HtmlReport() {
    }

    /**
     * Writes {@code outDir/index.html} and each chart's {@code <stem>.png} and {@code <stem>.svg} beside it.
     *
     * @return the page
     * @throws IllegalArgumentException when an execution link points to a file that is not under {@code outDir}
     */
    public static Path write(Path outDir, ReportPage page) throws IOException {
        for (ExecutionLink execution : page.executions()) {
            if (!Files.isRegularFile(outDir.resolve(execution.relativePath()))) {
                throw new IllegalArgumentException("the page would link to a missing history: " + outDir.resolve(execution.relativePath()));
            }
        }
        Files.createDirectories(outDir);
        List<byte[]> pngs = new ArrayList<>();
        for (Chart chart : page.charts()) {
            byte[] png = chart.chart().png();
            Files.write(outDir.resolve(chart.fileStem() + ".png"), png);
            chart.chart().writeSvg(outDir.resolve(chart.fileStem() + ".svg"));
            pngs.add(png);
        }
        Path index = outDir.resolve(INDEX);
        Files.writeString(index, render(page, pngs), StandardCharsets.UTF_8);
        return index;
    }

    /** The page's HTML; {@code pngs} are the charts' images, in order. */
    static String render(ReportPage page, List<byte[]> pngs) {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CONTENT_SECURITY_POLICY).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(page.scenarioName())).append(" — simulation</title>\n")
                .append("<script>").append(SCRIPT).append("</script>\n")
                .append("<style>").append(STYLE).append("</style>\n")
                .append("</head>\n<body data-page-status=\"pending\">\n")
                .append("<ul id=\"page-errors\"></ul>\n")
                .append("<h1 id=\"scenario\">").append(escape(page.scenarioName())).append("</h1>\n");
        if (!page.scenarioDescription().isBlank()) {
            html.append("<p class=\"description\">").append(escape(page.scenarioDescription())).append("</p>\n");
        }
        if (page.comparison() != null) {
            comparison(html, page.comparison());
        }
        if (!page.charts().isEmpty()) {
            html.append("<h2>Chart</h2>\n");
            for (int i = 0; i < page.charts().size(); i++) {
                chart(html, page.charts().get(i), pngs.get(i));
            }
        }
        html.append("<h2>Summary</h2>\n<pre id=\"summary\">").append(escape(page.summaryText())).append("</pre>\n");
        html.append("<h2>Execution histories</h2>\n");
        if (page.executions().isEmpty()) {
            html.append("<p id=\"executions\">No execution was recorded.</p>\n");
        } else {
            html.append("<ul class=\"executions\" id=\"executions\">\n");
            for (ExecutionLink execution : page.executions()) {
                html.append("<li><a class=\"execution\" href=\"").append(escape(urlPath(execution.relativePath()))).append("\">")
                        .append(escape(execution.name())).append("</a> <span class=\"status status-")
                        .append(cssToken(execution.status())).append("\">").append(escape(execution.status())).append("</span>");
                if (!execution.description().isBlank()) {
                    html.append(" — ").append(escape(execution.description()));
                }
                html.append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void comparison(StringBuilder html, ComparisonTable table) {
        html.append("<h2>Side by side</h2>\n<table class=\"comparison\" id=\"comparison\">\n<thead><tr><th></th>");
        for (String header : table.header()) {
            html.append("<th>").append(escape(header)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (ComparisonTable.Row row : table.rows()) {
            html.append("<tr><th scope=\"row\">").append(escape(row.figure())).append("</th>");
            for (String value : row.cells(table.actualLabel() != null)) {
                html.append("<td class=\"value\">").append(escape(value)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static void chart(StringBuilder html, Chart chart, byte[] png) {
        String stem = escape(chart.fileStem());
        html.append("<figure class=\"chart\">\n<img class=\"chart\" width=\"").append(chart.chart().width())
                .append("\" height=\"").append(chart.chart().height()).append("\" alt=\"").append(escape(chart.caption()))
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">\n")
                .append("<figcaption>").append(escape(chart.caption())).append(" — <a href=\"").append(stem).append(".png\">PNG</a>, <a href=\"")
                .append(stem).append(".svg\">SVG</a></figcaption>\n</figure>\n");
    }

    /**
     * Nothing but this page's own style and script (by hash) and data: images; any other load is
     * blocked and reported to the script. Links to the files beside the page are navigation, not loads.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src '" + sha256(STYLE)
            + "'; script-src '" + sha256(SCRIPT) + "'; base-uri 'none'; form-action 'none'";

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Text for an HTML element or a quoted attribute. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Each segment percent-encoded (RFC 3986 unreserved characters kept), so a name with spaces or '#' still links. */
    static String urlPath(String relativePath) {
        StringBuilder out = new StringBuilder();
        for (byte b : relativePath.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    /** A status as a class name: {@code TIMED_OUT} → {@code timed_out}; anything else dropped. */
    static String cssToken(String status) {
        return status.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    }
}
