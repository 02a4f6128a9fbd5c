package dev.k3sautoscaler.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The CRUD store's keys by name and by resource, kept beside fabric8's map in the map's own order.
 * fabric8 answers every read, delete and list by matching each stored key in turn: a simulated
 * cluster of a hundred workers holds thousands of objects, and that scan was the largest part of
 * the mock server's time.
 *
 * <p>A query that names one value for an attribute can only match keys holding that value, so the
 * keys indexed under it are the only candidates; each is still matched as fabric8 matches, in store
 * order. The answer is the scan's, without the scan. Not thread-safe: the dispatcher calls it under
 * the store's own lock.
 */
final class StoreIndex {
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();
    private final Map<String, Set<AttributeSet>> byPlural = new HashMap<>();
    /**
     * What field selectors read of each key's object, with the JSON it was parsed from: filled by
     * readers outside the lock, so an entry counts only while its JSON is the one stored.
     */
    private final Map<AttributeSet, Parsed> parsed = new ConcurrentHashMap<>();

    private record Parsed(String json, JsonNode tree) {
    }

    /** A key the store now holds, last in its order (fabric8 re-inserts a key it replaces). */
    void added(AttributeSet key) {
        index(byName, key, KubernetesAttributesExtractor.NAME);
        index(byPlural, key, KubernetesAttributesExtractor.PLURAL);
    }

    /** A key the store no longer holds. */
    void removed(AttributeSet key) {
        parsed.remove(key);
        unindex(byName, key, KubernetesAttributesExtractor.NAME);
        unindex(byPlural, key, KubernetesAttributesExtractor.PLURAL);
    }

    void clear() {
        byName.clear();
        byPlural.clear();
        parsed.clear();
    }

    /** {@code parse} of the stored object, computed once per version. */
    JsonNode parsed(AttributeSet key, String json, Function<String, JsonNode> parse) {
        Parsed known = parsed.get(key);
        if (known != null && known.json() == json) { // the very object stored, not only an equal one
            return known.tree();
        }
        JsonNode tree = parse.apply(json);
        parsed.put(key, new Parsed(json, tree));
        return tree;
    }

    /**
     * The stored keys that match {@code query}, in store order; null when the query names no single
     * name or resource, and only a scan can answer it.
     */
    List<AttributeSet> matching(AttributeSet query) {
        Set<AttributeSet> candidates = candidates(query, KubernetesAttributesExtractor.NAME, byName);
        if (candidates == null) {
            candidates = candidates(query, KubernetesAttributesExtractor.PLURAL, byPlural);
        }
        if (candidates == null) {
            return null;
        }
        List<AttributeSet> matching = new ArrayList<>();
        for (AttributeSet key : candidates) {
            if (key.matches(query)) {
                matching.add(key);
            }
        }
        return matching;
    }

    private static Set<AttributeSet> candidates(AttributeSet query, String attribute, Map<String, Set<AttributeSet>> index) {
        String wanted = required(query, attribute);
        return wanted == null ? null : index.getOrDefault(wanted, Set.of());
    }

    /** The one value a query requires of an attribute, or null when it requires none or several. */
    static String required(AttributeSet query, String attribute) {
        Attribute required = query.getAttribute(attribute);
        if (required == null || required.getType() != AttributeType.WITH || required.getValues().size() != 1) {
            return null;
        }
        return required.getValues().getFirst().toString();
    }

    /** The single value a stored key holds for an attribute, or null. */
    static String held(AttributeSet key, String attribute) {
        Attribute held = key.getAttribute(attribute);
        return held == null || held.getValues().size() != 1 ? null : held.getValues().getFirst().toString();
    }

    private static void index(Map<String, Set<AttributeSet>> index, AttributeSet key, String attribute) {
        String value = held(key, attribute);
        if (value != null) {
            index.computeIfAbsent(value, v -> new LinkedHashSet<>()).add(key);
        }
    }

    private static void unindex(Map<String, Set<AttributeSet>> index, AttributeSet key, String attribute) {
        String value = held(key, attribute);
        Set<AttributeSet> keys = value == null ? null : index.get(value);
        if (keys != null) {
            keys.remove(key);
            if (keys.isEmpty()) {
                index.remove(value);
            }
        }
    }
}
