package dev.k3sautoscaler.testkit.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The indexed store answers what fabric8's scanning store answers: the same random requests (creates,
 * replaces, patches that move an object's labels, deletes with and without finalizers, collection
 * deletes, reads by name, lists by resource, namespace and label) sent to both, every answer compared;
 * and pod lists read page by page with field selectors hold what the scanning store's whole list
 * holds, selected and ordered as kube-apiserver would.
 */
class StoreIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("a", "b", "c", "web-1", "web-2");
    private static final List<String> NAMESPACES = List.of("default", "shop");
    private static final List<String> APPS = List.of("web", "db");

    /** One kind of stored object: its collection path in a namespace (null: cluster-scoped) and its JSON. */
    private record Resource(String apiVersion, String kind, String collection, boolean namespaced) {
        String collectionPath(String namespace) {
            return namespaced ? collection.replace("{ns}", namespace) : collection;
        }

        String object(String namespace, String name, String app, boolean finalizer) {
            return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"" + name + "\""
                    + (namespaced ? ",\"namespace\":\"" + namespace + "\"" : "")
                    + ",\"uid\":\"uid-" + name + "\""
                    + ",\"labels\":{\"app\":\"" + app + "\"}"
                    + (finalizer ? ",\"finalizers\":[\"test/keep\"]" : "") + "}"
                    + (kind.equals("Pod") && !app.equals("db") ? ",\"spec\":{\"nodeName\":\"node-" + app + "\"}" : "") + "}";
        }
    }

    private static final List<Resource> RESOURCES = List.of(
            new Resource("v1", "Pod", "/api/v1/namespaces/{ns}/pods", true),
            new Resource("v1", "Node", "/api/v1/nodes", false),
            new Resource("v1", "ConfigMap", "/api/v1/namespaces/{ns}/configmaps", true),
            new Resource("events.k8s.io/v1", "Event", "/apis/events.k8s.io/v1/namespaces/{ns}/events", true));

    @Test
    void everyAnswer_isTheScanningStoresAnswer() {
        KubernetesCrudDispatcher scanning = new KubernetesCrudDispatcher();
        KubeApiDispatcher indexed = new KubeApiDispatcher(new HashMap<>(), null, null, () -> false);
        Random random = new Random(20261205);
        int found = 0;
        int listed = 0;
        int paged = 0;
        for (int step = 0; step < 4_000; step++) {
            if (step % 10 == 0) {
                String selector = List.of("", "spec.nodeName=node-web", "spec.nodeName=", "spec.nodeName!=node-web,metadata.namespace=shop")
                        .get(random.nextInt(4));
                String scope = random.nextBoolean() ? "" : "/namespaces/" + NAMESPACES.get(random.nextInt(NAMESPACES.size()));
                assertEquals(selected(scanning, scope, selector), pages(indexed, scope, selector, 1 + random.nextInt(3)),
                        "pods" + scope + " selected by " + selector);
                paged++;
            }
            Request request = next(random);
            MockResponse expected = scanning.dispatch(request.recorded());
            MockResponse actual = indexed.dispatch(request.recorded());
            assertEquals(expected.code(), actual.code(), () -> "status of " + request);
            assertEquals(body(expected), body(actual), () -> "body of " + request);
            assertEquals(stored(scanning), stored(indexed), () -> "the store after " + request);
            if (request.method() == HttpMethod.GET && expected.code() == 200) {
                if (body(expected).contains("\"kind\":\"List\"")) {
                    listed++;
                } else {
                    found++;
                }
            }
        }
        assertTrue(paged > 100, "paged pod lists compared: " + paged);
        // The comparison meant something: objects were found by name and lists held items.
        assertTrue(found > 200, "reads that found an object: " + found);
        assertTrue(listed > 200, "lists answered: " + listed);
    }

    private record Request(HttpMethod method, String path, String body, String contentType) {
        RecordedRequest recorded() {
            Buffer buffer = new Buffer();
            if (body != null) {
                buffer.writeUtf8(body);
            }
            return new RecordedRequest("HTTP/1.1", method, path, Headers.builder().add("Content-Type", contentType).build(), buffer);
        }
    }

    private static Request next(Random random) {
        Resource resource = RESOURCES.get(random.nextInt(RESOURCES.size()));
        String namespace = NAMESPACES.get(random.nextInt(NAMESPACES.size()));
        String name = NAMES.get(random.nextInt(NAMES.size()));
        String app = APPS.get(random.nextInt(APPS.size()));
        String collection = resource.collectionPath(namespace);
        String one = collection + "/" + name;
        return switch (random.nextInt(10)) {
            case 0, 1 -> new Request(HttpMethod.POST, collection, resource.object(namespace, name, app, random.nextInt(3) == 0), "application/json");
            case 2 -> new Request(HttpMethod.PUT, one, resource.object(namespace, name, app, random.nextBoolean()), "application/json");
            case 3 -> new Request(HttpMethod.PATCH, one, "{\"metadata\":{\"labels\":{\"app\":\"" + app + "\"}}}",
                    "application/merge-patch+json");
            case 4 -> new Request(HttpMethod.DELETE, one, null, "application/json");
            case 5 -> random.nextInt(8) == 0
                    ? new Request(HttpMethod.DELETE, collection + "?labelSelector=app%3D" + app, null, "application/json")
                    : new Request(HttpMethod.GET, one, null, "application/json");
            case 6 -> new Request(HttpMethod.GET, one, null, "application/json");
            case 7 -> new Request(HttpMethod.GET, collection, null, "application/json");
            case 8 -> new Request(HttpMethod.GET, collection + "?labelSelector=app%3D" + app, null, "application/json");
            default -> new Request(HttpMethod.GET, resource.namespaced()
                    ? resource.collection().replace("/namespaces/{ns}", "") : collection, null, "application/json");
        };
    }

    /** What a list of pods answers, page after page of {@code limit}, with this field selector. */
    private static List<String> pages(KubeApiDispatcher dispatcher, String scope, String selector, int limit) {
        List<JsonNode> items = new ArrayList<>();
        String token = null;
        do {
            String path = "/api/v1" + scope + "/pods?limit=" + limit + (selector.isEmpty() ? "" : "&fieldSelector="
                    + URLEncoder.encode(selector, StandardCharsets.UTF_8))
                    + (token == null ? "" : "&continue=" + token);
            JsonNode page = json(dispatcher.dispatch(new Request(HttpMethod.GET, path, null, "application/json").recorded()));
            page.path("items").forEach(items::add);
            token = page.path("metadata").path("continue").asText(null);
        } while (token != null);
        return items.stream().map(item -> normalized(item.toString())).toList();
    }

    /** The pods the scanning store lists, those the field selector keeps, by namespace and name. */
    private static List<String> selected(KubernetesCrudDispatcher scanning, String scope, String selector) {
        List<JsonNode> items = new ArrayList<>();
        json(scanning.dispatch(new Request(HttpMethod.GET, "/api/v1" + scope + "/pods", null, "application/json").recorded()))
                .path("items").forEach(items::add);
        Predicate<JsonNode> kept = item -> true;
        for (String requirement : selector.isEmpty() ? new String[0] : selector.split(",")) {
            boolean equal = !requirement.contains("!=");
            String[] sides = requirement.split("!?=", 2);
            String[] field = sides[0].split("\\.");
            kept = kept.and(item -> item.path(field[0]).path(field[1]).asText("").equals(sides[1]) == equal);
        }
        return items.stream().filter(kept)
                .sorted(Comparator.comparing((JsonNode item) -> item.path("metadata").path("namespace").asText())
                        .thenComparing(item -> item.path("metadata").path("name").asText()))
                .map(item -> normalized(item.toString())).toList();
    }

    private static JsonNode json(MockResponse response) {
        try {
            return JSON.readTree(response.getBody().getBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> stored(KubernetesCrudDispatcher store) {
        return store.getMap().values().stream().map(StoreIndexTest::normalized).toList();
    }

    /** The answer's body with what either store stamps from its own clock or at random left out. */
    private static String body(MockResponse response) {
        if (response.getBody() == null) {
            return "";
        }
        return normalized(new String(response.getBody().getBytes(), StandardCharsets.UTF_8));
    }

    private static String normalized(String json) {
        return json.replaceAll("\"(creationTimestamp|deletionTimestamp|uid)\":\"[^\"]*\"", "\"$1\":\"-\"");
    }
}
