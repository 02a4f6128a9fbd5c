package dev.k3sautoscaler.bootstrap;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real command-line validator (shellcheck, promtool). A missing binary fails the test with
 * the install hint: these checks must never be skipped silently.
 */
record ExternalTool(String binary) {
    /** Each validation here takes well under a second; a minute means the tool hangs. */
    private static final long TIMEOUT_SECONDS = 60;

    static final ExternalTool SHELLCHECK = new ExternalTool("shellcheck");
    static final ExternalTool PROMTOOL = new ExternalTool("promtool");
    static final ExternalTool PROMETHEUS = new ExternalTool("prometheus");
    static final ExternalTool BASH = new ExternalTool("bash");

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** The binary's absolute path, or a test failure saying how to install it. */
    Path require() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("`" + binary + "` is not on PATH. It is a test prerequisite: run `./autoscaler setup` "
                + "(scripts/install-prerequisites.sh) or install it with your package manager.");
    }

    Result run(Path workingDirectory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a long-running process (the Prometheus server); the caller destroys it. */
    Process start(Path workingDirectory, Path logFile, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(List.of(arguments));
        try {
            return new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
