package dev.k3sautoscaler.simulator.cli;

import dev.k3sautoscaler.contract.PowertoolsEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The simulator's JVM set up as a function's process is in Lambda, so {@code lambda-logs.jsonl}
 * holds what CloudWatch Logs would: Powertools and the EMF library read their settings from the
 * process environment, which a running JVM cannot change for itself. When they are missing, the
 * command runs once more in a child JVM that has them (same JVM options, classpath and arguments,
 * the terminal shared); its exit code is the command's.
 */
final class LambdaProcess {
    /** The EMF library's own switch to the console sink (stdout) it picks in Lambda. */
    static final String EMF_ENVIRONMENT = "AWS_EMF_ENVIRONMENT";

    private LambdaProcess() {
    }

    /**
     * The stack's Powertools variables, and EMF on stdout. In Lambda the EMF library recognises
     * Lambda by AWS_LAMBDA_FUNCTION_NAME, which one process running every function cannot carry;
     * outside it, it would send the metrics to a CloudWatch agent's socket ("Endpoint is not defined").
     */
    static Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>(PowertoolsEnvironment.variables());
        variables.put(EMF_ENVIRONMENT, "Lambda");
        return Collections.unmodifiableMap(variables);
    }

    static boolean inPlace(Map<String, String> environment) {
        return variables().entrySet().stream().allMatch(variable -> variable.getValue().equals(environment.get(variable.getKey())));
    }

    /** For {@code main}: the exit code of the command run in a child JVM with the variables; empty when this one has them. */
    static OptionalInt relaunchUnlessInPlace(Class<?> main, String[] args) {
        if (inPlace(System.getenv())) {
            return OptionalInt.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(variables());
        try {
            return OptionalInt.of(builder.start().waitFor());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.of(SimulateCommand.EXIT_RUN_FAILED);
        }
    }
}
