package dev.k3sautoscaler.testkit.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The indexed store answers what fabric8's scanning store answers: the same random requests (creates,
 * replaces, patches that move an object's labels, deletes with and without finalizers, collection
 * deletes, reads by name, lists by resource, namespace and label) sent to both, every answer compared.
 */
class StoreIndexTest {
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
                    + (finalizer ? ",\"finalizers\":[\"test/keep\"]" : "") + "}}";
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
        for (int step = 0; step < 4_000; step++) {
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

    private static List<String> stored(KubernetesCrudDispatcher store) {
        return store.getMap().values().stream().map(StoreIndexTest::normalized).toList();
    }

    /** The answer's body with what either store stamps from its own clock or at random left out. */
    private static String body(MockResponse response) {
        if (response.getBody() == null) {
            return "";
        }
        return normalized(new String(response.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String normalized(String json) {
        return json.replaceAll("\"(creationTimestamp|deletionTimestamp|uid)\":\"[^\"]*\"", "\"$1\":\"-\"");
    }
}
