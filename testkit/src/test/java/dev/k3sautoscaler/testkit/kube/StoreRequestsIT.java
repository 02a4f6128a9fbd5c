package dev.k3sautoscaler.testkit.kube;

import static dev.k3sautoscaler.testkit.TestWorld.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The world's requests served by the store leave the server as the same requests sent by the world's
 * client over HTTP leave it: random creates (naming a creation time or not), replaces and deletes of
 * Nodes, pods, ConfigMaps and events.k8s.io Events, and Nodes' readiness written to their status,
 * sent to two servers, one over HTTP and one through {@link StoreRequests}; after each, a real client
 * lists every kind from both over HTTP and the answers are compared whole (resourceVersions and order
 * included; only the uid and a creation time the server stamped from its clock differ by nature).
 * And the store's reads answer what the world's client reads of the same store over HTTP.
 */
class StoreRequestsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("w2", "w10", "w1");
    private static final List<String> NAMESPACES = List.of("shop", "default");
    private static final List<Class<? extends HasMetadata>> KINDS = List.of(Node.class, Pod.class, ConfigMap.class, Event.class);

    @AutoClose
    private final FakeKubeApi overHttp = FakeKubeApi.start();
    @AutoClose
    private final FakeKubeApi inStore = FakeKubeApi.start();
    @AutoClose
    private final KubernetesClient readsHttpServer = overHttp.client(null);
    @AutoClose
    private final KubernetesClient readsStoreServer = inStore.client(null);

    @Test
    void storeRequests_leaveTheServerAsTheWorldsHttpRequestsLeaveIt() {
        // GIVEN two servers, one written over HTTP as the world's client writes, one through the store
        Random random = new Random(20261206);
        Set<String> existing = new HashSet<>();
        Set<String> namedTimes = new HashSet<>();
        int listedItems = 0;
        for (int step = 0; step < 250; step++) {
            // WHEN the same random request is sent to both
            Class<? extends HasMetadata> kind = KINDS.get(random.nextInt(KINDS.size()));
            String namespace = kind == Node.class ? null : NAMESPACES.get(random.nextInt(NAMESPACES.size()));
            String name = NAMES.get(random.nextInt(NAMES.size()));
            String key = StoreRequests.path(kind, namespace, name);
            // A creation time named by the world (virtual time), or none: the server stamps its clock.
            Instant created = random.nextBoolean() ? T0.plusSeconds(step) : null;
            if (created != null) {
                namedTimes.add(created.toString());
            }
            HasMetadata object = object(kind, namespace, name, "v" + random.nextInt(3), created);
            String request;
            if (!existing.contains(key)) {
                request = "create " + key + (created == null ? "" : " at " + created);
                if (kind == Node.class) {
                    overHttp.register((Node) object);
                } else {
                    overHttp.world().resource(object).create();
                    if (created != null) {
                        overHttp.world().resource(object).update();
                    }
                }
                inStore.storeRequests().create(object);
                existing.add(key);
            } else if (kind == Node.class && random.nextBoolean()) {
                KubeObjects.Readiness readiness = KubeObjects.Readiness.values()[random.nextInt(3)];
                Instant since = T0.plusSeconds(step);
                request = "readiness " + readiness + " of " + key;
                overHttp.readiness(name, readiness, since);
                inStore.storeRequests().updateStatus(Node.class, null, name, node -> KubeObjects.withReadiness(node, readiness, since));
            } else if (random.nextBoolean()) {
                request = "update " + key;
                overHttp.world().resource(object).update();
                inStore.storeRequests().update(object);
            } else {
                request = "delete " + key;
                overHttp.world().resource(object).delete();
                inStore.storeRequests().delete(kind, namespace, name);
                existing.remove(key);
            }
            // THEN a client reads the same from both, and the store reads what a client reads
            for (Class<? extends HasMetadata> listed : KINDS) {
                String path = StoreRequests.path(listed, null, null);
                JsonNode expected = normalized(readsHttpServer.raw(path), namedTimes);
                assertEquals(expected.toString(), normalized(readsStoreServer.raw(path), namedTimes).toString(),
                        "GET " + path + " after " + request);
                listedItems += expected.path("items").size();
                assertEquals(inStore.world().resources(listed).inAnyNamespace().list().getItems(),
                        inStore.storeRequests().list(listed), "the list of " + path + " after " + request);
            }
            var overHttpRead = namespace == null ? inStore.world().resources(kind).withName(name)
                    : inStore.world().resources(kind).inNamespace(namespace).withName(name);
            assertEquals(overHttpRead.get(), inStore.storeRequests().get(kind, namespace, name), "GET " + key + " after " + request);
        }
        // AND the comparison meant something: the lists held objects
        assertTrue(listedItems > 2_000, "objects compared in lists: " + listedItems);
    }

    private static HasMetadata object(Class<? extends HasMetadata> kind, String namespace, String name, String app,
            Instant created) {
        String createdAt = created == null ? null : created.toString();
        HasMetadata object;
        if (kind == Node.class) {
            object = KubeObjects.node(name, "aws:///eu-west-1a/i-" + name, KubeObjects.Readiness.READY, created, 1930, 1L << 30).build();
        } else if (kind == Pod.class) {
            object = KubeObjects.pod(namespace, name, "w1", "app:" + app, 100, new Quantity("64Mi")).editMetadata()
                    .withCreationTimestamp(createdAt).endMetadata().build();
        } else if (kind == ConfigMap.class) {
            object = new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                    .withCreationTimestamp(createdAt).endMetadata().addToData("status", "health: " + app).build();
        } else {
            object = new EventBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                    .withCreationTimestamp(createdAt).endMetadata().withEventTime(new MicroTime(T0.toString()))
                    .withReason("NotTriggerScaleUp").withNote("seen as " + app).withAction("Evaluate").withType("Warning")
                    .withReportingController("k3s-autoscaler").withReportingInstance("k3s-autoscaler").build();
        }
        object.getMetadata().setLabels(new HashMap<>(Map.of("app", app)));
        return object;
    }

    /** The list as served, without what the server draws at random (uid) or from its clock (a creation time no request named). */
    private static JsonNode normalized(String list, Set<String> namedTimes) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(list);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (JsonNode item : parsed.path("items")) {
            ObjectNode metadata = (ObjectNode) item.get("metadata");
            metadata.remove("uid");
            if (!namedTimes.contains(metadata.path("creationTimestamp").asText())) {
                metadata.remove("creationTimestamp");
            }
        }
        return parsed;
    }
}
