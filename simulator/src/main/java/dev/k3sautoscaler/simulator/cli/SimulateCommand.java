package dev.k3sautoscaler.simulator.cli;

import dev.k3sautoscaler.simulator.oracle.CostOracle;
import dev.k3sautoscaler.simulator.scenario.Durations;
import dev.k3sautoscaler.simulator.scenario.InvalidScenarioException;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.runtime.StepJson;
import dev.k3sautoscaler.simulator.engine.DecisionLog;
import dev.k3sautoscaler.simulator.engine.Fault;
import dev.k3sautoscaler.simulator.engine.HistoryWriter;
import dev.k3sautoscaler.simulator.engine.Invariants;
import dev.k3sautoscaler.simulator.engine.WorldWatch;
import dev.k3sautoscaler.simulator.engine.Simulation;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.engine.SimulationResult;
import dev.k3sautoscaler.simulator.replay.ActualRun;
import dev.k3sautoscaler.simulator.replay.ExportFile;
import dev.k3sautoscaler.simulator.replay.PrometheusHistory;
import dev.k3sautoscaler.simulator.replay.Replay;
import dev.k3sautoscaler.simulator.replay.ReplayException;
import dev.k3sautoscaler.simulator.replay.ReplayParameters;
import dev.k3sautoscaler.simulator.replay.ReplayRange;
import dev.k3sautoscaler.simulator.replay.ScenarioDerivation;
import dev.k3sautoscaler.simulator.report.ComparisonTable;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.report.chart.LabelledRun;
import dev.k3sautoscaler.simulator.report.chart.RunChart;
import dev.k3sautoscaler.simulator.report.html.HtmlReport;
import dev.k3sautoscaler.simulator.report.html.ReportPage;
import dev.k3sautoscaler.simulator.report.SummaryTable;
import dev.k3sautoscaler.simulator.replay.ClusterMetricsExport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code simulate} command: loads a scenario, runs the real workflow and handlers on the
 * virtual AWS + K3s ({@link Simulation}), prints progress and the summary, and writes under
 * {@code --out}: the execution histories ({@code executions/*.json}), the per-tick decisions
 * ({@code decisions.jsonl}), {@code summary.json}, the status ConfigMap's last content
 * ({@code k3s-autoscaler-status.yaml}), the
 * handlers' own log lines ({@code lambda-logs.jsonl}: their JSON logs and EMF metrics, which would go
 * to CloudWatch), and with {@code --export-metrics on} the cluster's metric history
 * ({@code cluster-metrics.om}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Run the autoscaler's real workflow and handlers on a scenario, offline, on a virtual AWS + K3s.")
public final class SimulateCommand implements Callable<Integer> {
    public static final int EXIT_INVALID_SCENARIO = 1;
    /** The run could not complete (an output directory that cannot be written, a broken virtual cloud). */
    public static final int EXIT_RUN_FAILED = 3;
    /** The run completed but broke an invariant (listed on stdout): a bug in the autoscaler, loudly. */
    public static final int EXIT_INVARIANT_BROKEN = 4;
    public static final String LAMBDA_LOGS = "lambda-logs.jsonl";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String CHART = "chart";
    public static final String NOTIFICATIONS = "notifications.jsonl";
    /** The status ConfigMap's last {@code status}, as {@code kubectl get configmap} would show it at the run's end. */
    public static final String CLUSTER_STATUS = "k3s-autoscaler-status.yaml";
    /** A replay's scenario, as derived: edit it and run it again with {@code --scenario}. */
    public static final String DERIVED_SCENARIO = "derived-scenario.yaml";
    /** How far back a replay from a URL reads unless told. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(7);

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** What runs when no source is given: the README's main job. */
    static final String DEFAULT_SCENARIO = "flash-sale";

    @Option(names = "--scenario", paramLabel = "<name|file>",
            description = "a bundled scenario (${COMPLETION-CANDIDATES}) or a YAML/JSON file (default: flash-sale,"
                    + " when neither --from-prometheus nor --from-export is given)",
            completionCandidates = Bundled.class)
    String scenario;

    @Option(names = "--from-prometheus", paramLabel = "URL",
            description = "replay your cluster: derive the scenario from this Prometheus (its base URL) over --range,"
                    + " write it under --out, run both policies on it and report them beside what actually happened")
    java.net.URI fromPrometheus;

    @Option(names = "--from-export", paramLabel = "FILE",
            description = "the same from a saved export (OpenMetrics text with a timestamp on each sample), offline")
    Path fromExport;

    @Option(names = "--range", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how far back a replay reads (default: 7d from a URL; the whole file from an export)")
    Duration range;

    @Option(names = "--until", paramLabel = "TIME",
            description = "where a replay's range ends, e.g. 2026-12-01T00:00:00Z (default: now; an export: its end)")
    java.time.Instant until;

    @Option(names = "--step", paramLabel = "DURATION", defaultValue = "1m", converter = DurationConverter.class,
            description = "the replay's resolution (default: ${DEFAULT-VALUE})")
    Duration step;

    @Option(names = "--bearer-token-file", paramLabel = "FILE",
            description = "a file holding the token the replay's Prometheus asks for")
    Path bearerTokenFile;

    @Option(names = "--hourly-price", paramLabel = "USD",
            description = "what one of the replayed cluster's workers costs per hour (default: WORKER_HOURLY_PRICE_USD's default)")
    Double hourlyPrice;

    @Option(names = "--policy", defaultValue = "default", paramLabel = "default|seed-baseline|both",
            converter = PolicyConverter.class,
            description = "the scaling policy; both runs the two on the same scenario and seed (default: ${DEFAULT-VALUE})")
    PolicyChoice policy;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/simulation",
            description = "where the execution histories, summary.json and the functions' logs go (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seed", paramLabel = "N", description = "overrides the scenario's seed")
    Long seed;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "cut the run short (e.g. 30m; the scenario's own length by default)")
    Duration duration;

    @Option(names = "--inject", paramLabel = "KIND:STEP[@N]", converter = FaultConverter.class,
            description = "inject a fault at the N-th invocation of a function (repeatable): throw, crash,"
                    + " duplicate-start, capacity-error, api-5xx, prometheus-outage, slow (the handler runs"
                    + " LOCK_TTL_SEC + a tick late, then Sandbox.Timedout), lost-result (every attempt of that state"
                    + " runs, then Lambda.Unknown); e.g. crash:launch-workers@1")
    List<Fault> faults = new ArrayList<>();

    @Option(names = "--fast-path", defaultValue = "on", paramLabel = "on|off",
            description = "on: the unschedulable-pods alert (and, with a headroom, the headroom alert) also starts a tick"
                    + " within seconds, as deployed by default (the CDK stack's unschedulableFastPath); off: the 1-minute"
                    + " schedule alone (default: ${DEFAULT-VALUE})")
    Toggle fastPath;

    @Option(names = "--export-metrics", defaultValue = "off", paramLabel = "on|off",
            description = "on: also write " + ClusterMetricsExport.FILE + ", the cluster's history as kube-state-metrics and"
                    + " cAdvisor would have exported it, one sample a simulated minute, in OpenMetrics text for"
                    + " promtool tsdb create-blocks-from openmetrics (default: ${DEFAULT-VALUE})")
    Toggle exportMetrics;

    /** An option that is {@code on} or {@code off}, as the README writes it. */
    enum Toggle { on, off }

    @Option(names = "--check", description = "validate the scenario, print the plan and exit 0")
    boolean check;

    static final class Bundled extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Bundled() {
            super(ScenarioLoader.BUNDLED);
        }
    }

    /** What --policy asks for: one policy, or both side by side. */
    enum PolicyChoice {
        DEFAULT(List.of(PolicyName.DEFAULT)), SEED_BASELINE(List.of(PolicyName.SEED_BASELINE)),
        BOTH(List.of(PolicyName.DEFAULT, PolicyName.SEED_BASELINE));

        private final String label;
        private final List<PolicyName> policies;

        /** One policy is named as SCALING_POLICY names it; both are "both". */
        PolicyChoice(List<PolicyName> policies) {
            this.label = policies.size() == 1 ? policies.getFirst().value() : "both";
            this.policies = policies;
        }

        List<PolicyName> policies() {
            return policies;
        }

        String label() {
            return label;
        }
    }

    static final class PolicyConverter implements CommandLine.ITypeConverter<PolicyChoice> {
        @Override
        public PolicyChoice convert(String value) {
            for (PolicyChoice choice : PolicyChoice.values()) {
                if (choice.label.equals(value)) {
                    return choice;
                }
            }
            throw new CommandLine.TypeConversionException("expected default, seed-baseline or both, found '" + value + "'");
        }
    }

    static final class FaultConverter implements CommandLine.ITypeConverter<Fault> {
        @Override
        public Fault convert(String value) {
            try {
                return Fault.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration parsed = Durations.parse(value);
                if (parsed.isZero() || parsed.isNegative()) {
                    throw new CommandLine.TypeConversionException("must be positive: " + value);
                }
                return parsed;
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    public static void main(String[] args) {
        int exit = EXIT_RUN_FAILED;
        try {
            OptionalInt relaunched = LambdaProcess.relaunchUnlessInPlace(SimulateCommand.class, args);
            exit = relaunched.isPresent() ? relaunched.getAsInt() : new CommandLine(new SimulateCommand()).execute(args);
        } finally {
            // Always exit: the virtual cloud's servers run non-daemon threads that would keep a failed run alive.
            System.exit(exit);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long sources = java.util.stream.Stream.of(scenario, fromPrometheus, fromExport).filter(java.util.Objects::nonNull).count();
        if (sources > 1) {
            err.println("Give at most one of --scenario, --from-prometheus and --from-export.");
            return EXIT_INVALID_SCENARIO;
        }
        if (sources == 0) {
            // The main job on its embedded defaults, whatever else is asked (--out, --policy, --fast-path …).
            scenario = DEFAULT_SCENARIO;
        }
        Scenario loaded;
        Replay replay = null;
        try {
            if (scenario != null) {
                loaded = ScenarioLoader.resolve(scenario);
            } else {
                replay = replay(out);
                loaded = replay.scenario();
            }
        } catch (ReplayException e) {
            err.println(e.getMessage());
            return EXIT_INVALID_SCENARIO;
        } catch (InvalidScenarioException e) {
            err.println(e.getMessage());
            return EXIT_INVALID_SCENARIO;
        } catch (UncheckedIOException e) {
            err.println(e.getMessage() + ": " + e.getCause().getMessage());
            return EXIT_INVALID_SCENARIO;
        } catch (IOException e) {
            err.println("Cannot write the derived scenario under " + this.out + ": " + e.getMessage());
            return EXIT_RUN_FAILED;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage()); // a replay URL that is not http(s), a range shorter than a minute
            return EXIT_INVALID_SCENARIO;
        }
        if (seed != null) {
            loaded = loaded.withSeed(seed);
        }
        if (duration != null) {
            loaded = loaded.withDuration(duration);
        }
        out.print(plan(loaded));
        if (check) {
            out.println("Scenario is valid.");
            return 0;
        }
        out.flush();
        try {
            // A replay is there to compare: both policies, beside what the cluster did.
            PolicyChoice policies = replay != null ? PolicyChoice.BOTH : policy;
            List<PolicyRun> runs = new ArrayList<>();
            for (PolicyName one : policies.policies()) {
                Path dir = policies == PolicyChoice.BOTH ? this.out.resolve(one.value()) : this.out;
                runs.add(runAndReport(loaded, one, dir, out));
            }
            ComparisonTable comparison = null;
            if (runs.size() == 2) {
                comparison = ComparisonTable.of(runs.get(0).policy().value(), runs.get(0).summary(),
                        runs.get(1).policy().value(), runs.get(1).summary());
                if (replay != null) {
                    ActualRun actual = replay.actual();
                    comparison = comparison.withActual(ACTUAL, runs.get(0).summary(), new ComparisonTable.Observed(
                            actual.nodeHours(), actual.costUsd(), actual.unschedulablePodMinutes()));
                }
                out.println();
                out.print(comparison.render(loaded.name() + " (" + Durations.format(loaded.duration()) + ", seed "
                        + loaded.seed() + ")"));
            }
            Path page = HtmlReport.write(this.out, page(loaded, runs, comparison, replay));
            out.printf(Locale.ROOT, "%nReport: %s (chart: %s)%n", page, this.out.resolve(CHART + ".png"));
            boolean held = runs.stream().allMatch(run -> run.violations().isEmpty());
            return held ? 0 : EXIT_INVARIANT_BROKEN;
        } catch (IOException | RuntimeException e) {
            err.println("The run failed: " + e);
            return EXIT_RUN_FAILED;
        }
    }

    /** What a replay's third column and chart line are called. */
    static final String ACTUAL = "actual";

    /**
     * Derives the scenario from the cluster's Prometheus (or a saved export, served by a local one) and
     * writes it under --out before anything runs, so a run that fails still leaves it to edit.
     */
    private Replay replay(PrintWriter out) throws IOException {
        double price = hourlyPrice != null ? hourlyPrice
                : Double.parseDouble(dev.k3sautoscaler.core.config.ConfigVariable.WORKER_HOURLY_PRICE_USD.defaultValue());
        ReplayParameters parameters = ReplayParameters.of(price, null, null);
        Replay replay;
        if (fromPrometheus != null) {
            PrometheusHistory history = PrometheusHistory.connect(fromPrometheus, bearerTokenFile);
            java.time.Instant end = until != null ? until : java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
            ReplayRange window = ReplayRange.ending(end, range != null ? range : DEFAULT_RANGE, step);
            out.printf(Locale.ROOT, "Reading %s from %s to %s at %s steps ...%n", history.displayUrl(), window.start(),
                    window.end(), Durations.format(step));
            replay = new ScenarioDerivation(history).derive(window, parameters);
        } else {
            ExportFile file = ExportFile.scan(fromExport);
            java.time.Instant end = until != null ? until : file.last().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            ReplayRange window = range != null ? ReplayRange.ending(end, range, step)
                    : new ReplayRange(file.first().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), end, step);
            out.printf(Locale.ROOT, "Reading %s (%s to %s) at %s steps ...%n", fromExport, window.start(), window.end(),
                    Durations.format(step));
            try (var server = file.serve()) {
                replay = new ScenarioDerivation(PrometheusHistory.connect(server.url(), null)).derive(window, parameters);
            }
        }
        java.nio.file.Files.createDirectories(this.out);
        Path derived = this.out.resolve(DERIVED_SCENARIO);
        java.nio.file.Files.writeString(derived, replay.yaml());
        replay.notes().forEach(note -> out.println("Note: " + note));
        replay.leftOut().forEach(left -> out.println("Left out: " + left));
        out.printf(Locale.ROOT, "Derived scenario: %s (actually: %.2f worker node-hours, $%.4f, %.0f unschedulable pod-minutes)%n",
                derived, replay.actual().nodeHours(), replay.actual().costUsd(), replay.actual().unschedulablePodMinutes());
        return replay;
    }

    /** What the replayed cluster did, as a chart line: its Ready workers and waiting pods over the range. */
    private static RunTimeline actualTimeline(ActualRun actual, Duration length) {
        List<RunTimeline.Sample> samples = actual.samples().stream().map(sample -> new RunTimeline.Sample(sample.at(),
                sample.readyWorkers(), sample.readyWorkers(), 0, sample.unschedulablePods(), 0, 0)).toList();
        return new RunTimeline(length, actual.step(), samples, List.of(), List.of(), List.of());
    }

    /** The HTML page: both runs on one chart, every kept execution history linked from where it was written. */
    private ReportPage page(Scenario loaded, List<PolicyRun> runs, ComparisonTable comparison, Replay replay) {
        List<LabelledRun> lines = new ArrayList<>(
                runs.stream().map(run -> new LabelledRun(run.policy().value(), run.result().timeline())).toList());
        if (replay != null) {
            lines.add(new LabelledRun(ACTUAL, actualTimeline(replay.actual(), loaded.duration()), true));
        }
        RunChart chart = RunChart.render(loaded.name(), lines, loaded.workerType().cpuMillis());
        StringBuilder summaries = new StringBuilder();
        List<ReportPage.ExecutionLink> links = new ArrayList<>();
        for (PolicyRun run : runs) {
            summaries.append(SummaryTable.render("policy " + run.policy().value(), run.summary()))
                    .append(run.violations().isEmpty() ? "Invariants: all held." : "INVARIANTS BROKEN: " + run.violations())
                    .append("\n\n");
            String prefix = runs.size() > 1 ? run.policy().value() + "/" : "";
            run.histories().forEach(history -> links.add(new ReportPage.ExecutionLink(
                    (runs.size() > 1 ? run.policy().value() + ": " : "") + history.name(), prefix + history.relativePath(),
                    history.status(), history.summary())));
        }
        return new ReportPage(loaded.name(), loaded.description(), summaries.toString().strip(), comparison,
                List.of(new ReportPage.Chart("Requested capacity, workers and unschedulable pods over time", chart, CHART)),
                links);
    }

    /** One policy's run, as reported: its summary and the invariants it broke (none, normally). */
    record PolicyRun(PolicyName policy, SimulationResult result, RunSummary summary, List<Invariants.Violation> violations,
            List<HistoryWriter.Written> histories) {
    }

    private PolicyRun runAndReport(Scenario loaded, PolicyName one, Path dir, PrintWriter out) throws IOException {
        Files.createDirectories(dir);
        HistoryWriter writer = HistoryWriter.into(dir);
        SimulationResult result = simulate(loaded, one, dir, writer, out);
        List<HistoryWriter.Written> histories = writer.finish(result.executions());
        DecisionLog.write(dir, result.executions());
        writeNotifications(dir, result.notifications());
        if (result.visibility() != null && result.visibility().status() != null) {
            Files.writeString(dir.resolve(CLUSTER_STATUS), result.visibility().status());
        }
        RunSummary summary = result.summary();
        StepJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(SUMMARY_JSON).toFile(), summary);
        List<Invariants.Violation> violations = new ArrayList<>(Invariants.check(result));
        violations.addAll(Invariants.secretsInLog(LAMBDA_LOGS, Files.readAllLines(dir.resolve(LAMBDA_LOGS)), result.secrets()));
        out.println();
        out.print(SummaryTable.render(loaded.name() + " — policy " + one.value(), summary));
        out.printf(Locale.ROOT, "%nFast path: %s%n", fastPath == Toggle.on ? result.executions().stream()
                .filter(run -> run.execution().name().startsWith(Simulation.ALERT_TICK_PREFIX)).count()
                + " ticks started by its alerts (unschedulable pods, headroom)" : "off (the 1-minute schedule alone)");
        out.printf(Locale.ROOT, "Execution histories (%d): %s%n", histories.size(), dir.resolve(HistoryWriter.DIRECTORY));
        result.faultsInjected().forEach(fault -> out.println("Fault injected: " + fault));
        if (violations.isEmpty()) {
            out.printf(Locale.ROOT, "Invariants: all %d held.%n", Invariants.Name.values().length);
        } else {
            out.printf(Locale.ROOT, "INVARIANTS BROKEN (%d):%n", violations.size());
            violations.forEach(violation -> out.println("  - " + violation));
        }
        out.flush();
        return new PolicyRun(one, result, summary, violations, histories);
    }

    /** The SNS messages the actuations published, one JSON object a line, as a subscriber would receive them. */
    private static void writeNotifications(Path dir, List<Simulation.Notification> notifications) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Simulation.Notification notification : notifications) {
            ObjectNode line = StepJson.MAPPER.createObjectNode().put("at", Simulation.START.plus(notification.at()).toString())
                    .put("execution", notification.execution());
            line.set("publish", notification.parameters());
            lines.append(line).append('\n');
        }
        Files.writeString(dir.resolve(NOTIFICATIONS), lines.toString());
    }

    /** Runs the scenario with the functions' stdout (JSON logs, EMF) going to a file instead of the terminal. */
    private SimulationResult simulate(Scenario loaded, PolicyName one, Path dir, HistoryWriter histories, PrintWriter progress)
            throws IOException {
        PrintStream terminal = System.out;
        long started = System.nanoTime();
        ClusterMetricsExport export = exportMetrics == Toggle.on ? new ClusterMetricsExport(Simulation.START) : null;
        try (PrintStream logs = new PrintStream(Files.newOutputStream(dir.resolve(LAMBDA_LOGS)), true, StandardCharsets.UTF_8)) {
            System.setOut(logs);
            try (Simulation simulation = new Simulation(loaded, one, faults).alertPath(fastPath == Toggle.on)
                    .writingHistories(histories).onProgress(line -> {
                progress.println(line);
                progress.flush();
            })) {
                if (export != null) {
                    simulation.onSample(export::sample);
                }
                SimulationResult result = simulation.run();
                if (export != null) {
                    writeMetrics(export, dir.resolve(ClusterMetricsExport.FILE), progress);
                }
                progress.printf(Locale.ROOT, "Simulated %s with policy %s in %.1f s of wall time.%n",
                        Durations.format(loaded.duration()), one.value(), (System.nanoTime() - started) / 1e9);
                return result;
            }
        } finally {
            System.setOut(terminal);
        }
    }

    private static void writeMetrics(ClusterMetricsExport export, Path file, PrintWriter progress) throws IOException {
        long started = System.nanoTime();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            export.writeTo(out);
        }
        progress.printf(Locale.ROOT, "Cluster metrics: %s (%d samples, %.1f MB, written in %.1f s)%n", file, export.samples(),
                Files.size(file) / 1e6, (System.nanoTime() - started) / 1e9);
    }

    private String plan(Scenario s) {
        long effectiveSeed = seed != null ? seed : s.seed();
        CostOracle.Curve floor = CostOracle.compute(s);
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "Scenario %s: %s%n", s.name(), s.description()));
        text.append(String.format(Locale.ROOT, "  duration %s, tick every %s (%d ticks), seed %d, policy %s, output %s%n",
                Durations.format(s.duration()), Durations.format(s.tick()), s.duration().dividedBy(s.tick()), effectiveSeed, policy.label(), out));
        text.append(String.format(Locale.ROOT, "  cluster: master + %d %s workers (%d Spot) in %s; bounds %d..%d%n",
                s.cluster().workers(), s.workerType().name(), s.cluster().spotWorkers(), String.join(", ", s.cluster().zones()),
                s.config().minWorkers(), s.config().maxWorkers()));
        for (Workload w : s.workloads()) {
            text.append(String.format(Locale.ROOT, "  workload %s/%s (%s): %s, %dm / %d MiB per pod%n", w.namespace(), w.name(),
                    w.kind().label(), w.replicas().isEmpty() ? "one per Ready node" : w.replicas().size() + " timeline steps",
                    w.cpuMillis(), w.memoryMiB()));
        }
        text.append(String.format(Locale.ROOT, "  faults: %d capacity-error windows, %d Spot interruptions, %d rebalance"
                        + " recommendations (%d followed by an interruption), %d outages%n",
                s.capacityErrors().size(), s.spotInterruptions().size(), s.rebalanceRecommendations().size(),
                s.rebalanceRecommendations().stream().filter(r -> r.interruptAfter() != null).count(), s.outages().size()));
        if (!faults.isEmpty()) {
            text.append("  injected: ").append(faults.stream().map(Fault::toString).collect(java.util.stream.Collectors.joining(", ")))
                    .append('\n');
        }
        text.append(String.format(Locale.ROOT, "  invariants (%d): %s; %s also at every instant%n", Invariants.Name.values().length,
                java.util.Arrays.stream(Invariants.Name.values()).map(Enum::name).collect(java.util.stream.Collectors.joining(", ")),
                String.join(", ", WorldWatch.WATCHED.stream().map(Enum::name).toList())));
        text.append(String.format(Locale.ROOT, "  oracle floor: %.2f node-hours (%.2f on-demand, %.2f Spot), $%.4f%n",
                floor.nodeHours(), floor.onDemandNodeHours(), floor.spotNodeHours(), floor.costUsd()));
        return text.toString();
    }
}
