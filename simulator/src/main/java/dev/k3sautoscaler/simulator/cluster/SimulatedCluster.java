package dev.k3sautoscaler.simulator.cluster;

import dev.k3sautoscaler.core.model.WorkerNode;
import dev.k3sautoscaler.simulator.cluster.ClusterObservation.UnschedulablePod;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.simulator.scenario.Scenario.CapacityType;
import dev.k3sautoscaler.simulator.scenario.Scenario.Delay;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import dev.k3sautoscaler.simulator.scenario.Scenario.Workload;
import dev.k3sautoscaler.testkit.kube.DisruptionBudgets;
import dev.k3sautoscaler.testkit.kube.EvictionAnswer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Stream;

/**
 * The virtual K3s cluster and its EC2 instances on a virtual clock (time = offset from the
 * scenario's start). Each {@link #advanceTo} applies what the time brings — nodes registering and
 * turning Ready, terminating pods disappearing, Spot instances reclaimed — then runs the workload
 * controllers and the {@link Scheduler}. The calls the fake EC2 and Kubernetes APIs will make
 * (launch, terminate, cordon, evict, delete node) act at the current time. Single-threaded and
 * deterministic for a scenario's seed: every random draw comes from one seeded generator in call
 * order, and CPU jitter from a generator derived from (seed, pod, minute).
 */
public final class SimulatedCluster {
    /** EC2 reclaims a Spot instance two minutes after the interruption warning. */
    public static final Duration SPOT_WARNING = Duration.ofMinutes(2);
    private static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private final Scenario scenario;
    private final RandomGenerator random;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final Map<String, SimPod> pods = new LinkedHashMap<>();
    private final List<String> budgetViolations = new ArrayList<>();
    /** Waits that ended: pods bound after a failed try, or deleted while pending. */
    private final List<PodWait> endedWaits = new ArrayList<>();
    private final List<Scenario.Outage> injectedOutages = new ArrayList<>();
    private final List<Scenario.CapacityError> injectedCapacityErrors = new ArrayList<>();
    private long sequence;
    /** Counts the changes to nodes and pods, so an observation is reused only while nothing changed. */
    private long changes;
    private ClusterObservation observed;
    /** The mark {@link #observed} was taken at: reused only while the cluster still stands there. */
    private Mark observedAt;
    private Duration now = Duration.ZERO;
    /** The instant before {@link #now} the cluster was brought to: replica changes in between happened at their own times. */
    private Duration previous = Duration.ZERO;

    /** The cluster at the scenario's start: the master and the initial workers Ready, the workload scheduled. */
    public SimulatedCluster(Scenario scenario) {
        this.scenario = scenario;
        this.random = RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(scenario.seed());
        List<String> zones = scenario.cluster().zones();
        addNode(null, zones.getFirst(), true, CapacityType.ON_DEMAND, Duration.ZERO, Duration.ZERO);
        for (int i = 0; i < scenario.cluster().workers(); i++) {
            CapacityType type = i < scenario.cluster().spotWorkers() ? CapacityType.SPOT : CapacityType.ON_DEMAND;
            addNode(null, zones.get(i % zones.size()), false, type, Duration.ZERO, Duration.ZERO);
        }
        reconcile();
        // The run starts from a settled cluster: what is scheduled at t=0 has been running for a while.
        pods.values().stream().filter(pod -> pod.phase == PodPhase.RUNNING).forEach(pod -> pod.readyAt = Duration.ZERO);
    }

    public Scenario scenario() {
        return scenario;
    }

    public Duration now() {
        return now;
    }

    /**
     * Where the cluster stands: its instant and how many changes it has seen. Equal marks mean the same
     * nodes and pods, so a copy taken at the first (the virtual K3s API's) is still exact at the second.
     */
    public record Mark(Duration at, long changes) {
    }

    public Mark mark() {
        return new Mark(now, changes);
    }

