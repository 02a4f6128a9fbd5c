package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.lifecycle.NodeReadiness;
import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.report.NodeEvents;
import dev.k3sautoscaler.core.report.WorkerPrice;
import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.scaledown.Candidacy;
import dev.k3sautoscaler.core.scaledown.Rejection;
import dev.k3sautoscaler.core.scaledown.RejectionReason;
import dev.k3sautoscaler.core.state.OutcomeRules;
import dev.k3sautoscaler.core.scaledown.CapacityCheck;
import dev.k3sautoscaler.core.scaledown.CordonOutcome;
import dev.k3sautoscaler.core.scaledown.DeleteOutcome;
import dev.k3sautoscaler.core.scaledown.DrainOutcome;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.core.scaledown.EvictionRules;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.core.scaledown.NodeView;
import dev.k3sautoscaler.core.scaledown.PodVerdict;
import dev.k3sautoscaler.core.scaledown.PodView;
import dev.k3sautoscaler.core.scaledown.ScaleDownChoice;
import dev.k3sautoscaler.core.scaledown.ScaleDownSelector;
import dev.k3sautoscaler.core.scaledown.ScaleDownWording;
import dev.k3sautoscaler.core.scaledown.UncordonOutcome;
import dev.k3sautoscaler.errors.NodeNotFound;
import dev.k3sautoscaler.errors.NodeNotManaged;
import dev.k3sautoscaler.kube.CheckWorkersJoinedOutput;
import dev.k3sautoscaler.kube.ChosenNode;
import dev.k3sautoscaler.kube.CordonNodeOutput;
import dev.k3sautoscaler.kube.DeleteNodeOutput;
import dev.k3sautoscaler.kube.DrainNodeOutput;
import dev.k3sautoscaler.kube.InstanceJoin;
import dev.k3sautoscaler.kube.JoinStatus;
import dev.k3sautoscaler.kube.RejectedNode;
import dev.k3sautoscaler.kube.SelectScaleDownTargetOutput;
import dev.k3sautoscaler.kube.UncordonNodeOutput;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node operations behind the kube steps, over a fabric8 client. Each public method is one
 * step: it reads the cluster, applies the pure rules of {@code core.scaledown}, makes its changes
 * and returns an outcome value. API failures surface as the named errors of {@link KubeCalls}.
 */
public final class NodeOperations {
    /**
     * Time one drain pass may spend sending evictions. At ~10–50 ms per eviction this covers
     * hundreds of pods; the cap keeps a pass (plus one slow 10 s request) inside a 60 s Lambda
     * timeout. Pods not reached are reported as remaining and evicted on the next pass.
     */
    static final Duration DRAIN_PASS_BUDGET = Duration.ofSeconds(20);
    /** Marks a node whose spec.unschedulable we set, so UncordonNode never undoes an operator's cordon. */
    static final String CORDONED_BY_US = "k3s-autoscaler/cordoned";
    /** How often a cordon re-reads the node after a write conflict (another writer touched it in between). */
    static final int CORDON_CONFLICT_ATTEMPTS = 3;
    private static final String NODE_NAME = "spec.nodeName";
    private static final String PHASE = "status.phase";
    private static final String PENDING = "Pending";

    private static final Logger LOG = LoggerFactory.getLogger(NodeOperations.class);

    private final KubernetesClient client;
    private final EvictionRules rules;
    private final Clock clock;
    private final KubeTimeouts timeouts;
    private final ClusterEvents events;

    /** Events priced at the default WORKER_HOURLY_PRICE_USD, written as the controller itself. */
    public NodeOperations(KubernetesClient client, EvictionRules rules, Clock clock, KubeTimeouts timeouts) {
        this(client, rules, clock, timeouts, new ClusterEvents(client, clock, ClusterEvent.CONTROLLER,
                new WorkerPrice(AutoscalerConfig.defaults().workerHourlyPriceUsd())));
    }

