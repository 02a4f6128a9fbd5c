package dev.k3sautoscaler.simulator.report.html;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} in headless mode, run once per page: it saves a screenshot and prints
 * the DOM after the load event, which is where the page's own script writes its verdict.
 */
final class HeadlessChromium {
    static final String BINARY = "chromium";
    /** A cold start with a fresh profile takes 1–3 s here; a minute means it hangs. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final int WINDOW_WIDTH = 1280;
    static final int WINDOW_HEIGHT = 2000;

    /**
     * @param dom          the DOM after load, as {@code --dump-dom} prints it
     * @param consoleLines the page's console messages, which chromium logs to stderr as {@code INFO:CONSOLE:<line>] "…"}
     */
    record Visit(String dom, List<String> consoleLines, String stderr, Duration wallTime) {
    }

    private HeadlessChromium() {
    }

    /** The binary on PATH; fails the test, saying how to install it, when there is none. */
    static Path binary() {
        return binary(System.getenv().getOrDefault("PATH", ""));
    }

    static Path binary(String searchPath) {
        Optional<Path> found = Stream.of(searchPath.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, BINARY))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty()) {
            fail("'" + BINARY + "' is not on PATH: the HTML report is checked in a real headless browser. "
                    + "Run scripts/install-prerequisites.sh (installs Debian's chromium package), or ./autoscaler setup.");
        }
        return found.get();
    }

    /** Opens {@code page}, writes {@code screenshot}, returns the DOM; fails the test if chromium fails, hangs or draws nothing. */
    static Visit open(Path page, Path screenshot, Path workDir) throws IOException, InterruptedException {
        // A fresh profile per visit: nothing cached from an earlier page can hide an error.
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile-");
        Path stdout = workDir.resolve("chromium.stdout");
        Path stderr = workDir.resolve("chromium.stderr");
        Files.deleteIfExists(screenshot);
        List<String> command = List.of(binary().toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--enable-logging=stderr", "--v=0",
                "--window-size=" + WINDOW_WIDTH + "," + WINDOW_HEIGHT,
                "--screenshot=" + screenshot.toAbsolutePath(),
                "--dump-dom",
                page.toAbsolutePath().toUri().toString());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within " + TIMEOUT.toSeconds() + " s opening " + page + "; stderr: " + tail(stderr));
        }
        Duration wallTime = Duration.ofNanos(System.nanoTime() - started);
        deleteTree(profile);
        if (process.exitValue() != 0) {
            fail("chromium exited with " + process.exitValue() + " opening " + page + "; stderr: " + tail(stderr));
        }
        if (!Files.isRegularFile(screenshot) || Files.size(screenshot) == 0) {
            fail("chromium wrote no screenshot to " + screenshot + "; stderr: " + tail(stderr));
        }
        String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        List<String> console = errors.lines().filter(line -> line.contains(":CONSOLE")).toList();
        return new Visit(Files.readString(stdout, StandardCharsets.UTF_8), console, errors, wallTime);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(none)";
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