    /** Moves the clock forward and lets the cluster react; time never goes back. */
    public void advanceTo(Duration time) {
        if (time.compareTo(now) < 0) {
            throw new IllegalArgumentException("time goes forward only: at " + now + ", asked for " + time);
        }
        previous = now;
        now = time;
        reconcile();
    }

    /**
     * The next time something changes by itself that the scheduler reacts to: a node registers or
     * turns Ready, an instance is reclaimed, a terminating pod is gone and frees its room. The run
     * stops at each, so pods bind when the room appears, not at the next sample.
     */
    public Optional<Duration> nextInternalEvent() {
        Stream<Duration> nodeTimes = nodes.values().stream()
                .flatMap(node -> Stream.of(node.registersAt, node.readyAt, node.instanceGoneAt));
        Stream<Duration> podTimes = pods.values().stream().filter(pod -> pod.phase == PodPhase.TERMINATING).map(pod -> pod.goneAt);
        return Stream.concat(nodeTimes, podTimes)
                .filter(t -> t != null && t.compareTo(now) > 0)
                .min(Comparator.naturalOrder());
    }

    // ---- EC2 side -----------------------------------------------------------------------------

    /**
     * RunInstances for one worker of the scenario's type: its Node registers after the boot delay and
     * turns Ready after the join delay.
     *
     * @throws InsufficientCapacityException when a capacity-error window of the scenario covers this offering now
     */
    public String launchWorker(String zone, CapacityType capacityType) {
        return launchWorker(zone, capacityType, null);
    }

    /** The same, for an instance whose id the EC2 API already chose ({@code instanceId}; null: draw one). */
    public String launchWorker(String zone, CapacityType capacityType, String instanceId) {
        String instanceType = scenario.workerType().name();
        for (Scenario.CapacityError window : capacityErrors()) {
            if (window.activeAt(now) && window.instanceType().equals(instanceType) && window.zone().equals(zone)
                    && window.capacityType() == capacityType) {
                throw new InsufficientCapacityException(window);
            }
        }
        changes++;
        Duration registers = now.plus(draw(scenario.boot()));
        SimNode node = addNode(instanceId, zone, false, capacityType, registers, registers.plus(draw(scenario.join())));
        return node.instanceId;
    }

    /** TerminateInstances: the instance stops now; its pods are lost, its Node stays (NotReady) until deleted. */
    public boolean terminateInstance(String instanceId) {
        SimNode node = nodes.get(instanceId);
        if (node == null || !node.instanceRunning(now)) {
            return false;
        }
        node.instanceGoneAt = now;
        reconcile();
        return true;
    }

    /** The Spot two-minute warning for this instance: it is reclaimed at now + {@link #SPOT_WARNING}. */
    public Duration interruptSpot(String instanceId) {
        if (!spotRunning(instanceId)) {
            throw new IllegalArgumentException("no running Spot instance " + instanceId);
        }
        SimNode node = nodes.get(instanceId);
        changes++;
        Duration reclaimedAt = now.plus(SPOT_WARNING);
        if (node.instanceGoneAt == null || node.instanceGoneAt.compareTo(reclaimedAt) > 0) {
            node.instanceGoneAt = reclaimedAt;
        }
        return node.instanceGoneAt;
    }

    /** A Spot worker whose instance runs now, warned or not: one EC2 can still send an event about. */
    public boolean spotRunning(String instanceId) {
        SimNode node = nodes.get(instanceId);
        return node != null && node.capacityType == CapacityType.SPOT && node.instanceRunning(now);
    }

