package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evictions decided by the objects the server holds, as kube-apiserver decides them: a pod already
 * terminating is evicted again at once; a healthy pod covered by a PodDisruptionBudget whose
 * {@link DisruptionBudgets arithmetic} allows no disruption gets 429; otherwise the pod is deleted
 * gracefully: it stays, terminating, until its kubelet confirms ({@link FakeKubeApi#podGone}), as
 * a drain sees it between two passes.
 *
 * <p>What stands in for the controllers: the expected pod count of a budget is the number of pods
 * it selects, terminating ones included (their controller wants them replaced), and a running pod
 * without a Ready condition counts as healthy (the suites' pods carry none).
 */
final class ServerEvictions implements Evictions {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubeApiDispatcher store;
    private final Clock clock;

    ServerEvictions(KubeApiDispatcher store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public EvictionAnswer evict(String namespace, String name) {
        JsonNode stored = store.read(KubeApiDispatcher.podPath(namespace, name));
        if (stored == null) {
            return EvictionAnswer.NOT_FOUND;
        }
        Pod pod = SERIALIZATION.convertValue(stored, Pod.class);
        if (terminating(pod)) {
            return EvictionAnswer.EVICTED;
        }
        if (healthy(pod) && !budgetsAllowOneMore(pod)) {
            return EvictionAnswer.BLOCKED_BY_PDB;
        }
        KubeObjects.terminating(pod, clock.instant(), Objects.requireNonNullElse(
                pod.getSpec().getTerminationGracePeriodSeconds(), KubeObjects.DEFAULT_GRACE_SECONDS));
        if (!store.replace(KubeApiDispatcher.podPath(namespace, name), SERIALIZATION.convertValue(pod, JsonNode.class))) {
            throw new IllegalStateException("the CRUD server refused to mark " + namespace + "/" + name + " terminating");
        }
        return EvictionAnswer.EVICTED;
    }

    private boolean budgetsAllowOneMore(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        JsonNode budgets = store.read("/apis/policy/v1/namespaces/" + namespace + "/poddisruptionbudgets");
        if (budgets == null) {
            return true;
        }
        List<Pod> pods = SERIALIZATION.convertValue(store.read(StoreRequests.path(Pod.class, namespace, null)), PodList.class)
                .getItems();
        for (PodDisruptionBudget budget : SERIALIZATION.convertValue(budgets, PodDisruptionBudgetList.class).getItems()) {
            LabelSelector selector = budget.getSpec().getSelector();
            if (!selects(selector, pod)) {
                continue;
            }
            List<Pod> covered = pods.stream().filter(candidate -> selects(selector, candidate)).toList();
            int expected = covered.size();
            int healthy = (int) covered.stream().filter(ServerEvictions::healthy).count();
            int allowed = DisruptionBudgets.disruptionsAllowed(
                    DisruptionBudgets.bound(budget.getSpec().getMinAvailable(), expected),
                    DisruptionBudgets.bound(budget.getSpec().getMaxUnavailable(), expected), healthy, expected);
            if (allowed <= 0) {
                return false;
            }
        }
        return true;
    }

    static boolean terminating(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    private static boolean healthy(Pod pod) {
        if (terminating(pod) || pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
            return false;
        }
        return Objects.requireNonNullElse(pod.getStatus().getConditions(), List.<io.fabric8.kubernetes.api.model.PodCondition>of())
                .stream().filter(condition -> "Ready".equals(condition.getType()))
                .allMatch(condition -> "True".equals(condition.getStatus()));
    }

    /** A policy/v1 selector: null selects nothing, empty selects every pod of the namespace. */
    static boolean selects(LabelSelector selector, Pod pod) {
        if (selector == null) {
            return false;
        }
        Map<String, String> labels = Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of());
        boolean labelsMatch = Objects.requireNonNullElse(selector.getMatchLabels(), Map.<String, String>of()).entrySet()
                .stream().allMatch(required -> required.getValue().equals(labels.get(required.getKey())));
        return labelsMatch && Objects.requireNonNullElse(selector.getMatchExpressions(), List.<LabelSelectorRequirement>of())
                .stream().allMatch(requirement -> matches(requirement, labels));
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = Objects.requireNonNullElse(requirement.getValues(), List.of());
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown selector operator " + requirement.getOperator());
        };
    }
}