    public NodeOperations(KubernetesClient client, EvictionRules rules, Clock clock, KubeTimeouts timeouts,
                          ClusterEvents events) {
        this.client = client;
        this.rules = rules;
        this.clock = clock;
        this.timeouts = timeouts;
        this.events = events;
    }

    /** ReportToCluster's writer, over the same client. */
    public ClusterReporter reporter() {
        return new ClusterReporter(client, events, clock);
    }

    // ---- CheckWorkersJoined ---------------------------------------------------------------------

    public CheckWorkersJoinedOutput checkJoin(List<String> instanceIds, Instant launchedAt) {
        Map<String, Node> byInstance = listNodes().stream()
                .filter(n -> Views.instanceId(n) != null)
                .collect(Collectors.toMap(Views::instanceId, Function.identity(), (a, b) -> a));
        boolean pastTimeout = launchedAt != null && !clock.instant().isBefore(launchedAt.plus(timeouts.join()));
        List<InstanceJoin> instances = new ArrayList<>();
        for (String instanceId : instanceIds.stream().distinct().toList()) {
            Node node = byInstance.get(instanceId);
            if (node == null) {
                instances.add(new InstanceJoin(instanceId, JoinStatus.MISSING, null,
                        "no node with providerID aws:///<az>/" + instanceId + " has registered", null));
            } else {
                NodeReadiness readiness = Views.readiness(node);
                instances.add(new InstanceJoin(instanceId, readiness.code() == NodeReadiness.Code.READY
                        ? JoinStatus.READY : JoinStatus.NOT_READY, node.getMetadata().getName(), readiness.detail(),
                        readiness.code()));
            }
        }
        List<String> ready = ids(instances, JoinStatus.READY);
        List<String> notReady = ids(instances, JoinStatus.NOT_READY);
        List<String> missing = ids(instances, JoinStatus.MISSING);
        List<String> overdue = pastTimeout ? instances.stream().filter(i -> i.status() != JoinStatus.READY)
                .map(InstanceJoin::instanceId).toList() : List.of();
        boolean allReady = ready.size() == instances.size();
        String age = launchedAt == null ? "" : " " + Duration.between(launchedAt, clock.instant()).toSeconds()
                + " s after launch";
        String reason = allReady
                ? "all " + instances.size() + " launched nodes are Ready" + age
                : ready.size() + " of " + instances.size() + " Ready" + age
                + (notReady.isEmpty() ? "" : "; registered but not Ready: " + describe(instances, JoinStatus.NOT_READY))
                + (missing.isEmpty() ? "" : "; not registered: " + String.join(", ", missing))
                + (overdue.isEmpty() ? "" : "; past the " + timeouts.join().toSeconds() + " s join timeout: "
                        + String.join(", ", overdue));
        return new CheckWorkersJoinedOutput(instances, ready, notReady, missing, overdue, allReady, reason);
    }

    // ---- SelectScaleDownTarget ------------------------------------------------------------------

