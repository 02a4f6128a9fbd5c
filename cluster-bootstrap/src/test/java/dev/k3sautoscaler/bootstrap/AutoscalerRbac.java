package dev.k3sautoscaler.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.bootstrap.Manifests.KubeObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What a ServiceAccount may do, computed from the Roles, ClusterRoles and bindings in a set of manifests. */
final class AutoscalerRbac {
    /** One permission: API group, resource (with subresource), verb. */
    record Grant(String apiGroup, String resource, String verb) implements Comparable<Grant> {
        @Override
        public int compareTo(Grant other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return (apiGroup.isEmpty() ? "core" : apiGroup) + "/" + resource + ":" + verb;
        }
    }

    /**
     * The documented set (docs/bootstrap.md, "The autoscaler's RBAC"): read, cordon and delete nodes;
     * list pods and read one (a drain confirms a pod is gone after an eviction answers 404/409);
     * evict through the Eviction API; query Prometheus through the API server's service proxy; write
     * events and read and update the status ConfigMap (what kubectl users see).
     */
    static final Set<Grant> DOCUMENTED = Set.of(
            new Grant("", "nodes", "get"),
            new Grant("", "nodes", "list"),
            new Grant("", "nodes", "patch"),
            new Grant("", "nodes", "delete"),
            new Grant("", "pods", "get"),
            new Grant("", "pods", "list"),
            new Grant("", "pods/eviction", "create"),
            new Grant("", "services/proxy", "get"),
            new Grant("events.k8s.io", "events", "create"),
            new Grant("events.k8s.io", "events", "patch"),
            new Grant("", "configmaps", "get"),
            new Grant("", "configmaps", "update"));

    private AutoscalerRbac() {
    }

    /** Every grant bound to the ServiceAccount namespace/name by any binding in {@code objects}. */
    static Set<Grant> grantsOf(List<KubeObject> objects, String namespace, String serviceAccount) {
        Set<Grant> grants = new TreeSet<>();
        for (KubeObject binding : objects) {
            if (!binding.kind().equals("RoleBinding") && !binding.kind().equals("ClusterRoleBinding")) {
                continue;
            }
            if (!bindsServiceAccount(binding, namespace, serviceAccount)) {
                continue;
            }
            JsonNode roleRef = binding.body().path("roleRef");
            String roleKind = roleRef.path("kind").asText();
            String roleName = roleRef.path("name").asText();
            String roleNamespace = roleKind.equals("Role") ? binding.namespace() : "";
            KubeObject role = find(objects, roleKind, roleNamespace, roleName).orElseThrow(() ->
                    new AssertionError(binding + " refers to " + roleKind + " " + roleName + ", not in the manifests"));
            role.body().path("rules").forEach(rule -> rule.path("apiGroups").forEach(group ->
                    rule.path("resources").forEach(resource -> rule.path("verbs").forEach(verb ->
                            grants.add(new Grant(group.asText(), resource.asText(), verb.asText()))))));
        }
        return grants;
    }

    private static boolean bindsServiceAccount(KubeObject binding, String namespace, String serviceAccount) {
        for (JsonNode subject : binding.body().path("subjects")) {
            String subjectNamespace = subject.path("namespace").asText(binding.namespace());
            if (subject.path("kind").asText().equals("ServiceAccount")
                    && subject.path("name").asText().equals(serviceAccount)
                    && subjectNamespace.equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<KubeObject> find(List<KubeObject> objects, String kind, String namespace, String name) {
        return objects.stream()
                .filter(o -> o.kind().equals(kind) && o.name().equals(name) && o.namespace().equals(namespace))
                .findFirst();
    }
}
