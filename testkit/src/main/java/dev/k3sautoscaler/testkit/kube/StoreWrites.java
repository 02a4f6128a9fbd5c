package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The world's pod writes applied to the server's store in this process instead of over HTTP. What
 * kubelets and controllers write is not what is under test, and a simulated cluster of a hundred
 * workers writes thousands of pods a day: each through a client and the mock server's HTTP stack
 * cost more than the step that later reads them. The store, its resourceVersions and its watch
 * events are the ones an HTTP request reaches; only the transport is skipped.
 */
public final class StoreWrites {
    private final KubeApiDispatcher dispatcher;
    private final AtomicLong writes = new AtomicLong();

    StoreWrites(KubeApiDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * A controller creates its pod; a creationTimestamp it names is kept (the store would stamp its
     * own clock). Returns the resourceVersion the store gave it.
     */
    public String create(Pod pod) {
        ObjectNode object = ServerEvictions.SERIALIZATION.convertValue(pod, ObjectNode.class);
        String namespace = pod.getMetadata().getNamespace();
        JsonNode created = written(dispatcher.create("/api/v1/namespaces/" + namespace + "/pods", object), pod);
        if (pod.getMetadata().getCreationTimestamp() == null) {
            return version(created);
        }
        // The store stamps creation with its own clock: an update naming the version just created keeps the pod's.
        ((ObjectNode) object.get("metadata")).put("resourceVersion", version(created));
        return version(written(dispatcher.update(KubeApiDispatcher.podPath(namespace, pod.getMetadata().getName()), object), pod));
    }

    /**
     * Replaces the pod. With a resourceVersion, only that version is replaced: a stale one returns
     * null (another writer changed the pod since), as a 409 would tell a client. Without one, the
     * current version is replaced.
     */
    public String update(Pod pod) {
        ObjectNode object = ServerEvictions.SERIALIZATION.convertValue(pod, ObjectNode.class);
        String path = KubeApiDispatcher.podPath(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        if (pod.getMetadata().getResourceVersion() == null) {
            JsonNode current = dispatcher.read(path);
            if (current == null) {
                throw new IllegalStateException("no pod to update at " + path);
            }
            ((ObjectNode) object.get("metadata")).put("resourceVersion", version(current));
        }
        JsonNode updated = dispatcher.update(path, object);
        return updated == null ? null : version(written(updated, pod));
    }

    /**
     * The kubelet confirms the pod stopped: its finalizers go and the object with it. False when
     * there was no such pod.
     */
    public boolean delete(String namespace, String name) {
        String path = KubeApiDispatcher.podPath(namespace, name);
        JsonNode current = dispatcher.read(path);
        if (current == null) {
            return false;
        }
        JsonNode finalizers = current.path("metadata").path("finalizers");
        if (finalizers.isArray() && !finalizers.isEmpty()) {
            ObjectNode cleared = current.deepCopy();
            ((ObjectNode) cleared.get("metadata")).remove("finalizers");
            written(dispatcher.update(path, cleared), null);
        }
        dispatcher.delete(path);
        writes.incrementAndGet();
        return true;
    }

    /** The writes applied so far: what the world would have sent the server as requests. */
    public long writes() {
        return writes.get();
    }

    private JsonNode written(JsonNode answer, Pod pod) {
        if (answer == null) {
            throw new IllegalStateException("the store refused the world's write of "
                    + (pod == null ? "a pod's finalizers" : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()));
        }
        writes.incrementAndGet();
        return answer;
    }

    private static String version(JsonNode object) {
        return object.path("metadata").path("resourceVersion").asText(null);
    }
}
