package dev.k3sautoscaler.simulator.engine;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.engine.Simulation.Notification;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.report.RunTimeline.Sample;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import dev.k3sautoscaler.fleet.FleetTags;
import dev.k3sautoscaler.workflow.Execution;
import dev.k3sautoscaler.workflow.HistoryEvent;
import java.time.Duration;
import dev.k3sautoscaler.simulator.virtual.VirtualKubeApi;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What must hold after every run, whatever the scenario or the faults injected: checked
 * from the run's own records — the executions' histories, the EC2 API, the cluster, the state item —
 * never from what the autoscaler believes.
 */
public final class Invariants {
    private static final String LOCK_LOST = "dev.k3sautoscaler.errors.LockLost";
    /** Any K3s join token ({@code K10<sha256>::server:<secret>}), not only this cluster's. */
    private static final Pattern JOIN_TOKEN = Pattern.compile("K10[0-9a-f]{64}::");

    public enum Name {
        NO_ORPHANED_INSTANCE, NO_LOCK_PAST_TTL, EVERY_ACTUATION_RELEASED_ITS_LOCK, MASTER_NEVER_TERMINATED,
        WORKERS_WITHIN_BOUNDS, NO_PDB_VIOLATED, NO_SECRET_IN_EXECUTION_DATA,
        /** Checked at every instant by {@link WorldWatch}. */
        BILLED_WITHIN_MAX,
        /** Checked at every instant by {@link WorldWatch}. */
        NO_INSTANCE_WITHOUT_READY_NODE,
        /** Checked at every instant by {@link WorldWatch}. */
        NO_GHOST_NODE,
        /** Checked at every instant by {@link WorldWatch}. */
        NO_UNCORDON_DURING_INTERRUPTION_DRAIN,
        /** Checked at every instant by {@link WorldWatch}. */
        NO_RUNNING_INSTANCE_OF_DELETED_NODE,
        /** Checked on the {@link LeaseLedger}: every actuating side effect under the lock happened while its lease was current. */
        NO_SIDE_EFFECT_UNDER_LOST_LEASE,
        /** Checked at every invocation: a function ends only with step errors its catalogue entry declares. */
        EVERY_STEP_ERROR_DECLARED,
        /**
         * Every worker a scale-down terminated is in a SCALE_DOWN outcome its execution recorded, unless the
         * state store could not be reached, the answer was lost, or the lease was taken meanwhile.
         */
        EVERY_REMOVAL_RECORDED,
        /**
         * The events and the status ConfigMap hold no secret: anyone who may read events in the cluster
         * reads them, a wider audience than the execution data.
         */
        NO_SECRET_IN_KUBERNETES_WRITES,
        /**
         * No execution ended because its state data passed Step Functions' 256 KiB quota: no Catch takes that
         * error, so a tick that hits it fails every minute and decides nothing, and an actuation leaves its lock
         * to expire.
         */
        NO_STATE_DATA_PAST_THE_QUOTA,
        /**
         * Checked at every Decide: no decision counts as a launch in flight an instance whose Spot drain was
         * already recorded. EC2 is taking it back; waiting for it holds back its replacement while pods wait.
         */
        NO_RECLAIMED_INSTANCE_IN_FLIGHT
    }

    /** One broken invariant, with the evidence. */
    public record Violation(Name invariant, String detail) {
        @Override
        public String toString() {
            return invariant + ": " + detail;
        }
    }

    private Invariants() {
    }

    public static List<Violation> check(SimulationResult result) {
        List<Violation> violations = new ArrayList<>();
        AutoscalerConfig config = result.scenario().config();
        Duration end = result.timeline().duration();
        orphans(result, config, end, violations);
        locks(result, config, violations);
        master(result, violations);
        bounds(result, config, violations);
        result.budgetViolations().forEach(v -> violations.add(new Violation(Name.NO_PDB_VIOLATED, v)));
        violations.addAll(secretsLeaked(result.executions(), result.notifications(), result.secrets()));
        violations.addAll(secretsInCluster(result.visibility(), result.secrets()));
        violations.addAll(result.instantViolations());
        violations.addAll(sideEffectsUnderLease(result.leaseLedger(), config.lockTtl()));
        violations.addAll(removalsRecorded(result.executions()));
        violations.addAll(stateDataWithinQuota(result.executions()));
        return violations;
    }

