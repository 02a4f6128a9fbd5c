package dev.k3sautoscaler.simulator.replay;

import dev.k3sautoscaler.core.words.Words;
import dev.k3sautoscaler.metrics.QueryResult.Sample;
import dev.k3sautoscaler.simulator.replay.Replay.LeftOut;
import dev.k3sautoscaler.simulator.replay.Replay.Reason;
import dev.k3sautoscaler.simulator.replay.ReplayQueries.Resource;
import dev.k3sautoscaler.simulator.replay.ReplayQueries.Spread;
import dev.k3sautoscaler.simulator.replay.ScenarioDraft.Usage;
import dev.k3sautoscaler.simulator.replay.UnusableHistoryException.Problem;
import dev.k3sautoscaler.simulator.scenario.Durations;
import dev.k3sautoscaler.simulator.scenario.InvalidScenarioException;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.ReplicaStep;
import dev.k3sautoscaler.simulator.scenario.Scenario.WorkerType;
import dev.k3sautoscaler.simulator.scenario.ScenarioLoader;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a cluster's Prometheus history into a scenario the simulator runs, and into what the
 * cluster really did over the same range. Every value comes from kube-state-metrics and cAdvisor
 * series (see {@link ReplayQueries}); what they cannot tell (the price, the zones) comes from
 * {@link ReplayParameters}. Either the whole scenario is derived and loads, or a
 * {@link ReplayException} says why not.
 */
public final class ScenarioDerivation {
    /** Fixed, so one history always replays the same way; the command line's --seed varies it. */
    static final long SEED = 1;
    /** Usage above the request is real (memory bursts, no CPU limit), but a mean beyond this is a request that misleads. */
    static final double MAX_USAGE = 1.5;
    /** A uniform factor in [1 − j, 1 + j] spreads by j / √3: the jitter whose spread is the one measured. */
    private static final double UNIFORM_SPREAD = Math.sqrt(3);
    private static final double MIB = 1024.0 * 1024.0;
    private static final String KSM_MANIFEST = "cluster-bootstrap/manifests/kube-state-metrics.yaml";
    private static final int NAMES_SHOWN = 3;
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

    private final PrometheusHistory prometheus;

    public ScenarioDerivation(PrometheusHistory prometheus) {
        this.prometheus = prometheus;
    }

    /**
     * The scenario and the actual run of {@code range}.
     *
     * @throws PrometheusReadException  when Prometheus cannot be asked
     * @throws UnusableHistoryException when its history cannot describe the cluster over the range
     */
    public Replay derive(ReplayRange range, ReplayParameters parameters) {
        Set<String> stored = prometheus.metricNames();
        requireSeries(stored);
        if (prometheus.range(ReplayQueries.POD_OWNER_SAMPLES, range).isEmpty()) {
            throw new UnusableHistoryException(Problem.NO_SAMPLES, "no kube_pod_owner samples between " + range.start()
                    + " and " + range.end() + ": is the range right?");
        }
        List<String> notes = new ArrayList<>();
        Series ready = single(prometheus.range(ReplayQueries.READY_WORKERS, range));
        if (ready == null) {
            throw new UnusableHistoryException(Problem.NO_WORKERS, "no worker node between " + range.start() + " and "
                    + range.end() + ": kube_node_info has no samples then");
        }
        Coverage coverage = coverage(ready, range, notes);
        int[] readyWorkers = coverage.counts(ready);
        int[] unschedulable = coverage.counts(single(prometheus.range(ReplayQueries.UNSCHEDULABLE_PODS, range)));
        WorkerChoice workers = workerType(range, stored, notes);

        Map<WorkloadKey, List<ReplicaStep>> replicas = replicas(range, coverage);
        if (replicas.isEmpty()) {
            throw new UnusableHistoryException(Problem.NO_WORKLOADS, "no pods of a Deployment, StatefulSet or DaemonSet"
                    + " outside the control plane between " + range.start() + " and " + range.end()
                    + ": there is nothing to simulate");
        }
        Map<WorkloadKey, Requests> requests = requests(range);
        Map<WorkloadKey, Usage> usage = usage(range, stored, replicas.keySet(), notes);
        List<LeftOut> leftOut = leftOut(range, notes);

        ScenarioDraft draft = new ScenarioDraft(
                "replay-" + NAME_TIME.format(range.start()),
                "Replayed from Prometheus at " + prometheus.displayUrl() + ": " + range.start() + " to " + range.end()
                        + " at " + Durations.format(range.step()) + " steps",
                range.length(),
                SEED,
                parameters.region(),
                readyWorkers[0],
                parameters.zones(),
                new WorkerType(workers.name(), workers.cpuMillis(), workers.memoryMiB(), parameters.hourlyPriceUsd(), null),
                workers.seen(),
                workers.share(),
                workloads(replicas, requests, usage, notes));
        String yaml = ScenarioYaml.write(draft);
        List<ActualRun.Sample> samples = new ArrayList<>();
        for (int i = 0; i < range.points(); i++) {
            samples.add(new ActualRun.Sample(range.step().multipliedBy(i), readyWorkers[i], unschedulable[i]));
        }
        return new Replay(yaml, load(yaml, draft.name()), ActualRun.of(range, parameters.hourlyPriceUsd(), samples), leftOut,
                notes);
    }

