package dev.k3sautoscaler.simulator.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.ConfigVariable;
import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityError;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.simulator.scenario.Scenario.ClusterSpec;
import dev.k3sautoscaler.simulator.scenario.Scenario.Delay;
import dev.k3sautoscaler.simulator.scenario.Scenario.Ec2Event;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.Outage;
import dev.k3sautoscaler.simulator.scenario.Scenario.OutageKind;
import dev.k3sautoscaler.simulator.scenario.Scenario.Pdb;
import dev.k3sautoscaler.simulator.scenario.Scenario.ReplicaStep;
import dev.k3sautoscaler.simulator.scenario.Scenario.RebalanceRecommendation;
import dev.k3sautoscaler.simulator.scenario.Scenario.SpotInterruption;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.simulator.scenario.Scenario.WorkerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a scenario from YAML (or JSON, by the {@code .json} extension) and validates it field by
 * field. Jackson's data binding stops at the first problem and a tree has no line numbers, so the
 * loader first records the parser's location of every JSON pointer, then reads the tree by hand
 * and reports every problem with its field path and line/column.
 */
public final class ScenarioLoader {
    /** The scenarios under {@code src/main/resources/scenarios/}, runnable by name. */
    public static final List<String> BUNDLED = List.of(
            "steady", "noisy-steady", "diurnal-day", "flash-sale", "spot-storm", "capacity-shortage", "prometheus-outage",
            "rebalance", "diurnal-large");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> TOP = Set.of("name", "description", "duration", "tick", "seed", "region", "cluster",
            "workerType", "boot", "join", "terminationGrace", "podStartup", "workload", "capacityErrors", "spotInterruptions",
            "rebalanceRecommendations", "outages", "policy");
    private static final Set<String> CLUSTER = Set.of("workers", "spotWorkers", "zones", "launchCapacityType");
    private static final Set<String> WORKER_TYPE = Set.of("name", "cpuMillis", "memoryMiB", "hourlyPriceUsd", "spotHourlyPriceUsd");
    private static final Set<String> DELAY = Set.of("mean", "spread");
    private static final Set<String> WORKLOAD = Set.of("name", "namespace", "kind", "replicas", "requests", "usage", "pdb", "annotations");
    private static final Set<String> STEP = Set.of("at", "count", "ramp");
    private static final Set<String> REQUESTS = Set.of("cpuMillis", "memoryMiB");
    private static final Set<String> USAGE = Set.of("cpu", "memory", "jitter");
    private static final Set<String> PDB = Set.of("minAvailable", "maxUnavailable");
    private static final Set<String> CAPACITY_ERROR = Set.of("instanceType", "zone", "capacityType", "from", "to");
    private static final Set<String> SPOT = Set.of("at", "target");
    private static final Set<String> REBALANCE = Set.of("at", "target", "interruptAfter");
    private static final Set<String> OUTAGE = Set.of("kind", "from", "to");

    private static final Delay DEFAULT_BOOT = new Delay(Duration.ofSeconds(60), Duration.ofSeconds(15));
    private static final Delay DEFAULT_JOIN = new Delay(Duration.ofSeconds(25), Duration.ofSeconds(10));
    /** Kubernetes' default terminationGracePeriodSeconds. */
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    /** Container start plus a first readiness probe, with the image already on the node. */
    private static final Duration DEFAULT_POD_STARTUP = Duration.ofSeconds(10);
    private static final int MAX_WHOLE = 1_000_000;

    private ScenarioLoader() {
    }

