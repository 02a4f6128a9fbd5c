package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * The world's requests (kubelets, controllers, the API server's own housekeeping) served by the
 * server's store in this process instead of over HTTP. What they do is not what is under test, and a
 * simulated cluster of a hundred workers writes thousands of objects a day: each through a client
 * and the mock server's HTTP stack cost more than the step that later reads them. The store, its
 * resourceVersions and its watch events are the ones an HTTP request reaches; only the transport is
 * skipped. {@code StoreRequestsIT} sends the same requests both ways and compares what a client reads.
 */
public final class StoreRequests {
    private final KubeApiDispatcher dispatcher;
    private final AtomicLong requests = new AtomicLong();

    StoreRequests(KubeApiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * Where the API serves objects of {@code kind}: in {@code namespace} (null: a cluster-scoped kind,
     * or every namespace), the one named {@code name} (null: the collection).
     */
    static String path(Class<? extends HasMetadata> kind, String namespace, String name) {
        String apiVersion = HasMetadata.getApiVersion(kind);
        return (apiVersion.contains("/") ? "/apis/" : "/api/") + apiVersion
                + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + HasMetadata.getPlural(kind)
                + (name == null ? "" : "/" + name);
    }

    private static String path(HasMetadata object) {
        return path(object.getClass(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    /**
     * A component creates its object (a controller its pod, a kubelet its Node); a creationTimestamp
     * it names is kept (the store would stamp its own clock). Returns the resourceVersion the store
     * gave it.
     */
    public String create(HasMetadata object) {
        ObjectNode json = ServerEvictions.SERIALIZATION.convertValue(object, ObjectNode.class);
        ObjectMeta metadata = object.getMetadata();
        JsonNode created = served(dispatcher.create(path(object.getClass(), metadata.getNamespace(), null), json), path(object));
        if (metadata.getCreationTimestamp() == null) {
            return version(created);
        }
        // The store stamps creation with its own clock: an update naming the version just created keeps the object's.
        ((ObjectNode) json.get("metadata")).put("resourceVersion", version(created));
        return version(served(dispatcher.update(path(object), json), path(object)));
    }

    /**
     * Replaces the object. With a resourceVersion, only that version is replaced: a stale one returns
     * null (another writer changed the object since), as a 409 would tell a client. Without one, the
     * current version is replaced.
     */
    public String update(HasMetadata object) {
        ObjectNode json = ServerEvictions.SERIALIZATION.convertValue(object, ObjectNode.class);
        String path = path(object);
        if (object.getMetadata().getResourceVersion() == null) {
            JsonNode current = dispatcher.read(path);
            if (current == null) {
                throw new IllegalStateException("nothing to update at " + path);
            }
            ((ObjectNode) json.get("metadata")).put("resourceVersion", version(current));
        }
        JsonNode updated = dispatcher.update(path, json);
        return updated == null ? null : version(served(updated, path));
    }

    /**
     * Replaces the object's status with what {@code report} makes of its current version, as a
     * component writes the status subresource (a kubelet its Node's conditions). Returns the
     * resourceVersion the store gave it.
     */
    public <T extends HasMetadata> String updateStatus(Class<T> kind, String namespace, String name, UnaryOperator<T> report) {
        String path = path(kind, namespace, name);
        JsonNode current = dispatcher.read(path);
        if (current == null) {
            throw new IllegalStateException("no status to update at " + path);
        }
        T reported = report.apply(ServerEvictions.SERIALIZATION.convertValue(current, kind));
        ObjectNode json = ServerEvictions.SERIALIZATION.convertValue(reported, ObjectNode.class);
        return version(served(dispatcher.update(path + "/status", json), "the status of " + path));
    }

    /**
     * The object goes, its finalizers with it: a kubelet confirms its pod stopped, a Node is removed,
     * an event outlives its TTL. Without finalizers, what a DELETE does. False when there was no such object.
     */
    public boolean delete(Class<? extends HasMetadata> kind, String namespace, String name) {
        String path = path(kind, namespace, name);
        JsonNode current = dispatcher.read(path);
        if (current == null) {
            return false;
        }
        JsonNode finalizers = current.path("metadata").path("finalizers");
        if (finalizers.isArray() && !finalizers.isEmpty()) {
            ObjectNode cleared = current.deepCopy();
            ((ObjectNode) cleared.get("metadata")).remove("finalizers");
            served(dispatcher.update(path, cleared), "the finalizers of " + path);
        }
        dispatcher.delete(path);
        requests.incrementAndGet();
        return true;
    }

    /** The object as a client reads it; null when there is none. */
    public <T extends HasMetadata> T get(Class<T> kind, String namespace, String name) {
        requests.incrementAndGet();
        JsonNode object = dispatcher.read(path(kind, namespace, name));
        return object == null ? null : ServerEvictions.SERIALIZATION.convertValue(object, kind);
    }

    /** Every object of {@code kind}, in every namespace, in the order the server lists them. */
    public <T extends HasMetadata> List<T> list(Class<T> kind) {
        requests.incrementAndGet();
        JsonNode list = dispatcher.read(path(kind, null, null));
        List<T> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            items.add(ServerEvictions.SERIALIZATION.convertValue(item, kind));
        }
        return items;
    }

    /**
     * The requests served so far: what the world would have sent the server (a write's read of the
     * version it replaces is part of that write).
     */
    public long requests() {
        return requests.get();
    }

    private JsonNode served(JsonNode answer, String what) {
        if (answer == null) {
            throw new IllegalStateException("the store refused the world's write of " + what);
        }
        requests.incrementAndGet();
        return answer;
    }

    private static String version(JsonNode object) {
        return object.path("metadata").path("resourceVersion").asText(null);
    }
}
