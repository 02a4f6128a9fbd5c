package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.scaledown.Placement;
import dev.k3sautoscaler.core.scaledown.Placement.Operator;
import dev.k3sautoscaler.core.scaledown.Placement.Requirement;
import dev.k3sautoscaler.core.scaledown.Placement.Toleration;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod spec's scheduling constraints as the fit simulation models them; the first one it does not
 * model is named instead, so the simulation never guesses (preferred terms do not bind the scheduler
 * and are ignored, as it may ignore them).
 */
final class PodPlacements {
    static final String HOSTNAME = "kubernetes.io/hostname";

    private PodPlacements() {
    }

    static Placement of(PodSpec spec) {
        if (spec == null) {
            return Placement.ANYWHERE;
        }
        List<String> unmodelled = new ArrayList<>();
        Affinity affinity = spec.getAffinity();
        List<List<Requirement>> nodeAffinity = nodeAffinity(affinity, unmodelled);
        List<Map<String, String>> antiAffinity = hostnameAntiAffinity(affinity, unmodelled);
        if (affinity != null && affinity.getPodAffinity() != null
                && !orEmpty(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty()) {
            unmodelled.add("required pod affinity");
        }
        if (orEmpty(spec.getTopologySpreadConstraints()).stream().anyMatch(c -> "DoNotSchedule".equals(c.getWhenUnsatisfiable()))) {
            unmodelled.add("a topology spread constraint that must be satisfied");
        }
        List<Toleration> tolerations = orEmpty(spec.getTolerations()).stream()
                .map(t -> new Toleration(t.getKey() == null || t.getKey().isEmpty() ? null : t.getKey(),
                        "Exists".equals(t.getOperator()), t.getValue(), t.getEffect() == null || t.getEffect().isEmpty() ? null : t.getEffect()))
                .toList();
        return new Placement(Optional.ofNullable(spec.getNodeSelector()).orElse(Map.of()), nodeAffinity, tolerations,
                antiAffinity, unmodelled.isEmpty() ? null : unmodelled.getFirst());
    }

    private static List<List<Requirement>> nodeAffinity(Affinity affinity, List<String> unmodelled) {
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        List<List<Requirement>> terms = new ArrayList<>();
        for (NodeSelectorTerm term : orEmpty(affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms())) {
            if (!orEmpty(term.getMatchFields()).isEmpty()) {
                unmodelled.add("node affinity on fields");
            }
            List<Requirement> requirements = new ArrayList<>();
            for (NodeSelectorRequirement expression : orEmpty(term.getMatchExpressions())) {
                Operator operator = switch (String.valueOf(expression.getOperator())) {
                    case "In" -> Operator.IN;
                    case "NotIn" -> Operator.NOT_IN;
                    case "Exists" -> Operator.EXISTS;
                    case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                    default -> null;
                };
                if (operator == null) {
                    unmodelled.add("node affinity operator " + expression.getOperator());
                    continue;
                }
                requirements.add(new Requirement(expression.getKey(), operator, orEmpty(expression.getValues())));
            }
            terms.add(requirements);
        }
        return terms;
    }

    private static List<Map<String, String>> hostnameAntiAffinity(Affinity affinity, List<String> unmodelled) {
        if (affinity == null || affinity.getPodAntiAffinity() == null) {
            return List.of();
        }
        List<Map<String, String>> selectors = new ArrayList<>();
        for (PodAffinityTerm term : orEmpty(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())) {
            boolean simple = HOSTNAME.equals(term.getTopologyKey()) && term.getLabelSelector() != null
                    && orEmpty(term.getLabelSelector().getMatchExpressions()).isEmpty()
                    && orEmpty(term.getNamespaces()).isEmpty() && term.getNamespaceSelector() == null;
            if (!simple) {
                unmodelled.add("required pod anti-affinity other than matchLabels on " + HOSTNAME);
                continue;
            }
            selectors.add(Optional.ofNullable(term.getLabelSelector().getMatchLabels()).orElse(Map.of()));
        }
        return selectors;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