    public SelectScaleDownTargetOutput selectScaleDownTarget(SelectScaleDownTargetInput input) {
        List<NodeView> nodes = nodeViews();
        List<PodView> pods = podViews();
        String onlyNode = input.onlyNode();
        boolean named = onlyNode != null && !onlyNode.isBlank();
        if (named && nodes.stream().noneMatch(n -> n.name().equals(onlyNode))) {
            return SelectScaleDownTargetOutput.none(List.of(), ScaleDownWording.noSuchNode(onlyNode));
        }
        String onlyInstance = input.onlyInstance();
        if (onlyInstance != null && nodes.stream().noneMatch(n -> onlyInstance.equals(n.instanceId()))) {
            return SelectScaleDownTargetOutput.none(List.of(), ScaleDownWording.noNodeOn(onlyInstance));
        }
        boolean single = named || onlyInstance != null;
        ScaleDownSelector selector = new ScaleDownSelector(rules);
        Candidacy candidacy = input.candidacy(clock.instant());
        ScaleDownChoice choice = single || input.candidates().isEmpty()
                ? selector.choose(nodes, pods, candidacy)
                : selector.chooseEach(nodes, pods, candidacy, input.candidates());
        var rejected = choice.rejected();
        String purpose = input.purpose().value();
        List<BlockedNode> unremovable = single ? List.of() : unremovable(rejected, nodes);
        return switch (choice) {
            case ScaleDownChoice.Chosen chosen -> {
                ChosenNode node = new ChosenNode(chosen.node().name(), chosen.node().instanceId(),
                        chosen.evictable().size(), purpose);
                yield new SelectScaleDownTargetOutput(true, node, List.of(node), RejectedNode.of(rejected), unremovable,
                        ScaleDownWording.chosen(chosen, single ? named ? "requested by name" : purpose : null));
            }
            case ScaleDownChoice.Several several -> {
                List<ChosenNode> taken = several.removals().stream().map(r -> new ChosenNode(r.node().name(),
                        r.node().instanceId(), r.evictable().size(), purpose)).toList();
                yield new SelectScaleDownTargetOutput(true, taken.getFirst(), taken, RejectedNode.of(rejected),
                        unremovable, ScaleDownWording.chosenSeveral(several));
            }
            case ScaleDownChoice.NoCandidate none ->
                    SelectScaleDownTargetOutput.none(rejected, unremovable, ScaleDownWording.noCandidate(none));
        };
    }

    /**
     * Candidates the rules turned down for a reason of their own (not EC2 unreadable, not merely another
     * preferred): passed over for a while, each with the words of its reason.
     */
    private List<BlockedNode> unremovable(List<Rejection> rejected, List<NodeView> nodes) {
        Map<String, String> instanceOf = new HashMap<>();
        nodes.forEach(n -> instanceOf.put(n.name(), n.instanceId()));
        Instant until = clock.instant().plus(OutcomeRules.UNREMOVABLE_RECHECK);
        return rejected.stream()
                .filter(r -> r.code() != RejectionReason.Code.OWNERSHIP_UNKNOWN
                        && r.code() != RejectionReason.Code.NOT_PREFERRED && instanceOf.get(r.node()) != null)
                .map(r -> new BlockedNode(instanceOf.get(r.node()), r.rejectedBecause(), until))
                .toList();
    }

    // ---- CordonNode -----------------------------------------------------------------------------

    /**
     * Takes the node's drain claim for {@code purpose}: cordon and taint it, and say who cordoned it and
     * since when. A claim of higher rank takes over a lower one (a Spot interruption during a
     * scale-down); a lower one leaves a higher claim alone, and its drain then stops as preempted.
     */
    public CordonNodeOutput cordon(NodeRef ref, DrainPurpose purpose) {
        for (int attempt = 1; ; attempt++) {
            Node node = requireManaged(ref, "cordon");
            String name = node.getMetadata().getName();
            NodeView view = Views.node(node);
            boolean unschedulable = view.unschedulable();
            boolean tainted = view.drainingByUs();
            DrainPurpose claim = view.drainClaim().orElse(null);
            if (claim != null && (claim == purpose || purpose.yieldsTo(claim))) {
                Instant since = view.drainClaimedAt() != null ? view.drainClaimedAt() : clock.instant();
                return claim == purpose
                        ? CordonNodeOutput.of(name, Views.instanceId(node), true,
                                new CordonOutcome.AlreadyCordoned(name, purpose), since)
                        : CordonNodeOutput.of(name, Views.instanceId(node), true,
                                new CordonOutcome.LeftToHigherClaim(name, claim, purpose), null);
            }
            Instant now = clock.instant();
            NodePatch patch = NodePatch.expecting(node)
                    .addAnnotation(NodeLabels.DRAIN_PURPOSE, purpose.value())
                    .addAnnotation(NodeLabels.DRAIN_CLAIMED_AT, now.toString());
            if (!unschedulable) {
                patch.setUnschedulable(true).addAnnotation(CORDONED_BY_US, "true");
            }
            if (!tainted) {
                patch.addTaint(NodeLabels.DRAINING_TAINT, "true", "NoSchedule");
            }
            try {
                patch.applyTo(client, name);
            } catch (KubernetesClientException e) {
                if (NodePatch.isStale(e) && attempt < CORDON_CONFLICT_ATTEMPTS) {
                    continue;
                }
                throw KubeCalls.translate("cordon node " + name, e);
            }
            LOG.info("Cordoned node {} ({}) for {}", name, Views.instanceId(node), purpose.value());
            CordonNodeOutput output = claim != null
                    ? CordonNodeOutput.of(name, Views.instanceId(node), true,
                            new CordonOutcome.TookOver(name, claim, purpose), now)
                    : CordonNodeOutput.of(name, Views.instanceId(node), false,
                            new CordonOutcome.Cordoned(name, purpose, unschedulable), now);
            events.create(NodeEvents.cordoned(name, purpose, output.reason(), events.price()),
                    node.getMetadata().getUid(), purpose.value() + "@" + now);
            return output;
        }
    }