    /** A seeded choice among running Spot workers that have no warning yet, or empty when there is none. */
    public Optional<String> randomSpotWorker() {
        List<SimNode> candidates = nodes.values().stream()
                .filter(node -> !node.master && node.capacityType == CapacityType.SPOT && node.instanceGoneAt == null)
                .toList();
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())).instanceId);
    }

    /** Whether the scenario (or an injected fault) has Prometheus down, or the K3s API answering 5xx, now. */
    public boolean outageActive(Scenario.OutageKind kind) {
        return Stream.concat(scenario.outages().stream(), injectedOutages.stream())
                .anyMatch(outage -> outage.kind() == kind && outage.activeAt(now));
    }

    /** The scenario's capacity-error windows plus injected ones. */
    public List<Scenario.CapacityError> capacityErrors() {
        return Stream.concat(scenario.capacityErrors().stream(), injectedCapacityErrors.stream()).toList();
    }

    /** An outage injected from now for {@code length} (the fault matrix's bad weather). */
    public void injectOutage(Scenario.OutageKind kind, Duration length) {
        injectedOutages.add(new Scenario.Outage(kind, now, now.plus(length)));
    }

    /** Every offering of the worker type out of capacity from now for {@code length}. */
    public void injectCapacityShortage(Duration length) {
        for (String zone : scenario.cluster().zones()) {
            for (CapacityType type : CapacityType.values()) {
                injectedCapacityErrors.add(new Scenario.CapacityError(scenario.workerType().name(), zone, type, now, now.plus(length)));
            }
        }
    }

    public List<InstanceState> instances() {
        return nodes.values().stream()
                .map(node -> new InstanceState(node.instanceId, node.zone, node.master, node.capacityType, node.launchedAt,
                        node.instanceGoneAt, node.registersAt, node.readyAt))
                .toList();
    }

    // ---- Kubernetes side ----------------------------------------------------------------------

    /** Registered Node objects, oldest first. */
    public List<NodeState> nodes() {
        return nodes.values().stream().filter(node -> node.registered(now)).map(node -> node.snapshot(now)).toList();
    }

    /** Every pod, oldest first. */
    public List<PodState> pods() {
        return pods.values().stream().map(SimPod::snapshot).toList();
    }

    /** Sets or clears {@code spec.unschedulable}; false when no such Node exists. */
    public boolean setCordoned(String nodeName, boolean cordoned) {
        SimNode node = registeredNode(nodeName);
        if (node == null) {
            return false;
        }
        node.cordoned = cordoned;
        reconcile();
        return true;
    }

    /** Deletes the Node object (the instance is unaffected); its pods are garbage-collected. */
    public boolean deleteNode(String nodeName) {
        SimNode node = registeredNode(nodeName);
        if (node == null) {
            return false;
        }
        node.nodeDeleted = true;
        reconcile();
        return true;
    }

    /** The policy/v1 Eviction subresource, with PodDisruptionBudgets enforced (the testkit's arithmetic). */
    public EvictionAnswer evict(String namespace, String name) {
        SimPod pod = pods.get(namespace + "/" + name);
        if (pod == null) {
            return EvictionAnswer.NOT_FOUND;
        }
        if (pod.phase == PodPhase.TERMINATING) {
            return EvictionAnswer.EVICTED;
        }
        Workload owner = pod.owner;
        if (owner.pdb() != null && healthy(pod)) {
            int currentHealthy = (int) owned(owner).filter(this::healthy).count();
            if (DisruptionBudgets.disruptionsAllowed(owner.pdb().minAvailable(), owner.pdb().maxUnavailable(),
                    currentHealthy, expectedPods(owner)) <= 0) {
                return EvictionAnswer.BLOCKED_BY_PDB;
            }
        }
        boolean wasHealthy = healthy(pod);
        delete(pod);
        if (owner.pdb() != null && wasHealthy) {
            // Checked again after the fact, as an independent witness for the run's invariants: an
            // accepted eviction must leave at least the budget's desired healthy pods.
            int healthyAfter = (int) owned(owner).filter(this::healthy).count();
            int desired = DisruptionBudgets.desiredHealthy(owner.pdb().minAvailable(), owner.pdb().maxUnavailable(),
                    expectedPods(owner));
            if (healthyAfter < desired) {
                budgetViolations.add(now + " evicted " + pod.key() + ": " + healthyAfter + " healthy left, budget wants " + desired);
            }
        }
        reconcile();
        return EvictionAnswer.EVICTED;
    }

    /** Evictions that left a PodDisruptionBudget short (must stay empty). */
    public List<String> budgetViolations() {
        return List.copyOf(budgetViolations);
    }

    // ---- observation --------------------------------------------------------------------------

    /**
     * What the metrics pipeline sees now. The same instant with no change in between gives the same
     * observation (a scrape, the timeline's sample and the progress line share one).
     */
    public ClusterObservation observe() {
        if (observed != null && mark().equals(observedAt)) {
            return observed;
        }
        long cpuUsed = 0;
        long memoryUsed = 0;
        long cpuAllocatable = 0;
        long memoryAllocatable = 0;
        long cpuRequested = 0;
        long memoryRequested = 0;
        List<WorkerNode> workers = new ArrayList<>();
        Map<String, List<SimPod>> occupants = occupantsByNode();
        for (SimNode node : nodes.values()) {
            if (node.master || !node.registered(now)) {
                continue;
            }
            boolean ready = node.ready(now);
            workers.add(new WorkerNode(node.name(), node.instanceId, ready, !node.cordoned));
            long nodeCpu = 0;
            long nodeMemory = 0;
            for (SimPod pod : occupants.getOrDefault(node.name(), List.of())) {
                cpuRequested += pod.owner.cpuMillis();
                memoryRequested += pod.owner.memoryBytes();
                PodUsage used = usage(pod);
                nodeCpu += used.cpuMillis();
                nodeMemory += used.memoryBytes();
            }
            if (ready) {
                // A node cannot be busier than its allocatable: usage beyond it is throttled (CPU) or OOM-killed (memory).
                cpuUsed += Math.min(nodeCpu, node.cpuMillis);
                memoryUsed += Math.min(nodeMemory, node.memoryBytes);
                cpuAllocatable += node.cpuMillis;
                memoryAllocatable += node.memoryBytes;
            }
        }
        List<UnschedulablePod> unschedulable = pods.values().stream()
                .filter(pod -> pod.phase == PodPhase.PENDING && pod.unschedulableSince != null)
                .map(pod -> new UnschedulablePod(pod.owner.namespace(), pod.name, pod.owner.cpuMillis(), pod.owner.memoryBytes(), pod.unschedulableSince))
                .toList();
        observed = new ClusterObservation(now,
                cpuAllocatable == 0 ? null : 100.0 * cpuUsed / cpuAllocatable,
                memoryAllocatable == 0 ? null : 100.0 * memoryUsed / memoryAllocatable,
                unschedulable, cpuRequested, memoryRequested, List.copyOf(workers));
        observedAt = mark();
        return observed;
    }

    /**
     * What each pod holding resources (running, or terminating on its node) uses now, by
     * namespace/name, masters' pods included: the per-pod figures the node totals of
     * {@link #observe()} add up.
     */
    public Map<String, PodUsage> podUsage() {
        Map<String, PodUsage> usage = new HashMap<>();
        for (SimPod pod : pods.values()) {
            if (pod.holdsResources()) {
                usage.put(pod.key(), usage(pod));
            }
        }
        return usage;
    }

    private PodUsage usage(SimPod pod) {
        double factor = jitter(pod);
        return new PodUsage(Math.round(pod.owner.cpuMillis() * pod.owner.cpuUsage() * factor),
                Math.round(pod.owner.memoryBytes() * pod.owner.memoryUsage() * factor));
    }

    /** The pods holding resources on each node (running, or terminating there), in creation order: one pass over the pods. */
    private Map<String, List<SimPod>> occupantsByNode() {
        Map<String, List<SimPod>> byNode = new HashMap<>();
        for (SimPod pod : pods.values()) {
            if (pod.holdsResources()) {
                byNode.computeIfAbsent(pod.nodeName, name -> new ArrayList<>()).add(pod);
            }
        }
        return byNode;
    }

    // ---- internals ----------------------------------------------------------------------------

    private SimNode addNode(String chosenId, String zone, boolean master, CapacityType type, Duration registersAt,
            Duration readyAt) {
        String instanceId = chosenId != null ? chosenId : String.format("i-0%016x", random.nextLong());
        if (nodes.containsKey(instanceId)) {
            throw new IllegalArgumentException("instance " + instanceId + " already exists");
        }
        Scenario.WorkerType workerType = scenario.workerType();
        SimNode node = new SimNode(instanceId, zone, master, type, workerType.name(), workerType.cpuMillis(),
                workerType.memoryBytes(), sequence++, now, registersAt, readyAt);
        nodes.put(instanceId, node);
        return node;
    }

    private SimNode registeredNode(String name) {
        SimNode node = nodes.get(name);
        return node != null && node.registered(now) ? node : null;
    }

    /** Uniform in [mean - spread, mean + spread], whole seconds. */
    private Duration draw(Delay delay) {
        long spread = delay.spread().toSeconds();
        long offset = spread == 0 ? 0 : random.nextLong(-spread, spread + 1);
        return delay.mean().plusSeconds(offset);
    }

    private double jitter(SimPod pod) {
        double jitter = pod.owner.usageJitter();
        if (jitter == 0) {
            return 1;
        }
        long minute = now.toMinutes();
        // Derived per (pod, minute), so observing twice in a minute agrees and observing never shifts other draws.
        double u = UnitDraw.of(scenario.seed() * 0x9E3779B97F4A7C15L + pod.sequence * 1_000_003L + minute);
        return 1 + jitter * (2 * u - 1);
    }

    private void reconcile() {
        changes++;
        removeFinishedAndLostPods();
        // Each controller reads and changes only its own pods: one pass over the cluster's pods for all of them.
        Map<Workload, List<SimPod>> byOwner = new IdentityHashMap<>();
        for (SimPod pod : pods.values()) {
            byOwner.computeIfAbsent(pod.owner, owner -> new ArrayList<>()).add(pod);
        }
        for (Workload workload : scenario.workloads()) {
            List<SimPod> owned = byOwner.getOrDefault(workload, List.of());
            switch (workload.kind()) {
                case DEPLOYMENT -> reconcileDeployment(workload, owned);
                case STATEFUL_SET -> reconcileStatefulSet(workload, owned);
                case DAEMON_SET -> reconcileDaemonSet(workload, owned);
            }
        }
        List<SimPod> pending = pods.values().stream().filter(pod -> pod.phase == PodPhase.PENDING).toList();
        for (SimPod bound : Scheduler.schedule(pending, nodes.values(), occupantsByNode(), now, scenario.podStartup())) {
            if (bound.waitingSince != null) {
                endedWaits.add(waitOf(bound, now, bound.nodeName));
            }
        }
    }

    /** Every pod's wait for a place so far: the ended ones, then those still waiting (end null). */
    public List<PodWait> podWaits() {
        List<PodWait> waits = new ArrayList<>(endedWaits);
        pods.values().stream().filter(pod -> pod.phase == PodPhase.PENDING && pod.waitingSince != null)
                .forEach(pod -> waits.add(waitOf(pod, null, null)));
        return waits;
    }

    private PodWait waitOf(SimPod pod, Duration end, String instanceId) {
        Scenario.WorkerType type = scenario.workerType();
        return new PodWait(pod.key(), pod.waitingSince, end, instanceId,
                pod.owner.cpuMillis() <= type.cpuMillis() && pod.owner.memoryBytes() <= type.memoryBytes());
    }

    /** Terminated pods past their grace, and pods whose node or instance is gone (nothing runs them any more). */
    private void removeFinishedAndLostPods() {
        pods.values().removeIf(pod -> {
            if (pod.phase == PodPhase.TERMINATING && pod.goneAt.compareTo(now) <= 0) {
                return true;
            }
            if (pod.nodeName == null) {
                return false;
            }
            SimNode node = nodes.get(pod.nodeName);
            return node.nodeDeleted || !node.instanceRunning(now);
        });
    }

    /** A ReplicaSet replaces a terminating pod at once and removes pending pods first, then the newest. */
    private void reconcileDeployment(Workload workload, List<SimPod> owned) {
        List<SimPod> active = owned.stream().filter(pod -> pod.phase != PodPhase.TERMINATING).toList();
        int desired = workload.replicasAt(now);
        for (int i = active.size(); i < desired; i++) {
            long seq = sequence++;
            create(workload, workload.name() + "-" + Long.toString(36 * 36 * 36 * 36 + seq, 36), -1, seq, dueTime(workload, i + 1));
        }
        if (active.size() <= desired) {
            return;
        }
        active.stream()
                .sorted(Comparator.comparing((SimPod pod) -> pod.phase != PodPhase.PENDING)
                        .thenComparing(Comparator.comparingLong((SimPod pod) -> pod.sequence).reversed()))
                .limit(Math.max(0, active.size() - desired))
                .toList()
                .forEach(this::delete);
    }

    /** A StatefulSet keeps ordinals 0..n-1, recreates an ordinal only once its old pod is gone, and removes the highest first. */
    private void reconcileStatefulSet(Workload workload, List<SimPod> owned) {
        int desired = workload.replicasAt(now);
        for (int ordinal = 0; ordinal < desired; ordinal++) {
            int wanted = ordinal;
            if (owned.stream().noneMatch(pod -> pod.ordinal == wanted)) {
                create(workload, workload.name() + "-" + ordinal, ordinal, sequence++, dueTime(workload, ordinal + 1));
            }
        }
        owned.stream().filter(pod -> pod.ordinal >= desired && pod.phase != PodPhase.TERMINATING).forEach(this::delete);
    }

    /** One pod per Ready node, bound by the controller itself; DaemonSet pods tolerate the cordon and the master's taint. */
    private void reconcileDaemonSet(Workload workload, List<SimPod> owned) {
        Set<String> covered = new HashSet<>();
        owned.stream().filter(pod -> pod.nodeName != null && pod.phase != PodPhase.TERMINATING)
                .forEach(pod -> covered.add(pod.nodeName));
        for (SimNode node : nodes.values()) {
            if (!node.ready(now) || covered.contains(node.name())) {
                continue;
            }
            long seq = sequence++;
            SimPod pod = create(workload, workload.name() + "-" + Long.toString(36 * 36 * 36 * 36 + seq, 36), -1, seq, now);
            pod.bind(node.name(), now, scenario.podStartup());
        }
    }

    /**
     * When, since the previous instant, the workload first wanted {@code replicas}: its controller
     * creates the pod then (within milliseconds), not when the run next looks. A replacement for a
     * pod that went away is due now.
     */
    private Duration dueTime(Workload workload, int replicas) {
        if (workload.replicasAt(previous) >= replicas) {
            return now;
        }
        long low = previous.toMillis();
        long high = now.toMillis();
        while (high - low > 1) {
            long middle = low + (high - low) / 2;
            if (workload.replicasAt(Duration.ofMillis(middle)) >= replicas) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return Duration.ofMillis(high);
    }

    private SimPod create(Workload workload, String name, int ordinal, long seq, Duration createdAt) {
        SimPod pod = new SimPod(workload, name, ordinal, seq, createdAt);
        pods.put(pod.key(), pod);
        return pod;
    }

    /** A pending pod vanishes at once; a bound one terminates for the grace period, keeping its requests on the node. */
    private void delete(SimPod pod) {
        if (pod.phase == PodPhase.PENDING) {
            pods.remove(pod.key());
            if (pod.waitingSince != null) {
                endedWaits.add(waitOf(pod, now, null));
            }
            return;
        }
        pod.phase = PodPhase.TERMINATING;
        pod.deletedAt = now;
        pod.goneAt = now.plus(scenario.terminationGrace());
    }

    private Stream<SimPod> owned(Workload workload) {
        return pods.values().stream().filter(pod -> pod.owner == workload);
    }

    private boolean healthy(SimPod pod) {
        return pod.phase == PodPhase.RUNNING && pod.readyAt.compareTo(now) <= 0 && nodes.get(pod.nodeName).ready(now);
    }

    private int expectedPods(Workload workload) {
        return workload.kind() == Kind.DAEMON_SET ? (int) owned(workload).count() : workload.replicasAt(now);
    }
}