    public static Scenario load(Path file) {
        try {
            return parse(Files.readString(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario " + file, e);
        }
    }

    public static Scenario bundled(String name) {
        String resource = "/scenarios/" + name + ".yaml";
        try (InputStream in = ScenarioLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled scenario '" + name + "' (bundled: " + String.join(", ", BUNDLED) + ")");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yaml");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** A bundled scenario by name, otherwise a file path. */
    public static Scenario resolve(String nameOrFile) {
        return BUNDLED.contains(nameOrFile) ? bundled(nameOrFile) : load(Path.of(nameOrFile));
    }

    /** @param source the file name, used in messages and to choose JSON ({@code .json}) or YAML (anything else) */
    public static Scenario parse(String text, String source) {
        ObjectMapper mapper = source.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
        Map<String, JsonLocation> locations = new HashMap<>();
        JsonNode root;
        try {
            try (JsonParser parser = mapper.getFactory().createParser(text)) {
                while (parser.nextToken() != null) {
                    locations.putIfAbsent(parser.getParsingContext().pathAsPointer().toString(), parser.currentTokenLocation());
                }
            }
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidScenarioException(source, List.of(new ScenarioProblem(source, "(syntax)",
                    at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), e.getOriginalMessage())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Reading reading = new Reading(source, locations);
        Scenario scenario = reading.scenario(root);
        if (!reading.problems.isEmpty()) {
            List<ScenarioProblem> sorted = reading.problems.stream()
                    .sorted(Comparator.comparingInt(ScenarioProblem::line).thenComparingInt(ScenarioProblem::column))
                    .toList();
            throw new InvalidScenarioException(source, sorted);
        }
        return scenario;
    }

    /** A field's JSON pointer (for its location) and its display path (for the message). */
    private record At(String pointer, String display) {
        static final At ROOT = new At("", "");

        At field(String name) {
            return new At(pointer + "/" + name, display.isEmpty() ? name : display + "." + name);
        }

        At index(int i) {
            return new At(pointer + "/" + i, display + "[" + i + "]");
        }
    }

    /** One pass over the tree; every reader returns null (and records why) when the value is unusable. */
    private static final class Reading {
        private final String source;
        private final Map<String, JsonLocation> locations;
        private final List<ScenarioProblem> problems = new ArrayList<>();

        Reading(String source, Map<String, JsonLocation> locations) {
            this.source = source;
            this.locations = locations;
        }

        Scenario scenario(JsonNode root) {
            if (root == null || !root.isObject()) {
                problem(At.ROOT, "a scenario is a mapping of fields (name, duration, cluster, workerType, workload, …)");
                return null;
            }
            known(root, At.ROOT, TOP);
            String name = text(required(root, At.ROOT, "name"), At.ROOT.field("name"));
            String description = orDefault(text(root.get("description"), At.ROOT.field("description")), "");
            Duration duration = positive(required(root, At.ROOT, "duration"), At.ROOT.field("duration"));
            Duration tick = orDefault(positive(root.get("tick"), At.ROOT.field("tick")), Scenario.DEFAULT_TICK);
            if (duration != null && tick.compareTo(duration) > 0) {
                problem(At.ROOT.field("tick"), "must not be longer than duration (" + Durations.format(duration) + ")");
            }
            Long seed = orDefault(whole(root.get("seed"), At.ROOT.field("seed"), Long.MIN_VALUE, Long.MAX_VALUE), 1L);
            String region = orDefault(text(root.get("region"), At.ROOT.field("region")), "us-east-1");
            ClusterSpec cluster = cluster(required(root, At.ROOT, "cluster"), At.ROOT.field("cluster"));
            WorkerType workerType = workerType(required(root, At.ROOT, "workerType"), At.ROOT.field("workerType"));
            Delay boot = orDefault(delay(root.get("boot"), At.ROOT.field("boot")), DEFAULT_BOOT);
            Delay join = orDefault(delay(root.get("join"), At.ROOT.field("join")), DEFAULT_JOIN);
            Duration grace = orDefault(duration(root.get("terminationGrace"), At.ROOT.field("terminationGrace")), DEFAULT_GRACE);
            Duration podStartup = orDefault(duration(root.get("podStartup"), At.ROOT.field("podStartup")), DEFAULT_POD_STARTUP);
            List<Workload> workloads = list(required(root, At.ROOT, "workload"), At.ROOT.field("workload"), this::workload);
            if (workloads != null && workloads.isEmpty()) {
                problem(At.ROOT.field("workload"), "needs at least one workload");
            }
            uniqueWorkloads(workloads);
            List<CapacityError> capacityErrors = orDefault(list(root.get("capacityErrors"), At.ROOT.field("capacityErrors"), this::capacityError), List.of());
            List<SpotInterruption> spot = orDefault(list(root.get("spotInterruptions"), At.ROOT.field("spotInterruptions"), this::spotInterruption), List.of());
            List<RebalanceRecommendation> rebalance = orDefault(list(root.get("rebalanceRecommendations"),
                    At.ROOT.field("rebalanceRecommendations"), this::rebalanceRecommendation), List.of());
            List<Outage> outages = orDefault(list(root.get("outages"), At.ROOT.field("outages"), this::outage), List.of());
            Map<String, String> policy = orDefault(stringMap(root.get("policy"), At.ROOT.field("policy")), Map.of());
            if (cluster != null && workerType != null && workerType.spotHourlyPriceUsd() == null
                    && (cluster.spotWorkers() > 0 || cluster.launchCapacityType() == CapacityType.SPOT)) {
                problem(At.ROOT.field("workerType").field("spotHourlyPriceUsd"), "is required when the cluster runs Spot workers");
            }
            AutoscalerConfig config = config(policy, workerType);
            if (!problems.isEmpty()) {
                return null;
            }
            return new Scenario(name, description, duration, tick, seed, region, cluster, workerType, boot, join, grace, podStartup,
                    workloads, capacityErrors, spot, rebalance, outages, policy, config);
        }

        private ClusterSpec cluster(JsonNode node, At at) {
            if (!object(node, at, CLUSTER)) {
                return null;
            }
            Long workers = whole(required(node, at, "workers"), at.field("workers"), 0, MAX_WHOLE);
            Long spotWorkers = orDefault(whole(node.get("spotWorkers"), at.field("spotWorkers"), 0, MAX_WHOLE), 0L);
            List<String> zones = orDefault(list(node.get("zones"), at.field("zones"), this::text), List.of("us-east-1a", "us-east-1b"));
            if (zones.isEmpty()) {
                problem(at.field("zones"), "needs at least one availability zone");
            }
            CapacityType launch = orDefault(choice(node.get("launchCapacityType"), at.field("launchCapacityType"),
                    CapacityType.values(), CapacityType::label), CapacityType.ON_DEMAND);
            if (workers == null) {
                return null;
            }
            if (spotWorkers > workers) {
                problem(at.field("spotWorkers"), "must not be above workers (" + workers + ")");
            }
            return new ClusterSpec(workers.intValue(), spotWorkers.intValue(), zones, launch);
        }

        private WorkerType workerType(JsonNode node, At at) {
            if (!object(node, at, WORKER_TYPE)) {
                return null;
            }
            String name = text(required(node, at, "name"), at.field("name"));
            Long cpu = whole(required(node, at, "cpuMillis"), at.field("cpuMillis"), 1, MAX_WHOLE);
            Long memory = whole(required(node, at, "memoryMiB"), at.field("memoryMiB"), 1, MAX_WHOLE * 100L);
            Double price = decimal(required(node, at, "hourlyPriceUsd"), at.field("hourlyPriceUsd"), 0, 1000);
            Double spot = decimal(node.get("spotHourlyPriceUsd"), at.field("spotHourlyPriceUsd"), 0, 1000);
            if (name == null || cpu == null || memory == null || price == null) {
                return null;
            }
            return new WorkerType(name, cpu, memory, price, spot);
        }

        private Delay delay(JsonNode node, At at) {
            if (node == null) {
                return null;
            }
            if (!object(node, at, DELAY)) {
                return null;
            }
            Duration mean = duration(required(node, at, "mean"), at.field("mean"));
            Duration spread = orDefault(duration(node.get("spread"), at.field("spread")), Duration.ZERO);
            if (mean == null) {
                return null;
            }
            if (spread.compareTo(mean) > 0) {
                problem(at.field("spread"), "must not be above mean (" + Durations.format(mean) + "): a delay cannot be negative");
            }
            return new Delay(mean, spread);
        }

        private Workload workload(JsonNode node, At at) {
            if (!object(node, at, WORKLOAD)) {
                return null;
            }
            String name = text(required(node, at, "name"), at.field("name"));
            String namespace = orDefault(text(node.get("namespace"), at.field("namespace")), "default");
            Kind kind = orDefault(choice(node.get("kind"), at.field("kind"), Kind.values(), Kind::label), Kind.DEPLOYMENT);
            List<ReplicaStep> replicas;
            if (kind == Kind.DAEMON_SET) {
                if (node.has("replicas")) {
                    problem(at.field("replicas"), "a DaemonSet runs one pod per Ready node: remove replicas");
                }
                replicas = List.of();
            } else {
                replicas = list(required(node, at, "replicas"), at.field("replicas"), this::replicaStep);
                checkTimeline(replicas, at.field("replicas"));
            }
            JsonNode requests = required(node, at, "requests");
            Long cpu = null;
            Long memory = null;
            if (object(requests, at.field("requests"), REQUESTS)) {
                cpu = whole(required(requests, at.field("requests"), "cpuMillis"), at.field("requests").field("cpuMillis"), 0, MAX_WHOLE);
                memory = whole(required(requests, at.field("requests"), "memoryMiB"), at.field("requests").field("memoryMiB"), 0, MAX_WHOLE * 100L);
            }
            JsonNode usage = node.get("usage");
            double cpuUsage = 0.5;
            double memoryUsage = 0.8;
            double jitter = 0;
            if (usage != null && object(usage, at.field("usage"), USAGE)) {
                cpuUsage = orDefault(decimal(usage.get("cpu"), at.field("usage").field("cpu"), 0, 10), cpuUsage);
                memoryUsage = orDefault(decimal(usage.get("memory"), at.field("usage").field("memory"), 0, 10), memoryUsage);
                jitter = orDefault(decimal(usage.get("jitter"), at.field("usage").field("jitter"), 0, 1), jitter);
            }
            Pdb pdb = pdb(node.get("pdb"), at.field("pdb"));
            Map<String, String> annotations = orDefault(stringMap(node.get("annotations"), at.field("annotations")), Map.of());
            if (name == null || replicas == null || cpu == null || memory == null) {
                return null;
            }
            return new Workload(name, namespace, kind, replicas, cpu, memory, cpuUsage, memoryUsage, jitter, pdb, annotations);
        }

        private ReplicaStep replicaStep(JsonNode node, At at) {
            if (!object(node, at, STEP)) {
                return null;
            }
            Duration when = duration(required(node, at, "at"), at.field("at"));
            Long count = whole(required(node, at, "count"), at.field("count"), 0, MAX_WHOLE);
            Duration ramp = orDefault(duration(node.get("ramp"), at.field("ramp")), Duration.ZERO);
            return when == null || count == null ? null : new ReplicaStep(when, count.intValue(), ramp);
        }

        private void checkTimeline(List<ReplicaStep> steps, At at) {
            if (steps == null) {
                return;
            }
            if (steps.isEmpty()) {
                problem(at, "needs at least one step (at, count)");
            }
            for (int i = 1; i < steps.size(); i++) {
                if (steps.get(i).at().compareTo(steps.get(i - 1).at()) <= 0) {
                    problem(at.index(i).field("at"), "must be after the previous step's at (" + Durations.format(steps.get(i - 1).at()) + ")");
                }
            }
        }

        private Pdb pdb(JsonNode node, At at) {
            if (node == null || !object(node, at, PDB)) {
                return null;
            }
            Long min = whole(node.get("minAvailable"), at.field("minAvailable"), 0, MAX_WHOLE);
            Long max = whole(node.get("maxUnavailable"), at.field("maxUnavailable"), 0, MAX_WHOLE);
            if (node.has("minAvailable") == node.has("maxUnavailable")) {
                problem(at, "set exactly one of minAvailable and maxUnavailable (as a policy/v1 PodDisruptionBudget)");
                return null;
            }
            if (min == null && max == null) {
                return null; // the value's problem is already recorded
            }
            return new Pdb(min == null ? null : min.intValue(), max == null ? null : max.intValue());
        }

        private CapacityError capacityError(JsonNode node, At at) {
            if (!object(node, at, CAPACITY_ERROR)) {
                return null;
            }
            String type = text(required(node, at, "instanceType"), at.field("instanceType"));
            String zone = text(required(node, at, "zone"), at.field("zone"));
            CapacityType capacityType = orDefault(choice(node.get("capacityType"), at.field("capacityType"),
                    CapacityType.values(), CapacityType::label), CapacityType.ON_DEMAND);
            Duration[] window = window(node, at);
            return type == null || zone == null || window == null ? null : new CapacityError(type, zone, capacityType, window[0], window[1]);
        }

        private SpotInterruption spotInterruption(JsonNode node, At at) {
            if (!object(node, at, SPOT)) {
                return null;
            }
            Duration when = duration(required(node, at, "at"), at.field("at"));
            String target = orDefault(text(node.get("target"), at.field("target")), SpotInterruption.RANDOM_SPOT_WORKER);
            return when == null ? null : checkTarget(new SpotInterruption(when, target), at);
        }

        private RebalanceRecommendation rebalanceRecommendation(JsonNode node, At at) {
            if (!object(node, at, REBALANCE)) {
                return null;
            }
            Duration when = duration(required(node, at, "at"), at.field("at"));
            String target = orDefault(text(node.get("target"), at.field("target")), SpotInterruption.RANDOM_SPOT_WORKER);
            Duration interruptAfter = duration(node.get("interruptAfter"), at.field("interruptAfter"));
            return when == null ? null : checkTarget(new RebalanceRecommendation(when, target, interruptAfter), at);
        }

        /** A target that can name no instance is refused here, not met (and skipped) at run time. */
        private <E extends Ec2Event> E checkTarget(E event, At at) {
            if (!Ec2Event.canNameAnInstance(event.target())) {
                problem(at.field("target"), "the " + event.kind() + " at " + Durations.format(event.at()) + " targets \""
                        + event.target() + "\", which can name no instance: write " + SpotInterruption.RANDOM_SPOT_WORKER
                        + " or an instance id (i- and 8 or 17 hex digits; a node is named after its instance)");
            }
            return event;
        }

        private Outage outage(JsonNode node, At at) {
            if (!object(node, at, OUTAGE)) {
                return null;
            }
            OutageKind kind = choice(required(node, at, "kind"), at.field("kind"), OutageKind.values(), OutageKind::label);
            Duration[] window = window(node, at);
            return kind == null || window == null ? null : new Outage(kind, window[0], window[1]);
        }

        private Duration[] window(JsonNode node, At at) {
            Duration from = duration(required(node, at, "from"), at.field("from"));
            Duration to = duration(required(node, at, "to"), at.field("to"));
            if (from == null || to == null) {
                return null;
            }
            if (to.compareTo(from) <= 0) {
                problem(at.field("to"), "must be after from (" + Durations.format(from) + ")");
                return null;
            }
            return new Duration[] {from, to};
        }

        private void uniqueWorkloads(List<Workload> workloads) {
            if (workloads == null) {
                return;
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < workloads.size(); i++) {
                Workload w = workloads.get(i);
                if (w != null && !seen.add(w.namespace() + "/" + w.name())) {
                    problem(At.ROOT.field("workload").index(i).field("name"), "duplicate workload " + w.namespace() + "/" + w.name());
                }
            }
        }

        private AutoscalerConfig config(Map<String, String> policy, WorkerType workerType) {
            At at = At.ROOT.field("policy");
            Set<String> known = ConfigVariable.ALL.stream().map(ConfigVariable::name).collect(Collectors.toSet());
            policy.keySet().stream().filter(key -> !known.contains(key)).forEach(key ->
                    problem(at.field(key), "not a setting of the configuration table"));
            Map<String, String> environment = new LinkedHashMap<>();
            if (workerType != null) {
                // The policy packs pods against the scenario's worker type unless the file says otherwise.
                environment.put(ConfigVariable.WORKER_CPU_MILLIS.name(), Long.toString(workerType.cpuMillis()));
                environment.put(ConfigVariable.WORKER_MEMORY_MIB.name(), Long.toString(workerType.memoryMiB()));
            }
            environment.putAll(policy);
            try {
                return AutoscalerConfig.fromEnvironment(environment);
            } catch (InvalidConfigurationException e) {
                for (String message : e.problems()) {
                    String variable = message.split("[= ]", 2)[0];
                    problem(policy.containsKey(variable) ? at.field(variable) : at, message);
                }
                return null;
            }
        }

        // ---- typed readers ------------------------------------------------------------------

        private JsonNode required(JsonNode object, At at, String field) {
            JsonNode value = object.get(field);
            if (value == null || value.isNull()) {
                problem(at.field(field), "is required");
                return null;
            }
            return value;
        }

        private boolean object(JsonNode node, At at, Set<String> fields) {
            if (node == null) {
                return false;
            }
            if (!node.isObject()) {
                problem(at, "expected a mapping with fields " + sorted(fields) + ", found " + describe(node));
                return false;
            }
            known(node, at, fields);
            return true;
        }

        private void known(JsonNode node, At at, Set<String> fields) {
            node.fieldNames().forEachRemaining(field -> {
                if (!fields.contains(field)) {
                    problem(at.field(field), "unknown field (expected one of " + sorted(fields) + ")");
                }
            });
        }

        private <T> List<T> list(JsonNode node, At at, java.util.function.BiFunction<JsonNode, At, T> element) {
            if (node == null) {
                return null;
            }
            if (!node.isArray()) {
                problem(at, "expected a list, found " + describe(node));
                return null;
            }
            List<T> values = new ArrayList<>();
            boolean complete = true;
            for (int i = 0; i < node.size(); i++) {
                T value = element.apply(node.get(i), at.index(i));
                complete &= value != null;
                values.add(value);
            }
            return complete ? List.copyOf(values) : null;
        }

        private String text(JsonNode node, At at) {
            if (node == null) {
                return null;
            }
            if (!node.isTextual() || node.asText().isBlank()) {
                problem(at, "expected text, found " + describe(node));
                return null;
            }
            return node.asText();
        }

        private Long whole(JsonNode node, At at, long min, long max) {
            if (node == null) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                problem(at, "expected a whole number, found " + describe(node));
                return null;
            }
            long value = node.asLong();
            if (value < min || value > max) {
                problem(at, (value < min ? "must be at least " + min : "must be at most " + max) + " (was " + value + ")");
                return null;
            }
            return value;
        }

        private Double decimal(JsonNode node, At at, double min, double max) {
            if (node == null) {
                return null;
            }
            if (!node.isNumber()) {
                problem(at, "expected a number, found " + describe(node));
                return null;
            }
            double value = node.asDouble();
            if (value < min || value > max) {
                problem(at, "must be between " + min + " and " + max + " (was " + value + ")");
                return null;
            }
            return value;
        }

        private Duration duration(JsonNode node, At at) {
            if (node == null) {
                return null;
            }
            Duration value = null;
            if (node.isIntegralNumber() && node.asLong() >= 0) {
                value = Duration.ofSeconds(node.asLong());
            } else if (node.isTextual()) {
                value = Durations.parse(node.asText());
            }
            if (value == null) {
                problem(at, "expected a duration such as 90s, 5m, 1h30m or a number of seconds, found " + describe(node));
            }
            return value;
        }

        private Duration positive(JsonNode node, At at) {
            Duration value = duration(node, at);
            if (value != null && value.isZero()) {
                problem(at, "must be longer than 0s");
                return null;
            }
            return value;
        }

        private <E> E choice(JsonNode node, At at, E[] values, Function<E, String> label) {
            String text = text(node, at);
            if (text == null) {
                return null;
            }
            for (E value : values) {
                if (label.apply(value).equals(text)) {
                    return value;
                }
            }
            problem(at, "expected one of " + Arrays.stream(values).map(label).toList() + ", found \"" + text + "\"");
            return null;
        }

        private Map<String, String> stringMap(JsonNode node, At at) {
            if (node == null) {
                return null;
            }
            if (!node.isObject()) {
                problem(at, "expected a mapping of names to values, found " + describe(node));
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            node.properties().forEach(entry -> {
                if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                    values.put(entry.getKey(), entry.getValue().asText());
                } else {
                    problem(at.field(entry.getKey()), "expected a single value, found " + describe(entry.getValue()));
                }
            });
            return Map.copyOf(values);
        }

        private void problem(At at, String message) {
            JsonLocation location = locate(at.pointer());
            problems.add(new ScenarioProblem(source, at.display().isEmpty() ? "(scenario)" : at.display(),
                    location == null ? 1 : location.getLineNr(), location == null ? 1 : location.getColumnNr(), message));
        }

        /** The field's own location, or for a missing field the nearest enclosing one that exists. */
        private JsonLocation locate(String pointer) {
            String current = pointer;
            while (true) {
                JsonLocation location = locations.get(current);
                if (location != null || current.isEmpty()) {
                    return location;
                }
                current = current.substring(0, current.lastIndexOf('/'));
            }
        }

        private static String describe(JsonNode node) {
            if (node.isTextual()) {
                return "text \"" + node.asText() + "\"";
            }
            if (node.isNumber()) {
                return "number " + node.asText();
            }
            if (node.isBoolean()) {
                return node.asText();
            }
            if (node.isArray()) {
                return "a list";
            }
            if (node.isObject()) {
                return "a mapping";
            }
            return "null";
        }

        private static String sorted(Set<String> fields) {
            return fields.stream().sorted().collect(Collectors.joining(", "));
        }

        private static <T> T orDefault(T value, T fallback) {
            return value == null ? fallback : value;
        }
    }
}