    // ---- DrainNode ------------------------------------------------------------------------------

    /**
     * One drain pass. With {@code startedAt} (when the workflow began draining) the output says whether the
     * drain's deadline has passed: DRAIN_TIMEOUT_SEC, or SPOT_DRAIN_BUDGET_SEC in interruption mode.
     */
    public DrainNodeOutput drainPass(NodeRef ref, DrainPurpose purpose, Instant startedAt) {
        boolean interruption = purpose.interruption();
        Node node = find(ref);
        if (node == null && !interruption) {
            // Our cordon came first, so whoever deleted the Node since overrode this drain.
            return DrainNodeOutput.stoppedBeforeEvicting(ref.nodeName(), ref.instanceId(),
                    new DrainOutcome.NodeDeleted(ref.toString(), purpose));
        }
        if (node == null) {
            throw new NodeNotFound("cannot drain " + ref + ": no such Node");
        }
        NodeView view = Views.node(node);
        requireOurs(view, "drain");
        String nodeName = node.getMetadata().getName();
        Instant deadline = clock.instant().plus(DRAIN_PASS_BUDGET);
        if (!interruption) {
            var stop = voluntaryDrainStops(view, purpose);
            if (stop.isPresent()) {
                return stop.get();
            }
        }
        // Only this node's pods (a kubelet runs ≤ 110): a pass every 15 s, or 5 s in a Spot drain, must
        // not read the whole cluster. Filtered here as well, in case a server or proxy ignores the selector.
        List<Pod> pods = KubeCalls.listPaged("list pods",
                options -> client.pods().inAnyNamespace().withField(NODE_NAME, nodeName).list(options),
                pod -> pod.getSpec() != null && nodeName.equals(pod.getSpec().getNodeName()), Function.identity());
        List<String> evicted = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<String> blockedByPdb = new ArrayList<>();
        List<String> blockedByRule = new ArrayList<>();
        List<String> terminating = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        java.util.Map<String, String> budgets = new java.util.HashMap<>();
        int skipped = 0;
        int notReached = 0;
        for (Pod pod : pods) {
            PodView podView = Views.pod(pod);
            PodVerdict verdict = rules.judge(podView);
            if (verdict.action() == PodVerdict.Action.SKIP) {
                skipped++;
            } else if (podView.terminating()) {
                terminating.add(podView.qualifiedName());
            } else if (verdict.action() == PodVerdict.Action.BLOCK && !interruption) {
                blockedByRule.add(verdict.describe());
            } else if (clock.instant().isAfter(deadline)) {
                notReached++;
            } else {
                Evicted result = evict(pod);
                if (result.budget() != null) {
                    budgets.put(podView.qualifiedName(), result.budget());
                }
                switch (result.result()) {
                    case EVICTED -> evicted.add(podView.qualifiedName());
                    case GONE -> gone.add(podView.qualifiedName());
                    case PDB -> blockedByPdb.add(podView.qualifiedName());
                    case FAILED -> failed.add(podView.qualifiedName()
                            + " (eviction answered 404/409 but the pod still exists: is policy/v1 served?)");
                }
            }
        }
        DrainOutcome.Progress progress = new DrainOutcome.Progress(evicted, blockedByPdb, blockedByRule, terminating,
                failed, notReached, DRAIN_PASS_BUDGET, Boolean.TRUE.equals(node.getSpec().getUnschedulable()));
        int remaining = progress.remaining();
        boolean empty = remaining == 0;
        Duration budget = timeouts.drainBudget(interruption);
        boolean deadlinePassed = !empty && startedAt != null && !clock.instant().isBefore(startedAt.plus(budget));
        LOG.info("Drain pass on {}: {} evicted, {} gone, {} blocked by PDB, {} kept by rules, {} terminating, {} remaining",
                nodeName, evicted.size(), gone.size(), blockedByPdb.size(), blockedByRule.size(), terminating.size(),
                remaining);
        if (!blockedByPdb.isEmpty()) {
            // One event per drain and set of blocked pods: the passes that follow meet its name (409).
            events.create(NodeEvents.drainBlocked(nodeName, blockedByPdb, budgets), node.getMetadata().getUid(),
                    startedAt + "/" + String.join(",", blockedByPdb));
        }
        DrainOutcome outcome = empty ? new DrainOutcome.Empty(nodeName, skipped)
                : deadlinePassed ? new DrainOutcome.DeadlineReached(nodeName, progress, budget)
                : new DrainOutcome.PodsRemain(nodeName, progress);
        if (empty && !interruption && view.drainedAt() == null) {
            // If the termination that follows fails for good, the reconcile knows this node holds nothing.
            patchFresh(nodeName, fresh -> NodePatch.expecting(fresh)
                    .addAnnotation(NodeLabels.DRAINED_AT, clock.instant().toString()), "mark node drained");
        }
        return new DrainNodeOutput(nodeName, Views.instanceId(node), evicted, gone, blockedByPdb, blockedByRule,
                terminating, failed, skipped, remaining, empty, deadlinePassed, false, false,
                ScaleDownWording.drain(outcome), outcome.code());
    }