    static List<Violation> stateDataWithinQuota(List<RunExecution> executions) {
        List<Violation> found = new ArrayList<>();
        for (RunExecution run : executions) {
            Execution execution = run.execution();
            if ("States.DataLimitExceeded".equals(execution.error())) {
                found.add(new Violation(Name.NO_STATE_DATA_PAST_THE_QUOTA, execution.name() + ": " + execution.cause()));
            }
        }
        return firstFew(found);
    }

    /**
     * A Decide's input against the instances whose Spot drain was recorded before it: any of them among
     * the state's launches in flight is a broken {@link Name#NO_RECLAIMED_INSTANCE_IN_FLIGHT}.
     */
    static java.util.Optional<Violation> reclaimedInFlight(com.fasterxml.jackson.databind.JsonNode decideInput,
            Set<String> reclaimed, String where) {
        List<String> waitedFor = new ArrayList<>();
        decideInput.path("state").path("pendingLaunches").forEach(launch -> {
            String id = launch.path("instanceId").asText();
            if (reclaimed.contains(id)) {
                waitedFor.add(id);
            }
        });
        return waitedFor.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new Violation(
                Name.NO_RECLAIMED_INSTANCE_IN_FLIGHT, where + " counted " + waitedFor + " in flight after their Spot drain was recorded"));
    }

    /** Errors after which an unrecorded removal is expected: the store or the answer was lost, or the lease. */
    private static final List<String> RECORD_MAY_BE_LOST = List.of(LOCK_LOST, "dev.k3sautoscaler.errors.StateStoreUnavailable",
            "Lambda.", "Sandbox.", "States.Timeout");

    /**
     * Read from each finished actuation's history: the instances TerminateWorkers answered as
     * terminated, against the instances of the SCALE_DOWN outcomes RecordOutcome accepted. A gap is a
     * bug (a record the handler refuses, a path that skips it) unless the execution ended with an error
     * that loses records by nature.
     */
    static List<Violation> removalsRecorded(List<RunExecution> executions) {
        List<Violation> found = new ArrayList<>();
        for (RunExecution run : executions) {
            Execution execution = run.execution();
            if (run.machine() != RunTimeline.Machine.STANDARD_ACTUATION || !execution.isDone()
                    || (execution.error() != null && RECORD_MAY_BE_LOST.stream().anyMatch(execution.error()::startsWith))) {
                continue;
            }
            Set<String> terminated = new java.util.TreeSet<>();
            Set<String> recorded = new java.util.HashSet<>();
            com.fasterxml.jackson.databind.JsonNode scheduledRecord = null;
            for (HistoryEvent event : execution.history()) {
                String resource = String.valueOf(event.resource());
                if ("LambdaFunctionSucceeded".equals(event.type()) && resource.endsWith(":function:terminate-workers")) {
                    json(event.output()).path("terminated").forEach(id -> terminated.add(id.asText()));
                } else if ("LambdaFunctionScheduled".equals(event.type()) && resource.endsWith(":function:record-outcome")) {
                    scheduledRecord = json(event.input()).path("outcome");
                } else if ("LambdaFunctionSucceeded".equals(event.type()) && resource.endsWith(":function:record-outcome")
                        && scheduledRecord != null && "SCALE_DOWN".equals(scheduledRecord.path("action").asText())) {
                    scheduledRecord.path("instanceIds").forEach(id -> recorded.add(id.asText()));
                    scheduledRecord.path("removals").forEach(r -> recorded.add(r.path("instanceId").asText()));
                }
            }
            terminated.removeAll(recorded);
            if (!terminated.isEmpty()) {
                found.add(new Violation(Name.EVERY_REMOVAL_RECORDED, execution.name() + " terminated " + terminated
                        + " but recorded no SCALE_DOWN with them (ended " + execution.status()
                        + (execution.error() == null ? "" : " with " + execution.error()) + ")"));
            }
        }
        return firstFew(found);
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return text == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                    : dev.k3sautoscaler.runtime.StepJson.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** Launched, never joined, never terminated: an instance nobody is paying attention to. */
    private static void orphans(SimulationResult result, AutoscalerConfig config, Duration end, List<Violation> out) {
        // The last JOIN_TIMEOUT of the run (plus two ticks to notice) is still someone's join loop.
        Duration stillJoining = end.minus(config.joinTimeout()).minus(result.scenario().tick().multipliedBy(2));
        for (InstanceState instance : result.clusterInstances()) {
            boolean launchedByUs = !instance.master() && instance.launchedAt().isPositive();
            if (launchedByUs && instance.goneAt() == null && !instance.joinedBy(end)
                    && instance.launchedAt().compareTo(stillJoining) < 0) {
                out.add(new Violation(Name.NO_ORPHANED_INSTANCE, instance.instanceId() + " launched at "
                        + Simulation.at(instance.launchedAt()) + " never joined and still runs"));
            }
        }
        Set<String> runningInCluster = result.clusterInstances().stream()
                .filter(instance -> instance.goneAt() == null).map(InstanceState::instanceId).collect(Collectors.toSet());
        for (FakeInstance described : result.ec2Instances()) {
            if (described.isAlive() && !runningInCluster.contains(described.instanceId())) {
                out.add(new Violation(Name.NO_ORPHANED_INSTANCE, described.instanceId()
                        + " runs in EC2 but not in the cluster"));
            }
        }
    }

    /**
     * Every actuation that took the lock released it — or stopped on {@code LockLost}, its lease taken
     * by another (nothing of the lock is its to release then) — judged from the handlers that really
     * ran, not from what Step Functions heard (a release whose answer was lost still released). At
     * the end, a held lock belongs to an execution still running. How long a holder went between
     * lease operations is not judged by itself: it matters only if it then acted under a lease
     * another execution had taken, which {@link Name#NO_SIDE_EFFECT_UNDER_LOST_LEASE} checks.
     */
    private static void locks(SimulationResult result, AutoscalerConfig config, List<Violation> out) {
        Set<String> running = result.executions().stream().filter(run -> !run.execution().isDone())
                .map(run -> run.execution().name()).collect(Collectors.toSet());
        Set<String> acquired = new java.util.HashSet<>();
        Set<String> released = new java.util.HashSet<>();
        for (LeaseLedger.Entry entry : result.leaseLedger()) {
            switch (entry.kind()) {
                case ACQUIRED -> acquired.add(entry.execution());
                case RELEASED -> released.add(entry.execution());
                default -> {
                    // side effects and renewals say nothing about the release
                }
            }
        }
        for (RunExecution run : result.executions()) {
            Execution execution = run.execution();
            boolean leaseLost = LOCK_LOST.equals(execution.error());
            if (run.machine() == RunTimeline.Machine.STANDARD_ACTUATION && acquired.contains(execution.name())
                    && execution.isDone() && !released.contains(execution.name()) && !leaseLost) {
                out.add(new Violation(Name.EVERY_ACTUATION_RELEASED_ITS_LOCK, execution.name() + " ended "
                        + execution.status() + " holding the lock"));
            }
        }
        var state = result.finalState();
        if (state.locked() && !running.contains(state.lockOwner())) {
            out.add(new Violation(Name.NO_LOCK_PAST_TTL, "the run ended with the lock held by " + state.lockOwner()
                    + ", which is not running"));
        }
    }

    private static void master(SimulationResult result, List<Violation> out) {
        result.clusterInstances().stream().filter(InstanceState::master).filter(master -> master.goneAt() != null)
                .forEach(master -> out.add(new Violation(Name.MASTER_NEVER_TERMINATED,
                        master.instanceId() + " stopped at " + Simulation.at(master.goneAt()))));
        result.ec2Instances().stream()
                .filter(instance -> FleetTags.ROLE_MASTER.equals(instance.tag(FleetTags.ROLE)) && !instance.isAlive())
                .forEach(master -> out.add(new Violation(Name.MASTER_NEVER_TERMINATED,
                        master.instanceId() + " is " + master.state() + " in EC2")));
    }

    /**
     * Never more than MAX_WORKERS billed workers; never fewer than MIN_WORKERS except while a Spot
     * loss is being replaced (the warning, the reclaim, then up to a join timeout and two ticks),
     * that span lengthened by any time EC2 had no capacity for an offering within it, each window
     * plus the time its offerings are then skipped (OFFERING_UNAVAILABLE_SEC): no policy can launch
     * into a capacity error.
     */
    private static void bounds(SimulationResult result, AutoscalerConfig config, List<Violation> out) {
        Duration replacing = Duration.ofMinutes(2).plus(config.joinTimeout()).plus(result.scenario().tick().multipliedBy(2));
        List<Duration> spotWarnings = result.timeline().spotDrains().stream().map(RunTimeline.SpotDrain::warnedAt).toList();
        int startWorkers = result.timeline().samples().getFirst().totalWorkers();
        for (Sample sample : result.timeline().samples()) {
            if (sample.totalWorkers() > config.maxWorkers()) {
                out.add(new Violation(Name.WORKERS_WITHIN_BOUNDS, sample.totalWorkers() + " workers at "
                        + Simulation.at(sample.at()) + " > MAX_WORKERS=" + config.maxWorkers()));
            }
            boolean afterSpotLoss = spotWarnings.stream().anyMatch(warned -> !sample.at().isNegative()
                    && sample.at().compareTo(warned) >= 0
                    && sample.at().compareTo(warned.plus(replacing).plus(capacityLost(result, config, warned,
                            sample.at()))) <= 0);
            boolean startedBelow = startWorkers < config.minWorkers() && sample.at().compareTo(replacing) <= 0;
            if (sample.totalWorkers() < config.minWorkers() && !afterSpotLoss && !startedBelow) {
                out.add(new Violation(Name.WORKERS_WITHIN_BOUNDS, sample.totalWorkers() + " workers at "
                        + Simulation.at(sample.at()) + " < MIN_WORKERS=" + config.minWorkers()));
            }
        }
    }

    /** How long, between {@code from} and {@code to}, some capacity-error window (and its offering skip) lasted. */
    private static Duration capacityLost(SimulationResult result, AutoscalerConfig config, Duration from, Duration to) {
        Duration lost = Duration.ZERO;
        for (var window : result.capacityErrors()) {
            Duration start = window.from().compareTo(from) > 0 ? window.from() : from;
            Duration endWithSkip = window.to().plus(config.offeringUnavailable());
            Duration end = endWithSkip.compareTo(to) < 0 ? endWithSkip : to;
            if (end.compareTo(start) > 0) {
                lost = lost.plus(end.minus(start));
            }
        }
        return lost;
    }

    /**
     * Every side effect of an actuating step, by an execution that holds the lock (acquired, not yet
     * past ReleaseLock), happened while its lease was current: no other execution acquired the lock
     * since this one's latest acquisition, and its latest lease operation (acquire, renew, or a
     * completed actuating step — a fenced step renews) was less than LOCK_TTL_SEC before. Lockless
     * paths (the tick, Spot drains, before AcquireLock, after ReleaseLock) are not judged here.
     */
    /** The steps that check and extend their lease right before acting (their fence). */
    private static final Set<String> LEASED = Set.of("launch-workers", "terminate-workers", "cordon-node", "drain-node",
            "delete-node");

    static List<Violation> sideEffectsUnderLease(List<LeaseLedger.Entry> ledger, Duration lockTtl) {
        record Holding(int acquiredIndex, Duration acquiredAt, Duration lastLeaseOperation) {
        }
        java.util.Map<String, Holding> holding = new java.util.HashMap<>();
        List<Integer> acquisitions = new ArrayList<>();
        List<Violation> found = new ArrayList<>();
        for (int i = 0; i < ledger.size(); i++) {
            LeaseLedger.Entry entry = ledger.get(i);
            Holding held = holding.get(entry.execution());
            switch (entry.kind()) {
                case ACQUIRED -> {
                    acquisitions.add(i);
                    holding.put(entry.execution(), new Holding(i, entry.at(), entry.at()));
                }
                case RENEWED -> {
                    if (held != null) {
                        holding.put(entry.execution(), new Holding(held.acquiredIndex(), held.acquiredAt(), entry.at()));
                    }
                }
                case RELEASED -> holding.remove(entry.execution());
                case SIDE_EFFECT -> {
                    if (held == null) {
                        continue; // lockless
                    }
                    String what = entry.execution() + " " + entry.function() + " at " + Simulation.at(entry.at());
                    acquisitions.stream().filter(index -> index > held.acquiredIndex())
                            .map(ledger::get).filter(other -> !other.execution().equals(entry.execution()))
                            .findFirst()
                            .ifPresent(other -> found.add(new Violation(Name.NO_SIDE_EFFECT_UNDER_LOST_LEASE, what + ": "
                                    + other.execution() + " acquired the lock at " + Simulation.at(other.at())
                                    + ", after this execution's acquisition at " + Simulation.at(held.acquiredAt()))));
                    // A leased step's fence renews the lease in the same handler run, just before it acts.
                    Duration sinceLease = LEASED.contains(entry.function()) ? Duration.ZERO
                            : entry.at().minus(held.lastLeaseOperation());
                    if (sinceLease.compareTo(lockTtl) >= 0) {
                        found.add(new Violation(Name.NO_SIDE_EFFECT_UNDER_LOST_LEASE, what + ": last lease operation at "
                                + Simulation.at(held.lastLeaseOperation()) + ", " + sinceLease.toSeconds()
                                + " s before (LOCK_TTL_SEC=" + lockTtl.toSeconds() + ")"));
                    }
                    holding.put(entry.execution(), new Holding(held.acquiredIndex(), held.acquiredAt(), entry.at()));
                }
            }
        }
        return firstFew(found);
    }

    /** The first {@link WorldWatch#KEPT_PER_INVARIANT} violations, then one line counting the rest. */
    private static List<Violation> firstFew(List<Violation> found) {
        if (found.size() <= WorldWatch.KEPT_PER_INVARIANT) {
            return found;
        }
        List<Violation> kept = new ArrayList<>(found.subList(0, WorldWatch.KEPT_PER_INVARIANT));
        kept.add(new Violation(found.getFirst().invariant(), "and " + (found.size() - kept.size()) + " more"));
        return kept;
    }

    /**
     * Everything a run writes down that an operator or a log pipeline reads — each execution's
     * input, output, error and cause, the same four of every history event, and every published
     * notification — holds neither of the cluster's secrets nor a part of one, nor anything shaped
     * like a K3s join token. The first find per place is named, with the place.
     */
    static List<Violation> secretsLeaked(List<RunExecution> executions, List<Notification> notifications,
            ClusterSecrets secrets) {
        List<ClusterSecrets.Fragment> fragments = secrets.fragments();
        List<Violation> found = new ArrayList<>();
        for (RunExecution run : executions) {
            Execution execution = run.execution();
            String name = execution.name();
            // A state's output is the next state's input and often its task's: one string, searched once.
            Map<String, Optional<String>> searched = new IdentityHashMap<>();
            Function<String, Optional<String>> carried = text -> searched.computeIfAbsent(text, t -> carried(fragments, t));
            scan(carried, () -> name + " input", String.valueOf(execution.input()), Name.NO_SECRET_IN_EXECUTION_DATA, found);
            scan(carried, () -> name + " output", String.valueOf(execution.output()), Name.NO_SECRET_IN_EXECUTION_DATA, found);
            scan(carried, () -> name + " error", execution.error(), Name.NO_SECRET_IN_EXECUTION_DATA, found);
            scan(carried, () -> name + " cause", execution.cause(), Name.NO_SECRET_IN_EXECUTION_DATA, found);
            for (HistoryEvent event : execution.history()) {
                // Named only when something is found: a day's histories hold tens of thousands of events.
                Supplier<String> where = () -> name + " event " + event.id() + " " + event.type()
                        + (event.stateName() == null ? "" : " (" + event.stateName() + ")");
                scan(carried, () -> where.get() + " input", event.input(), Name.NO_SECRET_IN_EXECUTION_DATA, found);
                scan(carried, () -> where.get() + " output", event.output(), Name.NO_SECRET_IN_EXECUTION_DATA, found);
                scan(carried, () -> where.get() + " error", event.error(), Name.NO_SECRET_IN_EXECUTION_DATA, found);
                scan(carried, () -> where.get() + " cause", event.cause(), Name.NO_SECRET_IN_EXECUTION_DATA, found);
            }
        }
        for (Notification notification : notifications) {
            scan(fragments, () -> "the notification " + notification.execution() + " published at "
                    + Simulation.at(notification.at()), String.valueOf(notification.parameters()), found);
        }
        return firstFew(found);
    }

    /**
     * The same search over the handlers' log lines, where a run captures them (the simulate
     * command's {@code lambda-logs.jsonl}): what would reach CloudWatch must not hold a secret either.
     */
    public static List<Violation> secretsInLog(String source, List<String> lines, ClusterSecrets secrets) {
        List<ClusterSecrets.Fragment> fragments = secrets.fragments();
        List<Violation> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            scan(fragments, () -> source + " line " + line, lines.get(i), found);
        }
        return firstFew(found);
    }

    /** The same search over what the run wrote into the cluster for kubectl users. */
    static List<Violation> secretsInCluster(VirtualKubeApi.ClusterVisibility visibility, ClusterSecrets secrets) {
        if (visibility == null) {
            return List.of();
        }
        List<ClusterSecrets.Fragment> fragments = secrets.fragments();
        List<Violation> found = new ArrayList<>();
        for (int i = 0; i < visibility.texts().size(); i++) {
            int index = i;
            scan(fragments, () -> "the Kubernetes event or status text #" + (index + 1), visibility.texts().get(i),
                    Name.NO_SECRET_IN_KUBERNETES_WRITES, found);
        }
        return firstFew(found);
    }

    /** The regex only from the first "K10" on: most data has none, and String.indexOf is far cheaper than a regex scan. */
    private static boolean shapedLikeJoinToken(String text) {
        int start = text.indexOf("K10");
        return start >= 0 && JOIN_TOKEN.matcher(text).find(start);
    }

    private static void scan(List<ClusterSecrets.Fragment> fragments, Supplier<String> where, String text, List<Violation> out) {
        scan(fragments, where, text, Name.NO_SECRET_IN_EXECUTION_DATA, out);
    }

    private static void scan(List<ClusterSecrets.Fragment> fragments, Supplier<String> where, String text, Name invariant,
                             List<Violation> out) {
        scan(t -> carried(fragments, t), where, text, invariant, out);
    }

    private static void scan(Function<String, Optional<String>> carried, Supplier<String> where, String text,
                             Name invariant, List<Violation> out) {
        if (text != null) {
            carried.apply(text).ifPresent(what -> out.add(new Violation(invariant, where.get() + " carries " + what)));
        }
    }

    /** What secret, or part of one, the text holds: the first fragment found, else a join token's shape. */
    private static Optional<String> carried(List<ClusterSecrets.Fragment> fragments, String text) {
        return fragments.stream().filter(fragment -> text.contains(fragment.value())).findFirst()
                .map(ClusterSecrets.Fragment::what)
                .or(() -> shapedLikeJoinToken(text) ? Optional.of("something shaped like a K3s join token") : Optional.empty());
    }

}
