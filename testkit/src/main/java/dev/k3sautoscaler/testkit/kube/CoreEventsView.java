package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Core/v1 lists of Events that include the events.k8s.io/v1 ones, as kube-apiserver serves one
 * store under both APIs: the autoscaler writes events.k8s.io/v1, while {@code kubectl describe} and
 * {@code kubectl get events} read core/v1. The CRUD server keeps the two apart (its core list even
 * returns events.k8s.io objects unconverted), so lists are answered here from both, converted the
 * way the real server converts them.
 *
 * <p>Field selectors are those the real server answers for events (kubectl describe asks for
 * {@code involvedObject.name}, {@code .namespace}, {@code .kind} and {@code .uid}); any other field
 * answers 400. Watches and single events are left to the CRUD server.
 */
final class CoreEventsView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LIST = Pattern.compile("^/api/v1/(namespaces/([^/]+)/)?events$");
    private static final String EVENTS_V1 = "events.k8s.io/v1";
    /** Field selectors kube-apiserver answers on core/v1 events, read from the converted event. */
    private static final Map<String, Function<JsonNode, JsonNode>> FIELDS = Map.ofEntries(
            Map.entry("metadata.name", event -> event.path("metadata").path("name")),
            Map.entry("metadata.namespace", event -> event.path("metadata").path("namespace")),
            Map.entry("involvedObject.kind", event -> event.path("involvedObject").path("kind")),
            Map.entry("involvedObject.namespace", event -> event.path("involvedObject").path("namespace")),
            Map.entry("involvedObject.name", event -> event.path("involvedObject").path("name")),
            Map.entry("involvedObject.uid", event -> event.path("involvedObject").path("uid")),
            Map.entry("involvedObject.apiVersion", event -> event.path("involvedObject").path("apiVersion")),
            Map.entry("involvedObject.resourceVersion", event -> event.path("involvedObject").path("resourceVersion")),
            Map.entry("involvedObject.fieldPath", event -> event.path("involvedObject").path("fieldPath")),
            Map.entry("reason", event -> event.path("reason")),
            Map.entry("reportingComponent", event -> event.path("reportingComponent")),
            // The real server falls back on the reporting controller when the source names none.
            Map.entry("source", event -> event.path("source").path("component").asText("").isEmpty()
                    ? event.path("reportingComponent") : event.path("source").path("component")),
            Map.entry("type", event -> event.path("type")));

    private CoreEventsView() {
    }

    /** Whether this GET lists core/v1 events (a watch never is: it stays with the CRUD server). */
    static boolean handles(String path) {
        return LIST.matcher(ListRequests.withoutQuery(path)).matches()
                && !"true".equals(ListRequests.query(path).get("watch"));
    }

    /**
     * The whole list at {@code path}, field selector applied; {@code read} reads a list from the
     * store in-process (null when the store has none). Paging is left to {@link ListRequests}.
     */
    static MockResponse answer(String path, Function<String, JsonNode> read) {
        Matcher list = LIST.matcher(ListRequests.withoutQuery(path));
        if (!list.matches()) {
            throw new IllegalArgumentException("not a core/v1 events list: " + path);
        }
        Map<String, String> query = ListRequests.query(path);
        Predicate<JsonNode> selector;
        try {
            selector = ListRequests.fieldSelector(query.getOrDefault("fieldSelector", ""), FIELDS);
        } catch (IllegalArgumentException e) {
            // kube-apiserver's words; kubectl adds which selector it sent.
            return KubeApiDispatcher.status(400, "BadRequest", e.getMessage());
        }
        String scope = list.group(2) == null ? "" : "/namespaces/" + list.group(2);
        String labels = query.containsKey("labelSelector")
                ? "?labelSelector=" + URLEncoder.encode(query.get("labelSelector"), StandardCharsets.UTF_8) : "";
        // By uid: the CRUD server may answer the same object under both paths.
        Map<String, JsonNode> events = new LinkedHashMap<>();
        String resourceVersion = "";
        for (String stored : List.of("/api/v1" + scope + "/events" + labels,
                "/apis/" + EVENTS_V1 + scope + "/events" + labels)) {
            JsonNode answered = read.apply(stored);
            if (answered == null) {
                continue;
            }
            resourceVersion = answered.path("metadata").path("resourceVersion").asText(resourceVersion);
            for (JsonNode item : answered.path("items")) {
                String apiVersion = item.path("apiVersion").asText("");
                JsonNode event = apiVersion.equals(EVENTS_V1) ? core(item) : apiVersion.equals("v1") ? item : null;
                if (event != null && selector.test(event)) {
                    events.putIfAbsent(item.path("metadata").path("uid").asText(item.toString()), event);
                }
            }
        }
        List<JsonNode> items = new ArrayList<>(events.values());
        items.sort(Comparator.comparing((JsonNode item) -> item.path("metadata").path("namespace").asText(""))
                .thenComparing(item -> item.path("metadata").path("name").asText("")));
        ObjectNode body = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "EventList");
        body.putObject("metadata").put("resourceVersion", resourceVersion);
        body.putArray("items").addAll(items);
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(body.toString());
    }

    /**
     * An events.k8s.io/v1 Event as core/v1 serves it. As in kube-apiserver, the deprecated fields
     * are the core ones (count, first and last timestamp, source) and the series stays a series:
     * a client that reads only {@code count} (kubectl 1.20 does) sees a repeat only when the writer
     * also set {@code deprecatedCount}. Not made up here from the series, or a test would pass that
     * a real cluster fails.
     */
    static ObjectNode core(JsonNode event) {
        ObjectNode core = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Event");
        core.set("metadata", event.path("metadata").deepCopy());
        copy(event, "regarding", core, "involvedObject");
        copy(event, "related", core, "related");
        copy(event, "reason", core, "reason");
        copy(event, "note", core, "message");
        copy(event, "deprecatedSource", core, "source");
        copy(event, "deprecatedFirstTimestamp", core, "firstTimestamp");
        copy(event, "deprecatedLastTimestamp", core, "lastTimestamp");
        copy(event, "deprecatedCount", core, "count");
        copy(event, "type", core, "type");
        copy(event, "eventTime", core, "eventTime");
        copy(event, "series", core, "series");
        copy(event, "action", core, "action");
        copy(event, "reportingController", core, "reportingComponent");
        copy(event, "reportingInstance", core, "reportingInstance");
        return core;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value.deepCopy());
        }
    }
}
