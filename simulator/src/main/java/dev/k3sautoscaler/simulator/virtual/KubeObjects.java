package dev.k3sautoscaler.simulator.virtual;

import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.simulator.cluster.NodeState;
import dev.k3sautoscaler.simulator.cluster.PodPhase;
import dev.k3sautoscaler.simulator.cluster.PodState;
import dev.k3sautoscaler.simulator.scenario.Scenario.Kind;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The simulated cluster's nodes and pods as the Kubernetes API serves them: what kubelets, the
 * scheduler and the workload controllers would have written. Times are the run's start plus the
 * cluster's offsets.
 */
final class KubeObjects {
    /** Holds a terminating pod in the CRUD server for its grace period (see {@link #pod}). */
    static final String KUBELET_GRACE = "simulator/kubelet-grace-period";
    private KubeObjects() {
    }

    static Node node(NodeState state, Instant registeredAt) {
        NodeBuilder builder = new NodeBuilder()
                .withNewMetadata().withName(state.name()).withLabels(state.labels())
                .withCreationTimestamp(registeredAt.toString()).endMetadata()
                .withNewSpec().withProviderID(state.providerId()).endSpec()
                .withNewStatus()
                .withConditions(readyCondition(state.ready(), registeredAt))
                .addToAllocatable("cpu", new Quantity(state.allocatableCpuMillis() + "m"))
                .addToAllocatable("memory", new Quantity(Long.toString(state.allocatableMemoryBytes())))
                .addToCapacity("cpu", new Quantity(state.allocatableCpuMillis() + "m"))
                .addToCapacity("memory", new Quantity(Long.toString(state.allocatableMemoryBytes())))
                .endStatus();
        if (state.master()) {
            // K3s servers started with --node-taint keep workloads off the control plane.
            builder.editSpec().addNewTaint().withKey(NodeLabels.ROLE_CONTROL_PLANE).withEffect("NoSchedule").endTaint()
                    .endSpec();
        }
        return builder.build();
    }

    static NodeCondition readyCondition(boolean ready, Instant since) {
        return new NodeConditionBuilder().withType("Ready").withStatus(ready ? "True" : "Unknown")
                .withReason(ready ? "KubeletReady" : "NodeStatusUnknown")
                .withMessage(ready ? "kubelet is posting ready status" : "Kubelet stopped posting node status.")
                .withLastTransitionTime(since.toString()).build();
    }

    static Pod pod(PodState state, Instant start, Instant now) {
        String ownerKind = switch (state.ownerKind()) {
            case DEPLOYMENT -> "ReplicaSet";
            case STATEFUL_SET -> "StatefulSet";
            case DAEMON_SET -> "DaemonSet";
        };
        String ownerName = state.ownerKind() == Kind.DEPLOYMENT ? state.ownerName() + "-7d9f" : state.ownerName();
        PodBuilder builder = new PodBuilder()
                .withNewMetadata().withNamespace(state.namespace()).withName(state.name()).withUid(uid(state))
                .withCreationTimestamp(at(start, state.createdAt()))
                .addToLabels("app", state.ownerName())
                .withAnnotations(state.annotations())
                .addNewOwnerReference().withApiVersion("apps/v1").withKind(ownerKind).withName(ownerName)
                .withUid("uid-" + state.namespace() + "-" + ownerName).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName(state.nodeName())
                .addNewContainer().withName("app").withImage(state.ownerName() + ":sim")
                .withNewResources()
                .addToRequests("cpu", new Quantity(state.cpuMillis() + "m"))
                .addToRequests("memory", new Quantity(Long.toString(state.memoryBytes())))
                .endResources().endContainer()
                .endSpec()
                .withNewStatus().withPhase(state.phase() == PodPhase.PENDING ? "Pending" : "Running").endStatus();
        if (state.phase() == PodPhase.TERMINATING) {
            // The API server keeps a gracefully deleted pod until its kubelet confirms; the CRUD server
            // would drop an object with a deletion timestamp at once unless a finalizer holds it.
            builder.editMetadata().withDeletionTimestamp(now.toString()).withDeletionGracePeriodSeconds(30L)
                    .addToFinalizers(KUBELET_GRACE).endMetadata();
        }
        if (state.unschedulableSince() != null && state.nodeName() == null) {
            builder.editStatus().addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                    .withLastTransitionTime(at(start, state.unschedulableSince())).endCondition().endStatus();
        }
        return builder.build();
    }

    /** Stable per pod incarnation: a StatefulSet pod recreated under the same name gets a new uid. */
    static String uid(PodState state) {
        return UUID.nameUUIDFromBytes((state.qualifiedName() + "@" + state.createdAt().toMillis())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String at(Instant start, Duration offset) {
        return start.plus(offset).toString();
    }
}
