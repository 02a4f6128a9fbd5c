package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The autoscaler's RBAC manifest, read as the API server's authorizer would: which
 * (verb, apiGroup, resource[/subresource], namespace, name) a request needs, and whether a rule of
 * the ClusterRole (any namespace) or a namespaced Role grants it.
 */
final class RbacManifest {
    static final Path PATH = Path.of("../../cluster-bootstrap/manifests/autoscaler-rbac.yaml");

    /** What one API request needs from RBAC. {@code namespace} and {@code name} are null when not part of the path. */
    record Access(String verb, String apiGroup, String resource, String namespace, String name) {
        @Override
        public String toString() {
            return verb + " " + (apiGroup.isEmpty() ? "" : apiGroup + "/") + resource
                    + (namespace == null ? "" : " in " + namespace) + (name == null ? "" : " named " + name);
        }
    }

    /** One granted rule line, flattened: a namespace of null means cluster-wide (ClusterRole). */
    record Grant(String verb, String apiGroup, String resource, String namespace, String resourceName) {
    }

    private final List<Grant> grants;

    private RbacManifest(List<Grant> grants) {
        this.grants = grants;
    }

    static RbacManifest load() {
        if (!Files.exists(PATH)) {
            fail("RBAC manifest not found at " + PATH.toAbsolutePath());
        }
        try (InputStream in = Files.newInputStream(PATH)) {
            List<HasMetadata> objects = new KubernetesSerialization().unmarshal(in);
            List<Grant> grants = new ArrayList<>();
            for (HasMetadata object : objects) {
                if (object instanceof ClusterRole role) {
                    role.getRules().forEach(rule -> flatten(rule, null, grants));
                } else if (object instanceof Role role) {
                    role.getRules().forEach(rule -> flatten(rule, role.getMetadata().getNamespace(), grants));
                }
            }
            return new RbacManifest(grants);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void flatten(PolicyRule rule, String namespace, List<Grant> grants) {
        List<String> names = rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                ? java.util.Collections.singletonList(null) : rule.getResourceNames();
        for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
                for (String verb : rule.getVerbs()) {
                    for (String name : names) {
                        grants.add(new Grant(verb, group, resource, namespace, name));
                    }
                }
            }
        }
    }

    List<Grant> grants() {
        return List.copyOf(grants);
    }

    boolean allows(Access access) {
        return grants.stream().anyMatch(g -> g.verb().equals(access.verb())
                && g.apiGroup().equals(access.apiGroup())
                && g.resource().equals(access.resource())
                && (g.namespace() == null || g.namespace().equals(access.namespace()))
                && (g.resourceName() == null || g.resourceName().equals(access.name())));
    }

    /** One request as sent: the HTTP method and the path with its query. */
    record Sent(String method, String path) {
        static Sent of(RecordedRequest request) {
            return new Sent(request.getMethod(), request.getPath());
        }
    }

    void assertGrantsAll(List<Sent> requests) {
        Set<String> denied = new LinkedHashSet<>();
        for (Sent request : requests) {
            Access access = access(request.method(), request.path());
            if (!allows(access)) {
                denied.add(request.method() + " " + request.path() + " needs " + access);
            }
        }
        if (!denied.isEmpty()) {
            fail("the code sent requests that " + PATH + " does not grant (add the rule, or stop using the verb): "
                    + denied);
        }
    }

    /**
     * The kube-apiserver's request-info rules, for the paths a client like ours sends:
     * {@code /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}...]]} and the same under
     * {@code /apis/{group}/{version}}. GET without a name is list (watch=true is watch), with a
     * name get; POST create; PUT update; PATCH patch; DELETE delete (deletecollection without a name).
     */
    static Access access(String method, String rawPath) {
        String path = rawPath;
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        List<String> parts = new ArrayList<>(List.of(path.replaceAll("^/+|/+$", "").split("/")));
        String group;
        if (parts.getFirst().equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else if (parts.getFirst().equals("apis")) {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        } else {
            throw new IllegalArgumentException("not a resource path: " + rawPath);
        }
        String namespace = null;
        if (parts.size() >= 2 && parts.get(0).equals("namespaces") && parts.size() > 2) {
            namespace = parts.get(1);
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : null;
        if (parts.size() > 2) {
            resource = resource + "/" + parts.get(2);
        }
        String verb = switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> name == null ? (query.contains("watch=true") ? "watch" : "list") : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new IllegalArgumentException("unexpected method " + method);
        };
        return new Access(verb, group, resource, namespace, name);
    }
}
