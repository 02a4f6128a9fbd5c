package dev.k3sautoscaler.core.scaledown;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a pod may be scheduled, as far as the fit simulation models it: its nodeSelector, required
 * node affinity (In, NotIn, Exists, DoesNotExist), tolerations, and required anti-affinity to pods
 * of its namespace on the same node (topology key {@code kubernetes.io/hostname}, matchLabels).
 * Anything else that restricts scheduling — required pod affinity, anti-affinity on another
 * topology or by expression, a topology spread constraint that must be satisfied, a node affinity
 * on fields or by Gt/Lt — is named in {@code unmodelled}: the simulation then refuses to guess.
 *
 * @param requiredNodeAffinity nodeSelectorTerms: a node matches when one term's requirements all hold
 * @param hostnameAntiAffinity label selectors (matchLabels) of pods this one must not share a node with
 * @param unmodelled           the first constraint the simulation cannot model, or null
 */
public record Placement(Map<String, String> nodeSelector, List<List<Requirement>> requiredNodeAffinity,
                        List<Toleration> tolerations, List<Map<String, String>> hostnameAntiAffinity, String unmodelled) {

    /** No constraint: fits any node its requests fit. */
    public static final Placement ANYWHERE = new Placement(Map.of(), List.of(), List.of(), List.of(), null);

    public Placement {
        nodeSelector = Map.copyOf(nodeSelector);
        requiredNodeAffinity = requiredNodeAffinity.stream().map(List::copyOf).toList();
        tolerations = List.copyOf(tolerations);
        hostnameAntiAffinity = hostnameAntiAffinity.stream().map(Map::copyOf).toList();
    }

    public enum Operator { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

    /** One matchExpression of a nodeSelectorTerm. */
    public record Requirement(String key, Operator operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }

        boolean holds(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case IN -> value != null && values.contains(value);
                case NOT_IN -> value == null || !values.contains(value);
                case EXISTS -> value != null;
                case DOES_NOT_EXIST -> value == null;
            };
        }
    }

    /**
     * @param key    null with {@code exists}: tolerates every taint
     * @param exists operator Exists (any value); otherwise Equal to {@code value}
     * @param effect null: every effect
     */
    public record Toleration(String key, boolean exists, String value, String effect) {
        boolean tolerates(NodeTaint taint) {
            boolean keyMatches = key == null ? exists : key.equals(taint.key()) && (exists || Objects.equals(value, taint.value()));
            return keyMatches && (effect == null || effect.equals(taint.effect()));
        }
    }

    /** The node's labels and taints admit the pod (resources and other pods are the simulation's part). */
    public boolean admits(NodeView node) {
        boolean selected = nodeSelector.entrySet().stream().allMatch(e -> e.getValue().equals(node.labels().get(e.getKey())));
        boolean affine = requiredNodeAffinity.isEmpty() || requiredNodeAffinity.stream()
                .anyMatch(term -> term.stream().allMatch(requirement -> requirement.holds(node.labels())));
        boolean tolerated = node.taints().stream().allMatch(taint -> tolerations.stream().anyMatch(t -> t.tolerates(taint)));
        return selected && affine && tolerated;
    }

    /** This pod's required anti-affinity keeps it off a node that runs {@code other} (same namespace). */
    boolean repels(String namespace, PodView other) {
        return other.namespace().equals(namespace) && hostnameAntiAffinity.stream().anyMatch(selector ->
                selector.entrySet().stream().allMatch(e -> e.getValue().equals(other.labels().get(e.getKey()))));
    }
}