    /**
     * Why a scale-down's or rebalance's pass must stop before evicting: a drain of higher rank owns
     * the node now, or capacity was lost elsewhere and pods wait for room only this node has.
     */
    private java.util.Optional<DrainNodeOutput> voluntaryDrainStops(NodeView node, DrainPurpose purpose) {
        DrainPurpose claim = node.drainClaim().orElse(null);
        if (claim != null && purpose.yieldsTo(claim)) {
            return java.util.Optional.of(DrainNodeOutput.stoppedBeforeEvicting(node.name(), node.instanceId(),
                    new DrainOutcome.PreemptedByClaim(node.name(), claim, purpose)));
        }
        // Most passes find no pod waiting: then the unbound Pending pods are all there is to read.
        List<PodView> unbound = KubeCalls.listPaged("list pods",
                options -> client.pods().inAnyNamespace().withField(NODE_NAME, "").withField(PHASE, PENDING).list(options),
                NodeOperations::unboundPending, Views::pod);
        if (unbound.stream().noneMatch(CapacityCheck::waitsForANode)) {
            return java.util.Optional.empty();
        }
        // Something waits: where it could go depends on what every other node already runs.
        return CapacityCheck.neededAgain(node, nodeViews(), podViews())
                .map(waiting -> DrainNodeOutput.stoppedBeforeEvicting(node.name(), node.instanceId(),
                        new DrainOutcome.NeededAgain(node.name(), waiting, purpose)));
    }

    private enum EvictionResult { EVICTED, GONE, PDB, FAILED }

    /** What one eviction did, and the budget that refused it when the answer names one. */
    private record Evicted(EvictionResult result, String budget) {
    }

