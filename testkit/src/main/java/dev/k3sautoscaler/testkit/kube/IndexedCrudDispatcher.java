package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * fabric8's CRUD dispatcher with its store indexed ({@link StoreIndex}): reads by name, deletes by
 * name, the lookups of creates and replaces, and lists are answered from the index as fabric8's scan
 * of every stored key would answer them; anything the index cannot answer (a watch, a collection
 * delete, a query naming no single name or resource) is fabric8's own. {@code StoreIndexTest}
 * compares the two on random requests.
 */
class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTHING = "/api/v1/namespaces/-/configmaps/-";

    /** The store's keys by name and resource: reads, deletes and lists without fabric8's scan of every key. */
    private final StoreIndex index = new StoreIndex();
    /** fabric8's store lock, as it hands it over: reads and deletes served here hold it as fabric8's own do. */
    private Lock readLock;
    private Lock writeLock;
    /** The store's resourceVersion as last handed out: the one fabric8 stamps on a list. */
    private final AtomicLong resourceVersion = new AtomicLong();

    IndexedCrudDispatcher() {
        // fabric8 hands each lock to locked() when it takes it: a read and a delete of nothing show both.
        super.handleGet(NOTHING);
        super.handleDelete(NOTHING);
        if (readLock == null || writeLock == null) {
            throw new IllegalStateException("fabric8's CRUD dispatcher no longer hands its store lock to locked():"
                    + " the index cannot be read under it");
        }
    }

    @Override
    protected void locked(Lock lock) {
        if (lock instanceof ReentrantReadWriteLock.ReadLock) {
            readLock = lock;
        } else if (lock instanceof ReentrantReadWriteLock.WriteLock) {
            writeLock = lock;
        }
    }

    /** Every create, replace, patch and delete of the store passes here: the index follows it. */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
            GenericKubernetesResource resource, String newState) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        if (oldAttributes != null) {
            index.removed(oldAttributes);
        }
        if (newState != null) {
            index.added(storedKey(pathAttributes, resource, newState));
        }
    }

    /** The key fabric8 stored {@code newState} under, computed as it computes it. */
    private AttributeSet storedKey(AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
        KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
        AttributeSet key = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
        if (!key.containsKey(KubernetesAttributesExtractor.PLURAL)) {
            key = AttributeSet.merge(pathAttributes, key);
        }
        if (!newState.equals(map.get(key))) {
            throw new IllegalStateException("the store index lost track of fabric8's key for " + path(key));
        }
        return key;
    }

    private static String path(AttributeSet key) {
        return StoreIndex.held(key, KubernetesAttributesExtractor.PLURAL) + "/" + StoreIndex.held(key, KubernetesAttributesExtractor.NAME);
    }

    @Override
    public long requestResourceVersion() {
        long version = super.requestResourceVersion();
        resourceVersion.set(version);
        return version;
    }

    @Override
    public void reset() {
        withLock(writeLock, () -> {
            super.reset();
            index.clear();
            return null;
        });
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        List<AttributeSet> matching = index.matching(query);
        if (matching == null) {
            return super.findResource(query);
        }
        return matching.isEmpty() ? null : new AbstractMap.SimpleImmutableEntry<>(matching.getFirst(), map.get(matching.getFirst()));
    }

    /**
     * A read of one object or of a list, answered from the index as fabric8's scan would: the first
     * object matching a by-name query (404 without), every matching object of a list. Watches, and
     * lists matching nothing (fabric8 then answers API discovery), are fabric8's.
     */
    @Override
    public MockResponse handleGet(String path) {
        if (path.contains("watch=")) {
            return super.handleGet(path);
        }
        AttributeSet query = attributeExtractor.fromPath(path);
        MockResponse answered = withLock(readLock, () -> {
            List<AttributeSet> matching = index.matching(query);
            if (matching == null) {
                return null;
            }
            if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
                return matching.isEmpty() ? new MockResponse().setResponseCode(404)
                        : new MockResponse().setResponseCode(200).setBody(map.get(matching.getFirst()));
            }
            if (matching.isEmpty()) {
                return null;
            }
            List<String> items = matching.stream().map(map::get).toList();
            return new MockResponse().setResponseCode(200)
                    .setBody(((KubernetesResponseComposer) responseComposer).compose(items, Long.toString(resourceVersion.get())));
        });
        return answered != null ? answered : super.handleGet(path);
    }

    /**
     * A delete by name, found by the index: removed at once without finalizers; with some, marked
     * for deletion (its deletionTimestamp and a new resourceVersion) and left until they go, once.
     * Answers the object as it was before, or 404. Collection deletes are fabric8's.
     */
    @Override
    public MockResponse handleDelete(String path) {
        AttributeSet query = attributeExtractor.fromPath(path);
        if (!query.containsKey(KubernetesAttributesExtractor.NAME)) {
            return super.handleDelete(path);
        }
        MockResponse answered = withLock(writeLock, () -> {
            List<AttributeSet> matching = index.matching(query);
            if (matching == null) {
                return null;
            }
            if (matching.isEmpty()) {
                return new MockResponse().setResponseCode(404);
            }
            String before = map.get(matching.getFirst());
            for (AttributeSet key : matching) {
                delete(path, query, key);
            }
            return new MockResponse().setResponseCode(200).setBody(before);
        });
        return answered != null ? answered : super.handleDelete(path);
    }

    private void delete(String path, AttributeSet query, AttributeSet key) {
        GenericKubernetesResource stored = Serialization.unmarshal(map.get(key), GenericKubernetesResource.class);
        if (stored.getFinalizers().isEmpty()) {
            processEvent(path, query, key, null, null);
        } else if (!stored.isMarkedForDeletion()) {
            stored.getMetadata().setDeletionTimestamp(
                    ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            stored.getMetadata().setResourceVersion(Long.toString(requestResourceVersion()));
            processEvent(path, query, key, stored, Serialization.asJson(stored));
        }
    }

    private static <T> T withLock(Lock lock, Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The whole list at {@code path} from the index, each object as stored (what a field selector
     * reads parsed once per version, when one does); null when the index cannot answer it.
     */
    final ListRequests.Listing indexedListing(String path) {
        AttributeSet query = attributeExtractor.fromPath(path);
        if (query.containsKey(KubernetesAttributesExtractor.NAME)) {
            return null;
        }
        return withLock(readLock, () -> {
            List<AttributeSet> matching = index.matching(query);
            if (matching == null || matching.isEmpty()) {
                return null;
            }
            List<ListRequests.Listed> items = new ArrayList<>(matching.size());
            for (AttributeSet key : matching) {
                String json = map.get(key);
                items.add(new ListRequests.Listed(Objects.requireNonNullElse(StoreIndex.held(key, KubernetesAttributesExtractor.NAMESPACE), ""),
                        StoreIndex.held(key, KubernetesAttributesExtractor.NAME), json, () -> index.parsed(key, json, IndexedCrudDispatcher::selectable)));
            }
            return new ListRequests.Listing("v1", "List", Long.toString(resourceVersion.get()), items, null);
        });
    }

    private static JsonNode selectable(String json) {
        try {
            return ListRequests.selectable(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException("the store holds an object that is not JSON", e);
        }
    }
}
