package dev.k3sautoscaler.testkit.kube;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Nodes and pods as the cluster's own components write them (a kubelet registering its Node and
 * reporting Ready, a controller creating its pods): the one shape every suite and the simulator
 * seed the virtual K3s API with. Builders, so a suite adds what its case needs (a label, a taint,
 * an annotation) without a second copy of the rest.
 */
public final class KubeObjects {
    /** A t3.small worker's allocatable after K3s' reservations. */
    public static final String WORKER_CPU = "1930m";
    public static final String WORKER_MEMORY = "1400Mi";
    /**
     * Holds a terminating pod in the CRUD server until its kubelet confirms: kube-apiserver keeps a
     * gracefully deleted pod for its grace period, the CRUD server would drop it at once.
     */
    public static final String KUBELET_FINALIZER = "testkit.k3s-autoscaler.dev/kubelet";
    /** The pod default of terminationGracePeriodSeconds. */
    public static final long DEFAULT_GRACE_SECONDS = 30;

    private KubeObjects() {
    }

    /** The Ready condition as the node lifecycle reports it. */
    public enum Readiness {
        /** The kubelet posts Ready. */
        READY,
        /** The kubelet posts, but is not ready yet (joining: no CNI). */
        NOT_READY,
        /** The kubelet stopped posting (its machine is gone): the node controller's verdict. */
        UNKNOWN;

        public static Readiness of(boolean ready) {
            return ready ? READY : UNKNOWN;
        }
    }

    /** @param since the condition's lastTransitionTime; null leaves it out (the node's readiness never changed as far as the reader can tell) */
    public static NodeCondition readyCondition(Readiness readiness, Instant since) {
        NodeConditionBuilder condition = switch (readiness) {
            case READY -> new NodeConditionBuilder().withStatus("True").withReason("KubeletReady")
                    .withMessage("kubelet is posting ready status");
            case NOT_READY -> new NodeConditionBuilder().withStatus("False").withReason("KubeletNotReady")
                    .withMessage("container runtime network not ready");
            case UNKNOWN -> new NodeConditionBuilder().withStatus("Unknown").withReason("NodeStatusUnknown")
                    .withMessage("Kubelet stopped posting node status.");
        };
        return condition.withType("Ready").withLastTransitionTime(since == null ? null : since.toString()).build();
    }

    /** The node with its Ready condition replaced, as a kubelet (or, once it is silent, the node controller) reports it. */
    public static Node withReadiness(Node node, Readiness readiness, Instant since) {
        node.getStatus().setConditions(List.of(readyCondition(readiness, since)));
        return node;
    }

    /**
     * A worker's Node as its kubelet registers it, with {@link #WORKER_CPU} and {@link #WORKER_MEMORY} allocatable.
     *
     * @param providerId {@code aws:///zone/instance-id}, or null (a node that never said)
     * @param created    its creationTimestamp; null lets the server stamp it
     */
    public static NodeBuilder node(String name, String providerId, Readiness readiness, Instant created) {
        return new NodeBuilder()
                .withNewMetadata().withName(name).withCreationTimestamp(created == null ? null : created.toString())
                .endMetadata()
                .withNewSpec().withProviderID(providerId).endSpec()
                .withNewStatus().withConditions(readyCondition(readiness, null))
                .addToAllocatable("cpu", new Quantity(WORKER_CPU))
                .addToAllocatable("memory", new Quantity(WORKER_MEMORY))
                .endStatus();
    }

    /** The same with the given size, allocatable and capacity alike, its Ready condition changed at {@code created}. */
    public static NodeBuilder node(String name, String providerId, Readiness readiness, Instant created, long cpuMillis,
            long memoryBytes) {
        Quantity cpu = new Quantity(cpuMillis + "m");
        Quantity memory = new Quantity(Long.toString(memoryBytes));
        return node(name, providerId, readiness, created)
                .editStatus().withConditions(readyCondition(readiness, created))
                .addToAllocatable("cpu", cpu).addToAllocatable("memory", memory)
                .addToCapacity("cpu", cpu).addToCapacity("memory", memory)
                .endStatus();
    }

    /**
     * A pod of one container {@code app}, requesting {@code cpuMillis} and {@code memory}: Running
     * when bound to {@code nodeName}, Pending when null.
     */
    public static PodBuilder pod(String namespace, String name, String nodeName, String image, long cpuMillis,
            Quantity memory) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withNodeName(nodeName)
                .addNewContainer().withName("app").withImage(image)
                .withNewResources().addToRequests("cpu", new Quantity(cpuMillis + "m"))
                .addToRequests("memory", memory).endResources().endContainer()
                .endSpec()
                .withNewStatus().withPhase(nodeName == null ? "Pending" : "Running").endStatus();
    }

    /** A graceful deletion begun at {@code at}: served as terminating until {@link FakeKubeApi#podGone}. */
    public static Pod terminating(Pod pod, Instant at, long graceSeconds) {
        ObjectMeta meta = pod.getMetadata();
        meta.setDeletionTimestamp(at.toString());
        meta.setDeletionGracePeriodSeconds(graceSeconds);
        List<String> finalizers = new ArrayList<>(Objects.requireNonNullElse(meta.getFinalizers(), List.of()));
        finalizers.add(KUBELET_FINALIZER);
        meta.setFinalizers(finalizers);
        return pod;
    }

    /** The policy/v1 Eviction a drain sends for this pod, guarded by its uid (another incarnation is not evicted). */
    public static Eviction eviction(Pod pod) {
        return new EvictionBuilder().withNewMetadata().withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withNewPreconditions().withUid(pod.getMetadata().getUid())
                        .endPreconditions().build())
                .build();
    }

    /** Adds the controller owner reference ({@code kind} ReplicaSet, StatefulSet, DaemonSet, Job, Node for a mirror pod). */
    public static PodBuilder ownedBy(PodBuilder pod, String kind, String name, String uid) {
        return pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind(kind).withName(name)
                .withUid(uid).withController(true).endOwnerReference().endMetadata();
    }
}