    /** Every required series missing, named at once: one missing exporter should take one run to learn. */
    private static void requireSeries(Set<String> stored) {
        List<String> missing = ReplayQueries.REQUIRED.stream().filter(name -> !stored.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new UnusableHistoryException(Problem.MISSING_SERIES, String.join(", ", missing) + " "
                    + Words.verb(missing.size(), "has") + " no series: install kube-state-metrics (" + KSM_MANIFEST + ")",
                    missing);
        }
    }

    /** Where kube-state-metrics answered (the points of {@code nodes}), said when it missed any. */
    private static Coverage coverage(Series nodes, ReplayRange range, List<String> notes) {
        boolean[] answered = new boolean[range.points()];
        nodes.present().forEach(i -> answered[i] = true);
        Coverage coverage = new Coverage(answered);
        int missing = coverage.missing();
        if (missing > 0) {
            notes.add("kube-state-metrics has no samples at " + missing + " of " + range.points() + " points (the longest gap: "
                    + Durations.format(range.step().multipliedBy(coverage.longestGap())) + "): the counts from before each gap"
                    + " are kept through it");
        }
        return coverage;
    }

    /** The most common allocatable among the workers seen, with their usual instance type. */
    private WorkerChoice workerType(ReplayRange range, Set<String> stored, List<String> notes) {
        Map<String, Map<String, Double>> allocatable = new TreeMap<>();
        for (Sample sample : prometheus.overRange("max_over_time", ReplayQueries.WORKER_ALLOCATABLE, range)) {
            allocatable.computeIfAbsent(sample.label("node"), node -> new HashMap<>())
                    .merge(sample.label("resource"), sample.value(), Math::max);
        }
        Map<String, String> types = new HashMap<>();
        if (stored.contains(ReplayQueries.NODE_LABELS_SERIES)) {
            for (Sample sample : prometheus.overRange("max_over_time", ReplayQueries.WORKER_INSTANCE_TYPES, range)) {
                String type = sample.label(ReplayQueries.INSTANCE_TYPE_LABEL);
                if (type != null && !type.isBlank()) {
                    types.put(sample.label("node"), type);
                }
            }
        }
        Map<List<Long>, List<String>> nodesBySize = new HashMap<>();
        allocatable.forEach((node, resources) -> {
            if (resources.containsKey("cpu") && resources.containsKey("memory")) {
                List<Long> size = List.of(Math.round(resources.get("cpu") * 1000), Math.round(resources.get("memory") / MIB));
                nodesBySize.computeIfAbsent(size, s -> new ArrayList<>()).add(node);
            }
        });
        if (nodesBySize.isEmpty()) {
            throw new UnusableHistoryException(Problem.NO_WORKERS, "no worker node between " + range.start() + " and "
                    + range.end() + ": every node with an allocatable CPU and memory has the control-plane role"
                    + " (kube_node_role), and the autoscaler adds and removes workers only");
        }
        // Most workers first; between equals the larger, so a tie never shrinks what a worker holds.
        Map.Entry<List<Long>, List<String>> chosen = nodesBySize.entrySet().stream()
                .max(Comparator.<Map.Entry<List<Long>, List<String>>>comparingInt(e -> e.getValue().size())
                        .thenComparing(e -> e.getKey().get(0))
                        .thenComparing(e -> e.getKey().get(1)))
                .orElseThrow();
        int seen = nodesBySize.values().stream().mapToInt(List::size).sum();
        if (nodesBySize.size() > 1) {
            notes.add("the " + seen + " workers had " + nodesBySize.size() + " allocatable sizes; the scenario's worker type has"
                    + " the most common (" + chosen.getKey().get(0) + "m CPU, " + chosen.getKey().get(1) + " MiB, "
                    + chosen.getValue().size() + " of " + seen + " workers)");
        }
        String name = mostCommon(chosen.getValue().stream().map(types::get).filter(type -> type != null).toList());
        if (name == null) {
            name = "unknown";
            notes.add("no worker has the node.kubernetes.io/instance-type label in " + ReplayQueries.NODE_LABELS_SERIES
                    + ": the worker type is named unknown");
        }
        return new WorkerChoice(name, chosen.getKey().get(0), chosen.getKey().get(1), seen, chosen.getValue().size());
    }

