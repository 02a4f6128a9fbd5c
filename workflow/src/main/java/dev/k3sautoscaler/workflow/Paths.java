package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSONPath as ASL uses it: full JsonPath (Jayway) for reading, Reference Paths (only {@code .field}
 * and {@code [index]} steps) for writing a ResultPath. {@code $$.} reads the context object.
 */
final class Paths {
    private static final Configuration JACKSON = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .build(); // no options: a missing path is an error, as in Step Functions
    private static final Pattern REFERENCE_STEP = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_\\-]*)|\\['([^']+)'\\]|\\[(\\d+)\\]");

    private Paths() {
    }

    /** Reads {@code path} from {@code input} (or the context object for {@code $$.}); a missing path is States.Runtime. */
    static JsonNode read(String path, JsonNode input, JsonNode context) {
        JsonNode found = find(path, input, context);
        if (found == null) {
            throw new RuntimeFailure("path " + path + " matches nothing in " + abbreviate(path.startsWith("$$") ? context : input));
        }
        return found;
    }

    /** True when {@code path} selects something (for Choice's IsPresent); an invalid path selects nothing. */
    static boolean isPresent(String path, JsonNode input, JsonNode context) {
        try {
            return find(path, input, context) != null;
        } catch (RuntimeFailure invalidPath) {
            return false;
        }
    }

    /**
     * What {@code path} selects, or null when it selects nothing — without building the error a
     * miss becomes in {@link #read}: a Choice's IsPresent misses often, on large state data.
     */
    private static JsonNode find(String path, JsonNode input, JsonNode context) {
        JsonNode source = input;
        String effective = path;
        if (path.startsWith("$$")) {
            source = context;
            effective = path.substring(1);
        }
        if ("$".equals(effective)) {
            return source;
        }
        if (isReferencePath(effective)) {
            // Exact ASL semantics for the common case: a missing field or an index past the end is "not present".
            JsonNode node = source;
            for (Object step : steps(effective)) {
                node = node == null ? null : step instanceof String field ? node.get(field) : node.get((Integer) step);
            }
            return node;
        }
        try {
            JsonNode result = JsonPath.using(JACKSON).parse(source).read(effective);
            return result == null ? JsonNodeFactory.instance.nullNode() : result;
        } catch (PathNotFoundException e) {
            return null;
        } catch (InvalidPathException e) {
            throw new RuntimeFailure("invalid path " + path + ": " + e.getMessage());
        }
    }

    static boolean isReferencePath(String path) {
        return path.equals("$") || (path.startsWith("$") && REFERENCE_STEP.matcher(path.substring(1)).replaceAll("").isEmpty());
    }

    /**
     * Returns a copy of {@code target} with {@code value} placed at reference path {@code path}
     * (ResultPath semantics): {@code $} replaces anything; any other path needs an object (or, for an
     * index, an array) at each step, or the write is a {@code States.ReferencePathConflict}.
     *
     * <p>Only the containers along the path are copied; the rest is shared with {@code target}. The
     * executor never changes a node in place, and copying a large cluster's whole state data for
     * every ResultPath was most of a Task state's own cost.
     */
    static JsonNode write(JsonNode target, String path, JsonNode value) {
        if ("$".equals(path)) {
            return value;
        }
        if (!isReferencePath(path)) {
            throw new RuntimeFailure("ResultPath " + path + " is not a reference path");
        }
        JsonNode root = target == null ? JsonNodeFactory.instance.nullNode() : shallowCopy(target);
        List<Object> steps = steps(path);
        JsonNode parent = root;
        for (int i = 0; i < steps.size() - 1; i++) {
            Object step = steps.get(i);
            JsonNode next = step instanceof String field ? parent.get(field) : parent.get((Integer) step);
            // A missing step is created; a present one that is no container is a conflict (below).
            next = next == null
                    ? steps.get(i + 1) instanceof Integer ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode()
                    : shallowCopy(next);
            set(parent, step, next, root);
            parent = next;
        }
        set(parent, steps.getLast(), value, root);
        return root;
    }

    /** A container's own copy holding the same children; anything else as it is (it is never written into). */
    private static JsonNode shallowCopy(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            object.properties().forEach(field -> copy.set(field.getKey(), field.getValue()));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(array.size());
            array.forEach(copy::add);
            return copy;
        }
        return node;
    }

    /** The steps of a reference path: field names (String) and array indexes (Integer). */
    private static List<Object> steps(String referencePath) {
        List<Object> steps = new ArrayList<>();
        Matcher matcher = REFERENCE_STEP.matcher(referencePath.substring(1));
        while (matcher.find()) {
            if (matcher.group(3) != null) {
                steps.add(Integer.parseInt(matcher.group(3)));
            } else {
                steps.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
            }
        }
        return steps;
    }

    private static void set(JsonNode parent, Object step, JsonNode value, JsonNode input) {
        if (step instanceof String field && parent instanceof ObjectNode object) {
            object.set(field, value);
        } else if (step instanceof Integer index && parent instanceof ArrayNode array) {
            while (array.size() <= index) {
                array.addNull();
            }
            array.set(index, value);
        } else {
            throw RuntimeFailure.referencePathConflict(String.valueOf(step), input);
        }
    }

    static String abbreviate(JsonNode node) {
        String text = node == null ? "null" : node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
