package dev.k3sautoscaler.testkit.ec2;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One EC2 Query API request as the SDK sends it: a form-encoded body of flattened names such as
 * {@code Filter.1.Name}, {@code Filter.1.Value.1}, {@code TagSpecification.1.Tag.2.Key}.
 */
public record QueryRequest(Map<String, String> params) {

    public static QueryRequest parse(String formBody) {
        Map<String, String> params = new LinkedHashMap<>();
        if (formBody != null && !formBody.isEmpty()) {
            for (String pair : formBody.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return new QueryRequest(Collections.unmodifiableMap(params));
    }

    public String action() {
        return params.get("Action");
    }

    public String get(String name) {
        return params.get(name);
    }

    public int integer(String name, int defaultValue) {
        String value = params.get(name);
        return value == null ? defaultValue : Integer.parseInt(value);
    }

    /** The values of {@code prefix.1}, {@code prefix.2}, … in order. */
    public List<String> list(String prefix) {
        List<String> values = new ArrayList<>();
        for (int i = 1; params.containsKey(prefix + "." + i); i++) {
            values.add(params.get(prefix + "." + i));
        }
        return values;
    }

    /** The indexes of the structures {@code prefix.N.*} present, in order. */
    public List<String> structures(String prefix) {
        List<String> found = new ArrayList<>();
        for (int i = 1; hasAnyUnder(prefix + "." + i + "."); i++) {
            found.add(prefix + "." + i);
        }
        return found;
    }

    private boolean hasAnyUnder(String prefix) {
        return params.keySet().stream().anyMatch(name -> name.startsWith(prefix));
    }
}
