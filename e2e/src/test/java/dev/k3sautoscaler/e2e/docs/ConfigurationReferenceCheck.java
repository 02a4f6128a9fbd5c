package dev.k3sautoscaler.e2e.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares what docs/configuration.md lists with what the code has. The page marks each checked
 * table with {@code <!-- check:NAME:start -->} … {@code <!-- check:NAME:end -->}; the names in a
 * table are the back-quoted words of each row's first cell (a cell may hold several, e.g.
 * {@code `AWS_REGION`, `AWS_DEFAULT_REGION`}).
 */
final class ConfigurationReferenceCheck {
    static final String ENVIRONMENT = "environment";
    static final String CDK_PROPS = "cdk-props";
    static final String CDK_CONTEXT = "cdk-context";

    private static final Pattern ROW = Pattern.compile("(?m)^\\|([^|\\n]*)\\|");
    private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");

    private ConfigurationReferenceCheck() {
    }

    /** The names of one marked table; an error when the markers are missing, so a renamed section cannot pass empty. */
    static Set<String> documented(String markdown, String table) {
        String start = "<!-- check:" + table + ":start -->";
        String end = "<!-- check:" + table + ":end -->";
        int from = markdown.indexOf(start);
        int to = markdown.indexOf(end);
        if (from < 0 || to < from) {
            throw new AssertionError("docs/configuration.md must mark the table '" + table + "' with " + start + " and " + end);
        }
        Set<String> names = new TreeSet<>();
        Matcher row = ROW.matcher(markdown.substring(from + start.length(), to));
        while (row.find()) {
            Matcher quoted = QUOTED.matcher(row.group(1));
            while (quoted.find()) {
                names.add(quoted.group(1).trim());
            }
        }
        return names;
    }

    /**
     * Empty when {@code documented} names exactly the keys of {@code inCode}; otherwise one line per
     * direction naming each difference (and, for a missing name, the file that has it).
     */
    static List<String> differences(String table, Set<String> documented, Map<String, String> inCode) {
        List<String> problems = new ArrayList<>();
        List<String> missing = inCode.keySet().stream().filter(n -> !documented.contains(n)).sorted()
                .map(n -> n + " (" + inCode.get(n) + ")").toList();
        List<String> unknown = documented.stream().filter(n -> !inCode.containsKey(n)).sorted().toList();
        if (!missing.isEmpty()) {
            problems.add("missing from the '" + table + "' table of docs/configuration.md: " + String.join(", ", missing));
        }
        if (!unknown.isEmpty()) {
            problems.add("listed in the '" + table + "' table of docs/configuration.md but not in the code: "
                    + String.join(", ", unknown));
        }
        return problems;
    }
}
