package dev.k3sautoscaler.simulator.cli;

import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.Fault;
import dev.k3sautoscaler.simulator.engine.HistoryWriter;
import dev.k3sautoscaler.simulator.engine.Invariants;
import dev.k3sautoscaler.simulator.engine.Simulation;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.engine.SimulationResult;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import dev.k3sautoscaler.workflow.Execution;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The fault matrix: every function × every fault kind × the first few invocations, each
 * injected into its own run of the fault-probe scenario (a surge, a fall and a Spot interruption,
 * so every step does real work), and every invariant checked after each run. Prints how many runs
 * held every invariant, and each one that did not with the evidence.
 */
@Command(name = "fault-matrix", mixinStandardHelpOptions = true,
        description = "Inject every fault kind at every step and check every invariant after each run.")
public final class FaultMatrixCommand implements Callable<Integer> {
    public static final String PROBE = "faults/fault-probe.yaml";
    public static final String RESULTS = "fault-matrix.json";
    public static final String BROKEN = "broken";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--occurrences", defaultValue = "3", paramLabel = "N",
            description = "inject at the 1st..N-th invocation of each step (default: ${DEFAULT-VALUE}: 17 steps x 8 kinds x 3 = 408 runs)")
    int occurrences;

    @Option(names = "--reduced", description = "each fault kind at a few steps (36 runs: the CI's matrix)")
    boolean reduced;

    @Option(names = "--only", paramLabel = "KIND:STEP[@N]", converter = SimulateCommand.FaultConverter.class,
            description = "run just these faults (repeatable), e.g. to reproduce one that broke an invariant")
    List<Fault> only = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/fault-matrix",
            description = "where fault-matrix.json and the functions' logs go (default: ${DEFAULT-VALUE})")
    Path out;

    /** One run of the matrix. */
    public record Outcome(String fault, boolean fired, List<String> violations, List<String> runtimeErrors) {
        public boolean held() {
            return violations.isEmpty() && runtimeErrors.isEmpty();
        }
    }

    public static void main(String[] args) {
        int exit = SimulateCommand.EXIT_RUN_FAILED;
        try {
            OptionalInt relaunched = LambdaProcess.relaunchUnlessInPlace(FaultMatrixCommand.class, args);
            exit = relaunched.isPresent() ? relaunched.getAsInt() : new CommandLine(new FaultMatrixCommand()).execute(args);
        } finally {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter terminal = spec.commandLine().getOut();
        Scenario probe = probe();
        List<Fault> faults = faults(functionNames(probe));
        terminal.printf(Locale.ROOT, "Fault matrix: %d runs of %s (%s each)%n", faults.size(), probe.name(),
                dev.k3sautoscaler.simulator.scenario.Durations.format(probe.duration()));
        terminal.flush();
        Files.createDirectories(out);
        List<Outcome> outcomes = new ArrayList<>();
        long started = System.nanoTime();
        PrintStream stdout = System.out;
        try (PrintStream logs = new PrintStream(Files.newOutputStream(out.resolve(SimulateCommand.LAMBDA_LOGS)), true,
                StandardCharsets.UTF_8)) {
            System.setOut(logs);
            for (Fault fault : faults) {
                Outcome outcome = run(probe, fault, out.resolve(BROKEN));
                outcomes.add(outcome);
                terminal.printf(Locale.ROOT, "  %-45s %s%n", fault, outcome.held()
                        ? (outcome.fired() ? "held" : "held (step not reached that often)")
                        : "BROKEN: " + String.join("; ", outcome.violations()) + String.join("; ", outcome.runtimeErrors()));
                terminal.flush();
            }
        } finally {
            System.setOut(stdout);
        }
        StepJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve(RESULTS).toFile(), outcomes);
        report(terminal, outcomes, (System.nanoTime() - started) / 1e9);
        return outcomes.stream().allMatch(Outcome::held) ? 0 : SimulateCommand.EXIT_INVARIANT_BROKEN;
    }

    /** One run; a run that broke something leaves its execution histories under {@code brokenDir/<fault>} to read. */
    static Outcome run(Scenario probe, Fault fault, Path brokenDir) {
        try (Simulation simulation = new Simulation(probe, PolicyName.DEFAULT, List.of(fault))) {
            SimulationResult result = simulation.run();
            List<String> violations = Invariants.check(result).stream().map(Invariants.Violation::toString).toList();
            // States.Runtime is a broken definition, never an acceptable reaction to a fault.
            List<String> runtimeErrors = result.executions().stream().map(Simulation.RunExecution::execution)
                    .filter(execution -> execution.isDone() && "States.Runtime".equals(execution.error()))
                    .map(Execution::name).toList();
            Outcome outcome = new Outcome(fault.toString(), !result.faultsInjected().isEmpty(), violations, runtimeErrors);
            if (!outcome.held()) {
                HistoryWriter.write(brokenDir.resolve(fault.toString().replace(':', '_').replace('@', '_')), result.executions());
            }
            return outcome;
        }
    }

    /**
     * The lifecycle faults of the reduced matrix, at the steps whose late or repeated side effect
     * matters most: a launch or terminate landing after the lease, a Node never deleted.
     */
    static final List<Fault> REDUCED_LIFECYCLE = List.of(
            Fault.parse("slow:launch-workers@1"), Fault.parse("slow:cordon-node@1"), Fault.parse("slow:terminate-workers@1"),
            Fault.parse("lost-result:launch-workers@1"), Fault.parse("lost-result:terminate-workers@1"),
            Fault.parse("lost-result:delete-node@1"));

    /**
     * Every step × kind × occurrence, or the reduced set: each call-level and window kind at five
     * steps, rotating so all steps are covered, then {@link #REDUCED_LIFECYCLE}.
     */
    List<Fault> faults(List<String> steps) {
        if (!only.isEmpty()) {
            return List.copyOf(only);
        }
        List<Fault> faults = new ArrayList<>();
        Fault.Kind[] kinds = Fault.Kind.values();
        if (reduced) {
            int k = 0;
            for (Fault.Kind kind : kinds) {
                if (kind == Fault.Kind.SLOW || kind == Fault.Kind.LOST_RESULT) {
                    continue;
                }
                for (int i = 0; i < 5; i++) {
                    faults.add(new Fault(kind, steps.get((k * 5 + i) % steps.size()), 1));
                }
                k++;
            }
            faults.addAll(REDUCED_LIFECYCLE);
            return faults;
        }
        for (String step : steps) {
            for (Fault.Kind kind : kinds) {
                for (int n = 1; n <= occurrences; n++) {
                    faults.add(new Fault(kind, step, n));
                }
            }
        }
        return faults;
    }

    /** The fault probe: a surge, a fall and a Spot interruption in one hour. */
    public static Scenario probe() {
        try (InputStream in = FaultMatrixCommand.class.getClassLoader().getResourceAsStream(PROBE)) {
            if (in == null) {
                throw new IllegalStateException(PROBE + " is missing from the simulator's classpath");
            }
            return ScenarioLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), PROBE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> functionNames(Scenario probe) {
        try (Simulation simulation = new Simulation(probe, PolicyName.DEFAULT)) {
            return simulation.functionNames();
        }
    }

    private static void report(PrintWriter terminal, List<Outcome> outcomes, double seconds) {
        Map<String, int[]> byKind = new LinkedHashMap<>();
        for (Outcome outcome : outcomes) {
            int[] counts = byKind.computeIfAbsent(outcome.fault().substring(0, outcome.fault().indexOf(':')), k -> new int[3]);
            counts[0]++;
            counts[1] += outcome.fired() ? 1 : 0;
            counts[2] += outcome.held() ? 1 : 0;
        }
        terminal.println();
        terminal.printf(Locale.ROOT, "%-20s %6s %8s %6s%n", "fault kind", "runs", "injected", "held");
        byKind.forEach((kind, counts) -> terminal.printf(Locale.ROOT, "%-20s %6d %8d %6d%n", kind, counts[0], counts[1], counts[2]));
        long fired = outcomes.stream().filter(Outcome::fired).count();
        long held = outcomes.stream().filter(Outcome::held).count();
        terminal.printf(Locale.ROOT, "%d runs, %d faults injected (the rest: the step ran fewer times), %d held every invariant;"
                + " %.0f s of wall time.%n", outcomes.size(), fired, held, seconds);
        terminal.flush();
    }
}
