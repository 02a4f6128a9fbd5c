package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.kube.RbacManifest.Access;
import dev.k3sautoscaler.kube.RbacManifest.Grant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The RBAC manifest grants exactly the documented set. (That the code uses nothing beyond it is
 * checked after every *IT test by {@link MockCluster}, against every request the code sent.)
 */
class KubeRbacTest {
    @Test
    void manifest_grantsExactlyTheDocumentedVerbs() {
        // GIVEN cluster-bootstrap/manifests/autoscaler-rbac.yaml / WHEN its rules are flattened
        Set<Grant> grants = Set.copyOf(RbacManifest.load().grants());

        // THEN they are these and nothing more (docs/kube.md, "RBAC")
        assertEquals(Set.of(
                new Grant("get", "", "nodes", null, null),
                new Grant("list", "", "nodes", null, null),
                new Grant("patch", "", "nodes", null, null),
                new Grant("delete", "", "nodes", null, null),
                new Grant("get", "", "pods", null, null),
                new Grant("list", "", "pods", null, null),
                new Grant("create", "", "pods/eviction", null, null),
                new Grant("create", "events.k8s.io", "events", null, null),
                new Grant("patch", "events.k8s.io", "events", null, null),
                new Grant("get", "", "configmaps", "kube-system", "k3s-autoscaler-status"),
                new Grant("update", "", "configmaps", "kube-system", "k3s-autoscaler-status"),
                new Grant("get", "", "services/proxy", "monitoring", "prometheus:9090")),
                grants, () -> grants.stream().map(Grant::toString).collect(Collectors.joining("\n")));
    }

    @Test
    void access_mapsRequestsLikeTheApiServersAuthorizer() {
        // GIVEN the requests our steps send / WHEN mapped / THEN verb, resource, namespace and name are the authorizer's
        assertEquals(new Access("list", "", "nodes", null, null), RbacManifest.access("GET", "/api/v1/nodes"));
        assertEquals(new Access("get", "", "nodes", null, "w1"), RbacManifest.access("GET", "/api/v1/nodes/w1"));
        assertEquals(new Access("patch", "", "nodes", null, "w1"), RbacManifest.access("PATCH", "/api/v1/nodes/w1"));
        assertEquals(new Access("list", "", "pods", null, null),
                RbacManifest.access("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dw1"));
        assertEquals(new Access("create", "", "pods/eviction", "default", "web-1"),
                RbacManifest.access("POST", "/api/v1/namespaces/default/pods/web-1/eviction"));
        assertEquals(new Access("get", "", "services/proxy", "monitoring", "prometheus:9090"),
                RbacManifest.access("GET", "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query"));
        assertEquals(new Access("watch", "apps", "deployments", "default", null),
                RbacManifest.access("GET", "/apis/apps/v1/namespaces/default/deployments?watch=true"));
    }

    @Test
    void manifest_allowsThePrometheusProxyOnlyForThatService() {
        RbacManifest manifest = RbacManifest.load();
        // GIVEN / WHEN / THEN the metrics step's query is allowed, other services and namespaces are not
        assertTrue(manifest.allows(RbacManifest.access("GET",
                "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query?query=up")));
        assertFalse(manifest.allows(RbacManifest.access("GET",
                "/api/v1/namespaces/monitoring/services/alertmanager:9093/proxy/")));
        assertFalse(manifest.allows(RbacManifest.access("GET",
                "/api/v1/namespaces/default/services/prometheus:9090/proxy/")));
        assertFalse(manifest.allows(RbacManifest.access("POST",
                "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query")));
    }

    @Test
    void check_failsWhenTheCodeUsesAVerbTheManifestDoesNotGrant() {
        // GIVEN a request deleting a pod directly (bypassing PodDisruptionBudgets)
        var request = new RbacManifest.Sent("DELETE", "/api/v1/namespaces/default/pods/web-1");

        // WHEN / THEN the suite's RBAC check fails, naming the request
        AssertionFailedError error = assertThrows(AssertionFailedError.class,
                () -> RbacManifest.load().assertGrantsAll(java.util.List.of(request)));
        assertTrue(error.getMessage().contains("DELETE /api/v1/namespaces/default/pods/web-1 needs delete pods"),
                error.getMessage());
    }
}
