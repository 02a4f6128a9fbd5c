package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.lifecycle.NodeReadiness;
import dev.k3sautoscaler.core.scaledown.NodeTaint;
import dev.k3sautoscaler.core.scaledown.NodeView;
import dev.k3sautoscaler.core.scaledown.PodView;
import dev.k3sautoscaler.core.scaledown.ProviderId;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** fabric8 objects → the pure views the scale-down rules read. Missing fields become safe defaults, never nulls in maps. */
final class Views {
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private Views() {
    }

    static NodeView node(Node node) {
        var meta = node.getMetadata();
        var spec = node.getSpec();
        Map<String, Quantity> allocatable = node.getStatus() == null || node.getStatus().getAllocatable() == null
                ? Map.of() : node.getStatus().getAllocatable();
        List<NodeTaint> blockingTaints = spec == null || spec.getTaints() == null ? List.of() : spec.getTaints().stream()
                .filter(t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
                .map(t -> new NodeTaint(t.getKey(), t.getValue(), t.getEffect())).toList();
        return new NodeView(
                meta.getName(),
                instanceId(node),
                orEmpty(meta.getLabels()),
                orEmpty(meta.getAnnotations()),
                meta.getCreationTimestamp() == null ? null : Instant.parse(meta.getCreationTimestamp()),
                ready(node),
                meta.getDeletionTimestamp() != null,
                spec != null && Boolean.TRUE.equals(spec.getUnschedulable()),
                blockingTaints,
                millis(allocatable.get("cpu")),
                bytes(allocatable.get("memory")));
    }

    static PodView pod(Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        String ownerKind = meta.getOwnerReferences() == null ? null : meta.getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .map(OwnerReference::getKind).findFirst().orElse(null);
        long cpu = 0;
        long memory = 0;
        if (spec != null) {
            // The scheduler's effective request: the containers' sum, or the largest init container if higher, plus overhead.
            List<Container> containers = Optional.ofNullable(spec.getContainers()).orElse(List.of());
            List<Container> inits = Optional.ofNullable(spec.getInitContainers()).orElse(List.of());
            cpu = Math.max(containers.stream().mapToLong(c -> millis(request(c, "cpu"))).sum(),
                    inits.stream().mapToLong(c -> millis(request(c, "cpu"))).max().orElse(0));
            memory = Math.max(containers.stream().mapToLong(c -> bytes(request(c, "memory"))).sum(),
                    inits.stream().mapToLong(c -> bytes(request(c, "memory"))).max().orElse(0));
            if (spec.getOverhead() != null) {
                cpu += millis(spec.getOverhead().get("cpu"));
                memory += bytes(spec.getOverhead().get("memory"));
            }
        }
        return new PodView(
                meta.getNamespace(),
                meta.getName(),
                ownerKind,
                orEmpty(meta.getAnnotations()),
                orEmpty(meta.getLabels()),
                pod.getStatus() == null ? null : pod.getStatus().getPhase(),
                meta.getDeletionTimestamp() != null,
                cpu,
                memory,
                spec == null ? null : spec.getNodeName(),
                PodPlacements.of(spec));
    }

    static String instanceId(Node node) {
        return node.getSpec() == null ? null : ProviderId.instanceId(node.getSpec().getProviderID());
    }

    static boolean ready(Node node) {
        return readyCondition(node).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Ready, joining (not Ready since it registered), or NotReady after having been Ready. */
    static NodeReadiness readiness(Node node) {
        Optional<NodeCondition> condition = readyCondition(node);
        return NodeReadiness.of(ready(node), instant(node.getMetadata().getCreationTimestamp()),
                condition.map(c -> instant(c.getLastTransitionTime())).orElse(null),
                condition.map(c -> Objects.toString(c.getReason(), "Ready=" + c.getStatus())).orElse(null),
                condition.map(NodeCondition::getMessage).orElse(null));
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null; // an unreadable time is unknown: the node then counts as never Ready (joining)
        }
    }

    private static Optional<NodeCondition> readyCondition(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    private static Quantity request(Container container, String resource) {
        var resources = container.getResources();
        return resources == null || resources.getRequests() == null ? null : resources.getRequests().get(resource);
    }

    private static long millis(Quantity quantity) {
        return quantity == null ? 0 : quantity.getNumericalAmount().multiply(THOUSAND)
                .setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static long bytes(Quantity quantity) {
        return quantity == null ? 0 : quantity.getNumericalAmount().setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
