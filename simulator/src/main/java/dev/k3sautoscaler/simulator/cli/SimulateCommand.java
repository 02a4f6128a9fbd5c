package dev.k3sautoscaler.simulator.cli;

import dev.k3sautoscaler.simulator.oracle.CostOracle;
import dev.k3sautoscaler.simulator.scenario.Durations;
import dev.k3sautoscaler.simulator.scenario.InvalidScenarioException;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code simulate} command as far as it is built: it loads and validates a scenario and prints
 * what a run would cover. Running the real workflow against the virtual AWS + K3s is the next step
 * (docs/simulator.md); until then the command says so and exits with {@link #EXIT_NOT_WIRED} instead
 * of printing anything that could pass for a result.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run the autoscaler on a scenario offline (scenario loading and validation only, for now).")
public final class SimulateCommand implements Callable<Integer> {
    public static final int EXIT_INVALID_SCENARIO = 1;
    /** Distinct from picocli's 2 (usage error): the inputs were fine, the run itself does not exist yet. */
    public static final int EXIT_NOT_WIRED = 3;

    enum Policy {
        DEFAULT("default"), SEED_BASELINE("seed-baseline");

        private final String label;

        Policy(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--scenario", required = true, paramLabel = "<name|file>",
            description = "a bundled scenario (${COMPLETION-CANDIDATES}) or a YAML/JSON file",
            completionCandidates = Bundled.class)
    String scenario;

    @Option(names = "--policy", defaultValue = "default", paramLabel = "default|seed-baseline",
            converter = PolicyConverter.class, description = "the scaling policy (default: ${DEFAULT-VALUE})")
    Policy policy;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/simulation", description = "where execution histories go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seed", paramLabel = "N", description = "overrides the scenario's seed")
    Long seed;

    @Option(names = "--check", description = "validate the scenario, print the plan and exit 0")
    boolean check;

    static final class Bundled extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Bundled() {
            super(ScenarioLoader.BUNDLED);
        }
    }

    static final class PolicyConverter implements CommandLine.ITypeConverter<Policy> {
        @Override
        public Policy convert(String value) {
            for (Policy candidate : Policy.values()) {
                if (candidate.label.equals(value)) {
                    return candidate;
                }
            }
            throw new CommandLine.TypeConversionException("expected default or seed-baseline, found '" + value + "'");
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulateCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Scenario loaded;
        try {
            loaded = ScenarioLoader.resolve(scenario);
        } catch (InvalidScenarioException e) {
            err.println(e.getMessage());
            return EXIT_INVALID_SCENARIO;
        } catch (UncheckedIOException e) {
            err.println(e.getMessage() + ": " + e.getCause().getMessage());
            return EXIT_INVALID_SCENARIO;
        }
        out.print(plan(loaded));
        if (check) {
            out.println("Scenario is valid.");
            return 0;
        }
        err.println("Not run: the simulation engine (the real workflow and handlers on the virtual AWS + K3s) is not wired yet;"
                + " see docs/simulator.md. Use --check to validate scenarios.");
        return EXIT_NOT_WIRED;
    }

    private String plan(Scenario s) {
        long effectiveSeed = seed != null ? seed : s.seed();
        CostOracle.Curve floor = CostOracle.compute(s);
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Scenario %s: %s%n", s.name(), s.description()));
        text.append(String.format(Locale.ROOT, "  duration %s, tick every %s (%d ticks), seed %d, policy %s, output %s%n",
                Durations.format(s.duration()), Durations.format(s.tick()), s.duration().dividedBy(s.tick()), effectiveSeed, policy, out));
        text.append(String.format(Locale.ROOT, "  cluster: master + %d %s workers (%d Spot) in %s; bounds %d..%d%n",
                s.cluster().workers(), s.workerType().name(), s.cluster().spotWorkers(), String.join(", ", s.cluster().zones()),
                s.config().minWorkers(), s.config().maxWorkers()));
        for (Workload w : s.workloads()) {
            text.append(String.format(Locale.ROOT, "  workload %s/%s (%s): %s, %dm / %d MiB per pod%n", w.namespace(), w.name(),
                    w.kind().label(), w.replicas().isEmpty() ? "one per Ready node" : w.replicas().size() + " timeline steps",
                    w.cpuMillis(), w.memoryMiB()));
        }
        text.append(String.format(Locale.ROOT, "  faults: %d capacity-error windows, %d Spot interruptions, %d outages%n",
                s.capacityErrors().size(), s.spotInterruptions().size(), s.outages().size()));
        text.append(String.format(Locale.ROOT, "  oracle floor: %.2f node-hours, $%.4f at $%.4f/h%n",
                floor.nodeHours(), floor.costUsd(), floor.hourlyPriceUsd()));
        return text.toString();
    }
}
