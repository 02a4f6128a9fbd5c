package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What kube-apiserver does with a list request's query and CRUD mode does not, applied to the CRUD
 * dispatcher's answer: pod field selectors, and pages of {@code limit} items followed by an opaque
 * {@code continue} token. Requests with neither are not touched.
 *
 * <p>Field selectors on pods: {@code spec.nodeName}, {@code status.phase}, {@code metadata.name} and
 * {@code metadata.namespace} with {@code =}, {@code ==} or {@code !=} (an unbound pod's nodeName is
 * ""). Any other field is answered 400, as a real server does: CRUD mode would match nothing and
 * answer an empty list, which a drain would read as an empty node.
 *
 * <p>Pages: a listing is sorted by namespace and name and later pages are cut from the snapshot
 * its first page took, as etcd serves every page of a listing from one revision. A token whose
 * snapshot is gone (evicted, or expired by {@link #expireNextContinues}) answers 410 Expired, as
 * after a compaction.
 *
 * <p>The lists answered here are typed as a real server types them ({@code PodList}, not CRUD's
 * {@code List}) for the resources {@link KubectlDiscovery} lists: kubectl decodes them into that type.
 */
final class ListRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern POD_LIST = Pattern.compile("^/api/v1/(namespaces/[^/]+/)?pods$");
    private static final Pattern REQUIREMENT = Pattern.compile("^([A-Za-z.]+)(==|!=|=)(.*)$");
    private static final Map<String, Function<JsonNode, JsonNode>> POD_FIELDS = Map.of(
            "spec.nodeName", pod -> pod.path("spec").path("nodeName"),
            "status.phase", pod -> pod.path("status").path("phase"),
            "metadata.name", pod -> pod.path("metadata").path("name"),
            "metadata.namespace", pod -> pod.path("metadata").path("namespace"));
    /** Parameters this class answers; the rest of the query goes to the CRUD dispatcher as sent. */
    private static final Set<String> HANDLED = Set.of("limit", "continue", "fieldSelector");
    /** Listings left unfinished (a step that failed between pages) are dropped past this many. */
    private static final int SNAPSHOTS_KEPT = 32;

    private record Snapshot(KubectlDiscovery.ListType type, String resourceVersion, List<String> items) {
    }

    private record Requirement(Function<JsonNode, JsonNode> field, boolean equal, String value) {
        boolean matches(JsonNode pod) {
            return field.apply(pod).asText("").equals(value) == equal;
        }
    }

    private final Map<Long, Snapshot> snapshots = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Snapshot> eldest) {
            return size() > SNAPSHOTS_KEPT;
        }
    };
    private final AtomicLong nextSnapshot = new AtomicLong();
    private final AtomicInteger continuesToExpire = new AtomicInteger();

    /** The next {@code times} requests that carry a continue token answer 410 Expired. */
    void expireNextContinues(int times) {
        continuesToExpire.set(times);
    }

    /** Whether this GET is a list request this class must answer (a watch never is). */
    static boolean handles(String path) {
        Map<String, String> query = query(path);
        if ("true".equals(query.get("watch"))) {
            return false;
        }
        return query.containsKey("limit") || query.containsKey("continue")
                || query.containsKey("fieldSelector") && POD_LIST.matcher(withoutQuery(path)).matches();
    }

    /** The path to ask the CRUD dispatcher for the whole list: the parameters answered here taken out. */
    private static String crudPath(String path, boolean pods) {
        int start = path.indexOf('?');
        if (start < 0) {
            return path;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : path.substring(start + 1).split("&")) {
            String name = decode(parameter.split("=", 2)[0]);
            if (!HANDLED.contains(name) || name.equals("fieldSelector") && !pods) {
                kept.add(parameter);
            }
        }
        return path.substring(0, start) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    /**
     * A whole list as the store holds it: each object's JSON as stored, the namespace and name it
     * sorts by, and what a field selector reads of it, parsed only when one does. {@code asIs} is an answer
     * that is not a list (an error), passed on as it is.
     */
    record Listing(String apiVersion, String kind, String resourceVersion, List<Listed> items, MockResponse asIs) {
        /** The listing in a list answer (the CRUD server's, or a view's). */
        static Listing of(MockResponse whole) {
            JsonNode list = whole.code() == 200 ? parse(whole) : null;
            if (list == null || !list.path("items").isArray()) {
                return new Listing(null, null, null, List.of(), whole);
            }
            List<Listed> items = new ArrayList<>();
            for (JsonNode item : list.path("items")) {
                items.add(new Listed(item.path("metadata").path("namespace").asText(""),
                        item.path("metadata").path("name").asText(""), item.toString(), () -> item));
            }
            return new Listing(list.path("apiVersion").asText("v1"), list.path("kind").asText("List"),
                    list.path("metadata").path("resourceVersion").asText(""), items, null);
        }
    }

    /** One object of a listing; {@code selectable} is what a field selector reads of it (the object, or only those fields). */
    record Listed(String namespace, String name, String json, Supplier<JsonNode> selectable) {
    }

    /** Of a pod, only what its field selectors read: a store's thousands of pods kept parsed cost little. */
    static JsonNode selectable(JsonNode pod) {
        ObjectNode fields = JSON.createObjectNode();
        for (String field : POD_FIELDS.keySet()) {
            String[] path = field.split("\\.");
            JsonNode value = pod.path(path[0]).path(path[1]);
            if (!value.isMissingNode()) {
                fields.withObjectProperty(path[0]).set(path[1], value.deepCopy());
            }
        }
        return fields;
    }

    /**
     * The answer to a list request; {@code store} lists the whole collection (asked only for a first
     * page: later pages come from the snapshot).
     */
    MockResponse answer(String path, Function<String, Listing> store) {
        Map<String, String> query = query(path);
        int limit;
        try {
            limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : 0;
        } catch (NumberFormatException e) {
            return KubeApiDispatcher.status(400, "BadRequest", "limit: Invalid value: \"" + query.get("limit") + "\"");
        }
        String token = query.get("continue");
        if (token != null && !token.isEmpty()) {
            return next(token, limit);
        }
        String fieldSelector = query.getOrDefault("fieldSelector", "");
        boolean pods = POD_LIST.matcher(withoutQuery(path)).matches();
        Predicate<JsonNode> selector;
        try {
            selector = pods && !fieldSelector.isEmpty() ? fieldSelector(fieldSelector, POD_FIELDS) : null;
        } catch (IllegalArgumentException e) {
            return KubeApiDispatcher.status(400, "BadRequest", "Unable to find \"/v1, Resource=pods\" that match"
                    + " field selector \"" + fieldSelector + "\": " + e.getMessage());
        }
        Listing whole = store.apply(crudPath(path, pods));
        if (whole.asIs() != null) {
            return whole.asIs();
        }
        List<Listed> items = selector == null ? new ArrayList<>(whole.items())
                : whole.items().stream().filter(item -> selector.test(item.selectable().get())).collect(Collectors.toList());
        // A typed client (kubectl's) decodes a page into the list type it asked for, which a plain
        // "List" is not: answer the type a real server names.
        KubectlDiscovery.ListType type = KubectlDiscovery.listType(path);
        if (type == null) {
            type = new KubectlDiscovery.ListType(whole.apiVersion(), whole.kind());
        }
        if (limit <= 0) {
            return page(type, whole.resourceVersion(), items.stream().map(Listed::json).toList(), null, 0);
        }
        items.sort(Comparator.comparing(Listed::namespace).thenComparing(Listed::name));
        Snapshot snapshot = new Snapshot(type, whole.resourceVersion(), items.stream().map(Listed::json).toList());
        long id = nextSnapshot.incrementAndGet();
        return cut(id, snapshot, 0, limit);
    }

    private MockResponse next(String token, int limit) {
        long id;
        int offset;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            id = Long.parseLong(parts[0]);
            offset = Integer.parseInt(parts[1]);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return KubeApiDispatcher.status(400, "BadRequest", "continue key is not valid: " + e.getMessage());
        }
        Snapshot snapshot;
        synchronized (snapshots) {
            if (continuesToExpire.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                snapshots.remove(id);
            }
            snapshot = snapshots.get(id);
        }
        if (snapshot == null) {
            return KubeApiDispatcher.status(410, "Expired", "The provided continue parameter is too old to display a"
                    + " consistent list result. You can start a new list without the continue parameter.");
        }
        return cut(id, snapshot, offset, limit <= 0 ? Integer.MAX_VALUE : limit);
    }

    /** The page at {@code offset}; the snapshot is kept for the next page, or dropped after the last. */
    private MockResponse cut(long id, Snapshot snapshot, int offset, int limit) {
        List<String> items = snapshot.items();
        int end = (int) Math.min(items.size(), (long) offset + limit);
        synchronized (snapshots) {
            if (end < items.size()) {
                snapshots.put(id, snapshot);
            } else {
                snapshots.remove(id);
            }
        }
        String token = end < items.size()
                ? Base64.getUrlEncoder().withoutPadding().encodeToString((id + ":" + end).getBytes(StandardCharsets.UTF_8))
                : null;
        return page(snapshot.type(), snapshot.resourceVersion(), items.subList(offset, end), token, items.size() - end);
    }

    private static MockResponse page(KubectlDiscovery.ListType type, String resourceVersion, List<String> items,
            String token, int remaining) {
        ObjectNode metadata = JSON.createObjectNode().put("resourceVersion", resourceVersion);
        if (token != null) {
            metadata.put("continue", token).put("remainingItemCount", remaining);
        }
        String body = "{\"apiVersion\":" + JSON.getNodeFactory().textNode(type.apiVersion())
                + ",\"kind\":" + JSON.getNodeFactory().textNode(type.kind()) + ",\"metadata\":" + metadata
                + ",\"items\":[" + String.join(",", items) + "]}";
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
    }

    private static JsonNode parse(MockResponse response) {
        try {
            return JSON.readTree(response.getBody().getBytes());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * What a field selector keeps: requirements joined by {@code ,}, each {@code field=value},
     * {@code field==value} or {@code field!=value}, on the fields {@code fields} reads ("" when
     * absent). Throws naming the first field not among them, as a real server refuses it.
     */
    static Predicate<JsonNode> fieldSelector(String selector, Map<String, Function<JsonNode, JsonNode>> fields) {
        List<Requirement> requirements = new ArrayList<>();
        for (String requirement : selector.isEmpty() ? new String[0] : selector.split(",")) {
            Matcher parsed = REQUIREMENT.matcher(requirement);
            Function<JsonNode, JsonNode> field = parsed.matches() ? fields.get(parsed.group(1)) : null;
            if (field == null) {
                throw new IllegalArgumentException("field label not supported: "
                        + (parsed.matches() ? parsed.group(1) : requirement));
            }
            requirements.add(new Requirement(field, !parsed.group(2).equals("!="), parsed.group(3)));
        }
        return item -> requirements.stream().allMatch(requirement -> requirement.matches(item));
    }

    static String withoutQuery(String path) {
        int start = path.indexOf('?');
        return start < 0 ? path : path.substring(0, start);
    }

    static Map<String, String> query(String path) {
        Map<String, String> query = new LinkedHashMap<>();
        int start = path.indexOf('?');
        if (start >= 0) {
            for (String parameter : path.substring(start + 1).split("&")) {
                String[] pair = parameter.split("=", 2);
                query.put(decode(pair[0]), pair.length > 1 ? decode(pair[1]) : "");
            }
        }
        return query;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
