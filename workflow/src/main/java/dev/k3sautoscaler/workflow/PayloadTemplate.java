package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parameters / ResultSelector: copies the template, replacing each {@code "key.$": "<path or intrinsic>"}
 * with {@code "key": <value>}.
 */
final class PayloadTemplate {
    private PayloadTemplate() {
    }

    static JsonNode apply(JsonNode template, JsonNode input, JsonNode context) {
        if (template instanceof ObjectNode object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                String key = field.getKey();
                if (key.endsWith(".$")) {
                    String expression = field.getValue().asText();
                    JsonNode value = Intrinsics.isIntrinsic(expression)
                            ? Intrinsics.evaluate(expression, input, context)
                            : Paths.read(expression, input, context);
                    out.set(key.substring(0, key.length() - 2), value);
                } else {
                    out.set(key, apply(field.getValue(), input, context));
                }
            }
            return out;
        }
        if (template instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(item -> out.add(apply(item, input, context)));
            return out;
        }
        return template.deepCopy();
    }

    /** Load-time problems: a {@code .$} value that is neither a path nor a supported intrinsic. */
    static List<String> check(JsonNode template, String where) {
        List<String> problems = new ArrayList<>();
        if (template instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (field.getKey().endsWith(".$")) {
                    String expression = field.getValue().asText();
                    if (Intrinsics.isIntrinsic(expression)) {
                        Intrinsics.check(expression).forEach(p -> problems.add(where + "." + field.getKey() + ": " + p));
                    } else if (!expression.startsWith("$")) {
                        problems.add(where + "." + field.getKey() + ": '" + expression + "' is neither a path nor an intrinsic");
                    }
                } else {
                    problems.addAll(check(field.getValue(), where + "." + field.getKey()));
                }
            }
        } else if (template instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                problems.addAll(check(array.get(i), where + "[" + i + "]"));
            }
        }
        return problems;
    }
}
