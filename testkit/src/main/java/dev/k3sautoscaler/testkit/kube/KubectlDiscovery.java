package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.mockwebserver.http.MockResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The discovery documents kubectl reads before it can name a resource, which the CRUD server does
 * not serve (it answers {@code /api} and {@code /apis} with every object it holds): the server
 * version, the API versions, the groups, and the resources of each group version the fake serves. Legacy JSON only:
 * kubectl asks for aggregated discovery first and falls back on a plain {@code application/json}
 * answer, as against an older server. Group versions not listed here (a test's custom resources)
 * are left to the CRUD server.
 */
final class KubectlDiscovery {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The K3s release the cluster bootstrap installs; kubectl only prints it. */
    static final VersionInfo VERSION = new VersionInfo.Builder().withMajor("1").withMinor("33")
            .withGitVersion("v1.33.2+k3s1").withGitTreeState("clean").withGoVersion("go1.24.4")
            .withCompiler("gc").withPlatform("linux/amd64").build();
    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    /** One resource of a group version; a subresource ({@code pods/eviction}) takes the verbs it has. */
    private record Resource(String name, String kind, boolean namespaced, List<String> shortNames, List<String> verbs) {
        static Resource of(String name, String kind, boolean namespaced, String... shortNames) {
            return new Resource(name, kind, namespaced, List.of(shortNames), VERBS);
        }

        static Resource subresource(String name, String kind, boolean namespaced, String... verbs) {
            return new Resource(name, kind, namespaced, List.of(), List.of(verbs));
        }
    }

    /** What the steps, the world and kubectl read; "" is the core group, served under /api. */
    private static final Map<String, List<Resource>> GROUP_VERSIONS = new LinkedHashMap<>();

    static {
        GROUP_VERSIONS.put("v1", List.of(
                Resource.of("configmaps", "ConfigMap", true, "cm"),
                Resource.of("events", "Event", true, "ev"),
                Resource.of("namespaces", "Namespace", false, "ns"),
                Resource.of("nodes", "Node", false, "no"),
                Resource.subresource("nodes/status", "Node", false, "get", "patch", "update"),
                Resource.of("pods", "Pod", true, "po"),
                Resource.subresource("pods/eviction", "Eviction", true, "create"),
                Resource.subresource("pods/status", "Pod", true, "get", "patch", "update"),
                Resource.of("secrets", "Secret", true),
                Resource.of("services", "Service", true, "svc")));
        GROUP_VERSIONS.put("apps/v1", List.of(
                Resource.of("daemonsets", "DaemonSet", true, "ds"),
                Resource.of("deployments", "Deployment", true, "deploy"),
                Resource.of("replicasets", "ReplicaSet", true, "rs"),
                Resource.of("statefulsets", "StatefulSet", true, "sts")));
        GROUP_VERSIONS.put("coordination.k8s.io/v1", List.of(Resource.of("leases", "Lease", true)));
        GROUP_VERSIONS.put("events.k8s.io/v1", List.of(Resource.of("events", "Event", true, "ev")));
        GROUP_VERSIONS.put("policy/v1", List.of(Resource.of("poddisruptionbudgets", "PodDisruptionBudget", true, "pdb")));
    }

    private static final Pattern LIST = Pattern.compile("^/(?:api/(v1)|apis/([^/]+/[^/]+))(?:/namespaces/[^/]+)?/([^/]+)$");

    /** What a list of a resource is called: kube-apiserver answers {@code PodList}, the CRUD server {@code List}. */
    record ListType(String apiVersion, String kind) {
    }

    private KubectlDiscovery() {
    }

    /** The list type a real server answers at this list path, or null for a resource not listed here. */
    static ListType listType(String path) {
        Matcher list = LIST.matcher(withoutQuery(path));
        if (!list.matches()) {
            return null;
        }
        String groupVersion = list.group(1) != null ? list.group(1) : list.group(2);
        return GROUP_VERSIONS.getOrDefault(groupVersion, List.of()).stream()
                .filter(resource -> resource.name().equals(list.group(3))).findFirst()
                .map(resource -> new ListType(groupVersion, resource.kind() + "List")).orElse(null);
    }

    /** Whether this GET asks for a discovery document served here (the query, e.g. a timeout, is ignored). */
    static boolean handles(String path) {
        String bare = withoutQuery(path);
        return bare.equals("/version") || bare.equals("/api") || bare.equals("/apis") || bare.equals("/api/v1")
                || bare.startsWith("/apis/") && GROUP_VERSIONS.containsKey(bare.substring("/apis/".length()));
    }

    /** The document at {@code path}; {@code host} is the address the client reached the server at. */
    static MockResponse answer(String path, String host) {
        String bare = withoutQuery(path);
        ObjectNode body = switch (bare) {
            case "/version" -> version();
            case "/api" -> apiVersions(host);
            case "/apis" -> groups();
            case "/api/v1" -> resources("v1");
            default -> resources(bare.substring("/apis/".length()));
        };
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(body.toString());
    }

    /** As the mock server's own answer to {@code /version}, which kubectl misses: it adds a timeout to the path. */
    private static ObjectNode version() {
        return JSON.createObjectNode().put("major", VERSION.getMajor()).put("minor", VERSION.getMinor())
                .put("gitVersion", VERSION.getGitVersion()).put("gitCommit", "").put("gitTreeState", VERSION.getGitTreeState())
                .put("buildDate", "").put("goVersion", VERSION.getGoVersion()).put("compiler", VERSION.getCompiler())
                .put("platform", VERSION.getPlatform());
    }

    private static ObjectNode apiVersions(String host) {
        ObjectNode versions = JSON.createObjectNode().put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        versions.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
                .put("serverAddress", host == null ? "" : host);
        return versions;
    }

    private static ObjectNode groups() {
        ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        GROUP_VERSIONS.keySet().stream().filter(groupVersion -> groupVersion.contains("/")).forEach(groupVersion -> {
            String[] parts = groupVersion.split("/");
            ObjectNode group = groups.addObject().put("name", parts[0]);
            ObjectNode version = JSON.createObjectNode().put("groupVersion", groupVersion).put("version", parts[1]);
            group.putArray("versions").add(version);
            group.set("preferredVersion", version.deepCopy());
        });
        return list;
    }

    private static ObjectNode resources(String groupVersion) {
        ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", groupVersion);
        ArrayNode resources = list.putArray("resources");
        for (Resource resource : GROUP_VERSIONS.get(groupVersion)) {
            String plural = resource.name().split("/")[0];
            ObjectNode entry = resources.addObject().put("name", resource.name())
                    .put("singularName", resource.name().contains("/") ? "" : plural.substring(0, plural.length() - 1))
                    .put("namespaced", resource.namespaced()).put("kind", resource.kind());
            if (resource.name().equals("pods/eviction")) {
                entry.put("group", "policy").put("version", "v1");
            }
            resource.verbs().forEach(entry.putArray("verbs")::add);
            if (!resource.shortNames().isEmpty()) {
                resource.shortNames().forEach(entry.putArray("shortNames")::add);
            }
        }
        return list;
    }

    private static String withoutQuery(String path) {
        int start = path.indexOf('?');
        return start < 0 ? path : path.substring(0, start);
    }
}