    /**
     * One policy/v1 eviction, with Karpenter's reading of the answers: 201 = accepted; 429 = a
     * PodDisruptionBudget allows no disruption now, retry later; 404/409 = the pod is already gone
     * (or was replaced: the UID precondition no longer matches). The 404/409 reading is confirmed
     * with a GET, because an API server that does not serve the eviction endpoint also answers
     * 404 — reading that as "gone" would terminate a node with running pods.
     */
    private Evicted evict(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        Eviction eviction = new EvictionBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withDeleteOptions(new io.fabric8.kubernetes.api.model.DeleteOptionsBuilder()
                        .withNewPreconditions().withUid(uid).endPreconditions().build())
                .build();
        PodEviction.Answer answer = PodEviction.post(client, eviction);
        if (answer.accepted()) {
            return new Evicted(EvictionResult.EVICTED, null);
        }
        if (answer.code() == KubeCalls.TOO_MANY_REQUESTS) {
            return new Evicted(EvictionResult.PDB, answer.budget());
        }
        Pod current = KubeCalls.get("get pod " + namespace + "/" + name,
                () -> client.pods().inNamespace(namespace).withName(name).get(),
                () -> client.pods().inNamespace(namespace).withField(KubeCalls.METADATA_NAME, name).list(),
                listed -> uid.equals(listed.getMetadata().getUid()));
        boolean stillThere = current != null && Objects.equals(uid, current.getMetadata().getUid());
        return new Evicted(stillThere ? EvictionResult.FAILED : EvictionResult.GONE, null);
    }

    // ---- UncordonNode ---------------------------------------------------------------------------

    /**
     * Gives back {@code purpose}'s drain claim: removes our taint, and the cordon when we set it. A
     * claim held for another purpose is never touched: a scale-down's uncordon leaves a node under a
     * Spot interruption drain cordoned.
     */
    public UncordonNodeOutput uncordon(NodeRef ref, DrainPurpose purpose) {
        Node node = find(ref);
        if (node == null) {
            return UncordonNodeOutput.of(ref.nodeName(), new UncordonOutcome.NodeGone(ref.toString()));
        }
        String name = node.getMetadata().getName();
        DrainPurpose claim = Views.node(node).drainClaim().orElse(null);
        if (claim == null && !ourCordon(node)) {
            return UncordonNodeOutput.of(name, new UncordonOutcome.NotOurs(name));
        }
        if (claim != null && claim != purpose) {
            return UncordonNodeOutput.of(name, new UncordonOutcome.ClaimedByOther(name, claim));
        }
        Node patched = patchFresh(name, fresh -> NodePatch.releasingClaim(fresh, CORDONED_BY_US), "uncordon node " + name);
        boolean wasOurCordon = ourCordon(node);
        LOG.info("Uncordoned node {}", patched == null ? name : patched.getMetadata().getName());
        UncordonNodeOutput output = UncordonNodeOutput.of(name, new UncordonOutcome.Uncordoned(name, wasOurCordon));
        events.create(NodeEvents.scaleDownFailed(name, output.reason()), node.getMetadata().getUid(),
                purpose.value() + "@" + clock.instant());
        return output;
    }

    private static boolean ourCordon(Node node) {
        return node.getMetadata().getAnnotations() != null
                && node.getMetadata().getAnnotations().containsKey(CORDONED_BY_US);
    }

    // ---- DeleteNode -----------------------------------------------------------------------------

    public DeleteNodeOutput delete(NodeRef ref) {
        return delete(ref, DrainPurpose.SCALE_DOWN);
    }

    public DeleteNodeOutput delete(NodeRef ref, DrainPurpose purpose) {
        Node node = find(ref);
        if (node == null) {
            return DeleteNodeOutput.of(ref.nodeName(), new DeleteOutcome.AlreadyGone(ref.toString()));
        }
        String name = node.getMetadata().getName();
        requireOurs(Views.node(node), "delete");
        // fabric8 answers a 404 on delete with an empty list rather than an exception: already gone.
        boolean deleted = !KubeCalls.call("delete node " + name, () -> client.nodes().withName(name).delete()).isEmpty();
        LOG.info("Deleted node {}: {}", name, deleted ? "deleted" : "already gone");
        DeleteNodeOutput output = DeleteNodeOutput.of(name,
                deleted ? new DeleteOutcome.Deleted(name) : new DeleteOutcome.GoneWhileDeleting(name));
        if (deleted) {
            events.create(NodeEvents.deleted(name, purpose, output.reason(), events.price()),
                    node.getMetadata().getUid(), "deleted");
        }
        return output;
    }

