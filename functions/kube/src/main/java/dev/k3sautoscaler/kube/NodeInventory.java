package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.clusterauth.ClusterCredentials;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.lifecycle.LifecycleWording;
import dev.k3sautoscaler.core.lifecycle.ObservedNode;
import dev.k3sautoscaler.core.lifecycle.ReconcileAction;
import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.report.NodeEvents;
import dev.k3sautoscaler.core.report.WorkerPrice;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nodes as ReconcileWorkers reads them (one list), and the deletion of a ghost Node. API
 * failures surface as the named errors of {@link KubeCalls}.
 */
public final class NodeInventory {
    private static final Logger LOG = LoggerFactory.getLogger(NodeInventory.class);

    /** What became of one ghost Node. */
    public enum GhostDeletion {
        DELETED,
        /** Someone (DeleteNode of a scale-down) was quicker: 404 is done. */
        ALREADY_GONE,
        /** The Node changed since it was observed (Ready again, another instance, a control-plane label): left. */
        LEFT_ALONE
    }

    private final KubernetesClient client;
    private final ClusterEvents events;

    /** Events priced at the default WORKER_HOURLY_PRICE_USD, written as the controller itself. */
    public NodeInventory(KubernetesClient client) {
        this(client, new ClusterEvents(client, java.time.Clock.systemUTC(), ClusterEvent.CONTROLLER,
                new WorkerPrice(AutoscalerConfig.defaults().workerHourlyPriceUsd())));
    }

    public NodeInventory(KubernetesClient client, ClusterEvents events) {
        this.client = client;
        this.events = events;
    }

    /**
     * Tells kubectl users what the reconcile changed: an event on each Node it deleted or gave back, and
     * one on the status ConfigMap for each instance it terminated (no Node to put it on). Best effort.
     */
    public void tell(List<ReconcileAction> done) {
        for (ReconcileAction action : done) {
            String line = LifecycleWording.action(action);
            switch (action.kind()) {
                case DELETE_NODE -> events.create(NodeEvents.reconciled(action.target(), line), null, "deleted");
                case RELEASE_CLAIM -> {
                    Node node = KubeCalls.getNode(client, action.target());
                    if (node != null) {
                        events.create(NodeEvents.reconciled(action.target(), line), node.getMetadata().getUid(),
                                "released@" + action.since());
                    }
                }
                case TERMINATE_INSTANCE -> {
                    var status = KubeCalls.call("get configmap " + ClusterEvent.STATUS_NAMESPACE + "/"
                            + ClusterEvent.STATUS_CONFIG_MAP, () -> client.configMaps()
                            .inNamespace(ClusterEvent.STATUS_NAMESPACE).withName(ClusterEvent.STATUS_CONFIG_MAP).get());
                    if (status != null) {
                        events.create(NodeEvents.reconciledInstance(line, events.price()),
                                status.getMetadata().getUid(), "terminated/" + action.target());
                    }
                }
                case ADOPT_LAUNCH, CLEAR_LAUNCH, HOLD_TERMINATION -> {
                    // bookkeeping only: nothing in the cluster changed
                }
            }
        }
    }

    /** For a handler's INIT: the production client from the cluster credentials in the environment. */
    public static NodeInventory fromEnvironment(Map<String, String> environment) {
        return new NodeInventory(KubeClientFactory.create(ClusterCredentials.fromEnvironment(environment)));
    }

    public List<ObservedNode> nodes() {
        return KubeCalls.listPaged("list nodes", options -> client.nodes().list(options), node -> true,
                NodeInventory::observed);
    }

    /**
     * Deletes the Node if it is still the NotReady (or drained by a scale-down) worker Node of
     * {@code instanceId} that was observed: a Node re-registered under the same name by a new
     * instance, or Ready again and not drained, stays.
     */
    public GhostDeletion deleteGhost(String nodeName, String instanceId) {
        Node node = KubeCalls.getNode(client, nodeName);
        if (node == null) {
            return GhostDeletion.ALREADY_GONE;
        }
        ObservedNode now = observed(node);
        // A Node a scale-down drained may still be Ready: its instance was just terminated by this reconcile.
        boolean stillAGhost = !now.ready() || now.drainedAt() != null;
        if (!stillAGhost || now.controlPlane() || !Objects.equals(instanceId, now.instanceId())) {
            LOG.info("Ghost Node {} changed since it was observed ({}); left alone", nodeName, now);
            return GhostDeletion.LEFT_ALONE;
        }
        // fabric8 answers a 404 on delete with an empty list rather than an exception: already gone.
        boolean deleted = !KubeCalls.call("delete node " + nodeName, () -> client.nodes().withName(nodeName).delete()).isEmpty();
        LOG.info("Ghost Node {} ({}): {}", nodeName, instanceId, deleted ? "deleted" : "already gone");
        return deleted ? GhostDeletion.DELETED : GhostDeletion.ALREADY_GONE;
    }

    /**
     * Gives a drain claim back (uncordons) if the node still carries the very claim observed — same
     * purpose, taken at the same instant — so a drain that claimed it since is never undone.
     */
    public boolean releaseStaleClaim(String nodeName, ObservedNode.Claim observedClaim) {
        Node node = KubeCalls.getNode(client, nodeName);
        ObservedNode now = node == null ? null : observed(node);
        if (now == null || !Objects.equals(observedClaim, now.claim())) {
            LOG.info("Drain claim on {} changed since it was observed; left alone", nodeName);
            return false;
        }
        KubeCalls.call("uncordon node " + nodeName, () -> NodePatch.releasingClaim(node, NodeOperations.CORDONED_BY_US)
                .applyTo(client, nodeName));
        LOG.info("Released the stale {} claim on {}", observedClaim.purpose(), nodeName);
        return true;
    }

    static ObservedNode observed(Node node) {
        var view = Views.node(node);
        ObservedNode.Claim claim = view.drainClaim()
                .map(purpose -> new ObservedNode.Claim(purpose.value(), view.drainClaimedAt(), view.drainedAt()))
                .orElse(null);
        return new ObservedNode(view.name(), view.instanceId(), view.ready(), readyChangedAt(node), view.controlPlane(),
                claim);
    }

    private static Instant readyChangedAt(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(NodeCondition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .map(NodeInventory::parse)
                .orElse(null);
    }

    /** An unreadable time is no time: the Node is then never judged NotReady for long. */
    private static Instant parse(String time) {
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
