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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real command-line validator (shellcheck, promtool, amtool) or server. A missing binary fails
 * the test with the install hint: these checks must never be skipped silently.
 *
 * @param binary    the upstream name of the program
 * @param otherNames names a distribution installs it under instead (Debian: prometheus-alertmanager)
 */
record ExternalTool(String binary, List<String> otherNames) {
    /** Each validation here takes well under a second; a minute means the tool hangs. */
    private static final long TIMEOUT_SECONDS = 60;

    static final ExternalTool SHELLCHECK = new ExternalTool("shellcheck");
    static final ExternalTool PROMTOOL = new ExternalTool("promtool");
    static final ExternalTool PROMETHEUS = new ExternalTool("prometheus");
    static final ExternalTool BASH = new ExternalTool("bash");
    static final ExternalTool AMTOOL = new ExternalTool("amtool");
    static final ExternalTool ALERTMANAGER = new ExternalTool("alertmanager", List.of("prometheus-alertmanager"));

    ExternalTool(String binary) {
        this(binary, List.of());
    }

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** The binary's absolute path, or a test failure saying how to install it. */
    Path require() {
        List<String> names = new ArrayList<>(List.of(binary));
        names.addAll(otherNames);
        for (String name : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
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
        return start(workingDirectory, logFile, Map.of(), arguments);
    }

    /** Starts a long-running process with {@code environment} added to this JVM's; the caller destroys it. */
    Process start(Path workingDirectory, Path logFile, Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(List.of(arguments));
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