    private record WorkerChoice(String name, long cpuMillis, long memoryMiB, int seen, int share) {
    }

    /** Per workload, its count of pods Running or Pending where it changes. */
    private Map<WorkloadKey, List<ReplicaStep>> replicas(ReplayRange range, Coverage coverage) {
        Map<WorkloadKey, List<ReplicaStep>> replicas = new TreeMap<>();
        for (Series series : prometheus.range(ReplayQueries.REPLICAS, range)) {
            int[] counts = coverage.counts(series);
            List<ReplicaStep> steps = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (i == 0 || counts[i] != counts[i - 1]) {
                    steps.add(new ReplicaStep(range.step().multipliedBy(i), counts[i], Duration.ZERO));
                }
            }
            replicas.put(WorkloadKey.of(series.labels()), steps);
        }
        return replicas;
    }

    /** Per workload, the median over its pods of what each requests in all its containers. */
    private Map<WorkloadKey, Requests> requests(ReplayRange range) {
        Map<WorkloadKey, Map<String, Map<String, Double>>> byPod = new HashMap<>();
        for (Sample sample : prometheus.overRange("max_over_time", ReplayQueries.POD_REQUESTS, range)) {
            byPod.computeIfAbsent(WorkloadKey.of(sample.labels()), key -> new HashMap<>())
                    .computeIfAbsent(sample.label("resource"), resource -> new HashMap<>())
                    .merge(sample.label("pod"), sample.value(), Math::max);
        }
        Map<WorkloadKey, Requests> requests = new HashMap<>();
        byPod.forEach((key, resources) -> {
            Map<String, Double> cpu = resources.getOrDefault("cpu", Map.of());
            Map<String, Double> memory = resources.getOrDefault("memory", Map.of());
            int pods = (int) Stream.concat(cpu.keySet().stream(), memory.keySet().stream()).distinct().count();
            requests.put(key, new Requests(Math.round(median(cpu.values()) * 1000), Math.round(median(memory.values()) / MIB), pods));
        });
        return requests;
    }

    private record Requests(long cpuMillis, long memoryMiB, int pods) {
        static final Requests NONE = new Requests(0, 0, 0);
    }

    /** Per workload, used / requested over the range; absent where cAdvisor has nothing of its pods. */
    private Map<WorkloadKey, Usage> usage(ReplayRange range, Set<String> stored, Set<WorkloadKey> workloads, List<String> notes) {
        Map<Resource, Map<WorkloadKey, Fraction>> measured = new EnumMap<>(Resource.class);
        for (Resource resource : Resource.values()) {
            if (!stored.contains(resource.usageSeries)) {
                notes.add(resource.usageSeries + " has no series (is cAdvisor scraped?): every workload's " + resource.label
                        + " usage is left to the simulator's default");
                continue;
            }
            Duration window = ReplayQueries.rateWindow(range.step());
            Map<WorkloadKey, Series> means = byWorkload(prometheus.range(ReplayQueries.usage(resource, Spread.MEAN, window), range));
            Map<WorkloadKey, Series> spreads = byWorkload(
                    prometheus.range(ReplayQueries.usage(resource, Spread.STANDARD_DEVIATION, window), range));
            Map<WorkloadKey, Fraction> fractions = new HashMap<>();
            means.forEach((key, mean) -> Fraction.of(mean, spreads.get(key)).ifPresent(f -> fractions.put(key, f)));
            measured.put(resource, fractions);
        }
        Map<WorkloadKey, Usage> usage = new HashMap<>();
        List<String> unmeasured = new ArrayList<>();
        for (WorkloadKey key : workloads) {
            Fraction cpu = measured.getOrDefault(Resource.CPU, Map.of()).get(key);
            Fraction memory = measured.getOrDefault(Resource.MEMORY, Map.of()).get(key);
            if (cpu == null && memory == null) {
                if (!measured.isEmpty()) {
                    unmeasured.add(key.display());
                }
                continue;
            }
            double spread = Math.max(cpu == null ? 0 : cpu.relativeSpread(), memory == null ? 0 : memory.relativeSpread());
            usage.put(key, new Usage(cpu == null ? null : cpu.clampedMean(), memory == null ? null : memory.clampedMean(),
                    hundredths(Math.min(1, UNIFORM_SPREAD * spread))));
        }
        if (!unmeasured.isEmpty()) {
            notes.add("cAdvisor has no samples of the pods of " + names(unmeasured) + ": "
                    + (unmeasured.size() == 1 ? "its" : "their") + " usage is left to the simulator's defaults");
        }
        return usage;
    }

    /**
     * A usage fraction over the range: the mean over the points of the pods' mean, and the spread of
     * every pod at every point around it (within a point, plus between points) relative to that mean.
     */
    private record Fraction(double mean, double relativeSpread) {
        static Optional<Fraction> of(Series means, Series deviations) {
            int[] points = means.present().filter(i -> Double.isFinite(means.value(i))).toArray();
            if (points.length == 0) {
                return Optional.empty();
            }
            double mean = 0;
            double within = 0;
            for (int i : points) {
                mean += means.value(i) / points.length;
                double deviation = deviations != null && deviations.has(i) ? deviations.value(i) : 0;
                within += deviation * deviation / points.length;
            }
            double between = 0;
            for (int i : points) {
                between += Math.pow(means.value(i) - mean, 2) / points.length;
            }
            return Optional.of(new Fraction(mean, mean > 0 ? Math.sqrt(within + between) / mean : 0));
        }

        double clampedMean() {
            return hundredths(Math.max(0, Math.min(MAX_USAGE, mean)));
        }
    }

    /** Owners whose pods the scenario has not, each with its peak. */
    private List<LeftOut> leftOut(ReplayRange range, List<String> notes) {
        List<LeftOut> leftOut = new ArrayList<>();
        for (Reason reason : Reason.values()) {
            String query = reason == Reason.NOT_A_WORKLOAD ? ReplayQueries.OTHER_OWNERS : ReplayQueries.ON_CONTROL_PLANE;
            List<LeftOut> owners = prometheus.range(query, range).stream()
                    .map(series -> new LeftOut(series.label("namespace"), series.label("owner_kind"), series.label("owner_name"),
                            (int) Math.round(series.present().mapToDouble(series::value).max().orElse(0)), reason))
                    .sorted(Comparator.comparing(LeftOut::kind).thenComparing(LeftOut::namespace).thenComparing(LeftOut::name))
                    .toList();
            if (owners.isEmpty()) {
                continue;
            }
            String listed = owners.stream().collect(Collectors.groupingBy(LeftOut::kind, TreeMap::new, Collectors.toList()))
                    .entrySet().stream()
                    .map(kind -> kind.getKey() + " " + names(kind.getValue().stream().map(o -> o.namespace() + "/" + o.name()).toList()))
                    .collect(Collectors.joining("; "));
            notes.add(switch (reason) {
                case NOT_A_WORKLOAD -> "left out the pods of owners that are not a Deployment, StatefulSet or DaemonSet: " + listed;
                case ON_CONTROL_PLANE -> "left out the pods that ran on the control plane (the simulated master takes DaemonSet"
                        + " pods only): " + listed;
            });
            leftOut.addAll(owners);
        }
        return leftOut;
    }

    /** The scenario's workloads in namespace and name order; a name two kinds share gets its kind appended. */
    private static List<ScenarioDraft.Workload> workloads(Map<WorkloadKey, List<ReplicaStep>> replicas,
            Map<WorkloadKey, Requests> requests, Map<WorkloadKey, Usage> usage, List<String> notes) {
        Map<String, Long> sameName = replicas.keySet().stream()
                .collect(Collectors.groupingBy(key -> key.namespace() + "/" + key.name(), Collectors.counting()));
        List<ScenarioDraft.Workload> workloads = new ArrayList<>();
        replicas.forEach((key, steps) -> {
            String name = key.name();
            if (sameName.get(key.namespace() + "/" + key.name()) > 1) {
                name = key.name() + "-" + key.kind().label().toLowerCase(Locale.ROOT);
                notes.add(key.display() + " shares its name with a workload of another kind: it is " + key.namespace() + "/"
                        + name + " in the scenario");
            }
            Requests requested = requests.getOrDefault(key, Requests.NONE);
            workloads.add(new ScenarioDraft.Workload(key.namespace(), name, key.kind(),
                    key.kind() == Kind.DAEMON_SET ? List.of() : steps,
                    requested.cpuMillis(), requested.memoryMiB(), requested.pods(), usage.get(key)));
        });
        return workloads;
    }

    /** What the loader reads from the written file: the file is the scenario, so it must load. */
    private static Scenario load(String yaml, String name) {
        try {
            return ScenarioLoader.parse(yaml, name + ".yaml");
        } catch (InvalidScenarioException e) {
            throw new IllegalStateException("the derived scenario does not load (a bug in the derivation): " + e.getMessage()
                    + "\n" + yaml, e);
        }
    }

    private static Map<WorkloadKey, Series> byWorkload(List<Series> series) {
        return series.stream().collect(Collectors.toMap(s -> WorkloadKey.of(s.labels()), Function.identity()));
    }

    /** The one series of an aggregate over everything, or null when it has none. */
    private static Series single(List<Series> series) {
        if (series.size() > 1) {
            throw new IllegalStateException("expected one series, got " + series.size() + ": " + series);
        }
        return series.isEmpty() ? null : series.get(0);
    }

    private static double median(Collection<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String mostCommon(List<String> values) {
        Map<String, Long> counts = values.stream().collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** The first few names, and how many more. */
    private static String names(List<String> names) {
        String shown = String.join(", ", names.stream().limit(NAMES_SHOWN).toList());
        return names.size() <= NAMES_SHOWN ? shown : shown + " and " + (names.size() - NAMES_SHOWN) + " more";
    }

    private static double hundredths(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** A workload as the queries label it: namespace, owner_kind, owner_name. */
    private record WorkloadKey(String namespace, String name, Kind kind) implements Comparable<WorkloadKey> {
        private static final Comparator<WorkloadKey> ORDER = Comparator.comparing(WorkloadKey::namespace)
                .thenComparing(WorkloadKey::name).thenComparing(WorkloadKey::kind);

        static WorkloadKey of(Map<String, String> labels) {
            String kind = labels.getOrDefault("owner_kind", "");
            for (Kind candidate : Kind.values()) {
                if (candidate.label().equals(kind)) {
                    return new WorkloadKey(labels.getOrDefault("namespace", ""), labels.getOrDefault("owner_name", ""), candidate);
                }
            }
            throw new IllegalStateException("not a workload kind: " + labels);
        }

        String display() {
            return kind.label() + " " + namespace + "/" + name;
        }

        @Override
        public int compareTo(WorkloadKey other) {
            return ORDER.compare(this, other);
        }
    }

    /**
     * The points at which kube-state-metrics answered. A count is read there (no series: 0) and
     * held through each gap; points before the first answer take its count.
     */
    private record Coverage(boolean[] answered) {
        int[] counts(Series series) {
            int[] counts = new int[answered.length];
            int first = -1;
            for (int i = 0; i < answered.length; i++) {
                if (answered[i]) {
                    counts[i] = series != null && series.has(i) ? (int) Math.round(series.value(i)) : 0;
                    if (first < 0) {
                        first = i;
                    }
                } else if (first >= 0) {
                    counts[i] = counts[i - 1];
                }
            }
            for (int i = 0; i < first; i++) {
                counts[i] = counts[first];
            }
            return counts;
        }

        int missing() {
            int missing = 0;
            for (boolean point : answered) {
                missing += point ? 0 : 1;
            }
            return missing;
        }

        int longestGap() {
            int longest = 0;
            int current = 0;
            for (boolean point : answered) {
                current = point ? 0 : current + 1;
                longest = Math.max(longest, current);
            }
            return longest;
        }
    }
}
