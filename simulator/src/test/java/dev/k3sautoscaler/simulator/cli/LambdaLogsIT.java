package dev.k3sautoscaler.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.contract.PowertoolsEnvironment;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.runtime.StepJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run as a user starts it — its own JVM, through {@code main}, with none of the Lambda variables
 * set — leaves in {@code lambda-logs.jsonl} what CloudWatch Logs would hold for the functions, and
 * nothing of the virtual cloud's own machinery on the terminal.
 */
class LambdaLogsIT {
    private static final Set<String> FUNCTIONS = Arrays.stream(Step.values()).map(Step::functionName).collect(Collectors.toSet());

    @Test
    void aRun_logsOnlyTheFunctionsRecords_withTheServiceName_andTheirMetricsAsEmf(@TempDir Path dir) throws Exception {
        // GIVEN / WHEN ten minutes of steady in a JVM started like the launcher's, the Lambda variables unset
        Path out = dir.resolve("out");
        Run run = simulate(dir, "--scenario", "steady", "--duration", "10m", "--out", out.toString());

        // THEN it completed, and neither DynamoDB Local, SQLite nor the EMF library spoke on the terminal
        assertEquals(0, run.exit(), run.stderr());
        for (String noise : List.of("sqlite", "DynamoDB Local", "Endpoint is not defined", "Unknown Service")) {
            assertFalse(run.stdout().contains(noise), noise + " on stdout:\n" + run.stdout());
            assertFalse(run.stderr().contains(noise), noise + " on stderr:\n" + run.stderr());
        }
        // AND every line of the Lambda log is one function's JSON log record (with the service name) or EMF document
        List<String> lines = Files.readAllLines(out.resolve(SimulateCommand.LAMBDA_LOGS));
        int metrics = 0;
        for (String line : lines) {
            JsonNode record = json(line);
            if (record.has("_aws")) {
                metrics++;
                // Metrics carry the namespace and the cluster, as StepMetrics publishes them (Powertools adds no Service to these)
                assertEquals(PowertoolsEnvironment.METRICS_NAMESPACE,
                        record.path("_aws").path("CloudWatchMetrics").path(0).path("Namespace").asText(), line);
                assertEquals("sim", record.path("ClusterId").asText(), line);
            } else {
                assertEquals(PowertoolsEnvironment.SERVICE_NAME, record.path("service").asText(), line);
                assertTrue(FUNCTIONS.contains(record.path("function_name").asText()), line);
            }
        }
        assertTrue(metrics > 0, "no EMF document in the Lambda log: Decide's gauges go to stdout in Lambda");
        assertTrue(lines.size() > metrics, "no log record in the Lambda log");
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    /** The simulator's main in a fresh JVM with the launcher's flags, from this test's classpath. */
    private static Run simulate(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), SimulateCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("POWERTOOLS_") || name.startsWith("AWS_"));
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the run did not end within 5 minutes");
        }
        return new Run(process.exitValue(), Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }

    private static JsonNode json(String line) {
        try {
            return StepJson.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not one JSON record: " + line, e);
        }
    }
}