    // ---- shared ---------------------------------------------------------------------------------

    private static boolean unboundPending(Pod pod) {
        boolean unbound = pod.getSpec() == null || pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty();
        return unbound && pod.getStatus() != null && PENDING.equals(pod.getStatus().getPhase());
    }

    private List<Node> listNodes() {
        return nodes(Function.identity());
    }

    private List<NodeView> nodeViews() {
        return nodes(Views::node);
    }

    private <V> List<V> nodes(Function<? super Node, ? extends V> view) {
        return KubeCalls.listPaged("list nodes", options -> client.nodes().list(options), node -> true, view);
    }

    /** Every pod of the cluster, as the rules see it; a page's Pod objects are dropped as soon as it is read. */
    private List<PodView> podViews() {
        return KubeCalls.listPaged("list pods", options -> client.pods().inAnyNamespace().list(options), pod -> true,
                Views::pod);
    }

    /**
     * One patch built on the node as it is now, re-read and rebuilt when another writer changed it in
     * between (the resourceVersion test fails); null when the node is gone.
     */
    private Node patchFresh(String name, Function<Node, NodePatch> build, String operation) {
        for (int attempt = 1; ; attempt++) {
            Node fresh = KubeCalls.getNode(client, name);
            if (fresh == null) {
                return null;
            }
            try {
                return build.apply(fresh).applyTo(client, name);
            } catch (KubernetesClientException e) {
                if (!NodePatch.isStale(e) || attempt >= CORDON_CONFLICT_ATTEMPTS) {
                    throw KubeCalls.translate(operation, e);
                }
            }
        }
    }

    /** The node, or null when it does not exist. Name and instance id, when both given, must agree. */
    private Node find(NodeRef ref) {
        Node node;
        if (ref.byName()) {
            node = KubeCalls.getNode(client, ref.nodeName());
        } else {
            node = listNodes().stream().filter(n -> ref.instanceId().equals(Views.instanceId(n))).findFirst().orElse(null);
        }
        if (node != null && ref.byName() && ref.hasInstance() && !ref.instanceId().equals(Views.instanceId(node))) {
            throw new NodeNotFound("node " + ref.nodeName() + " is instance " + Views.instanceId(node) + ", not "
                    + ref.instanceId() + ": refusing to act on a node the workflow did not mean");
        }
        return node;
    }

    private Node requireManaged(NodeRef ref, String action) {
        Node node = find(ref);
        if (node == null) {
            throw new NodeNotFound("cannot " + action + " " + ref + ": no such Node");
        }
        requireOurs(Views.node(node), action);
        return node;
    }

    private static void requireOurs(NodeView node, String action) {
        if (node.controlPlane()) {
            throw new NodeNotManaged("refusing to " + action + " " + node.name() + ": it is a control-plane node");
        }
        if (!node.managed()) {
            throw new NodeNotManaged("refusing to " + action + " " + node.name() + ": it has no "
                    + NodeLabels.MANAGED + "=true label");
        }
    }

    private static List<String> ids(List<InstanceJoin> instances, JoinStatus status) {
        return instances.stream().filter(i -> i.status() == status).map(InstanceJoin::instanceId).toList();
    }

    private static String describe(List<InstanceJoin> instances, JoinStatus status) {
        return instances.stream().filter(i -> i.status() == status)
                .map(i -> i.instanceId() + " as " + i.nodeName() + " (" + i.detail() + ")")
                .collect(Collectors.joining(", "));
    }

}
