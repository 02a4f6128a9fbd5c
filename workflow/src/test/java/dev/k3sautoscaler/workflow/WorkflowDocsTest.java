package dev.k3sautoscaler.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.k3sautoscaler.workflow.catalogue.CatalogueRetries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/workflow.md shows each state machine as a diagram and a table of its states, generated from
 * the ASL so the page cannot drift from the definitions. This test renders both and requires the
 * page to hold exactly that between the machine's markers. After changing a definition, regenerate:
 * {@code ./autoscaler mvn -B -ntp -pl workflow -am verify -Dtest=WorkflowDocsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dworkflow.docs.write=true}.
 */
class WorkflowDocsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PAGE = Path.of("..", "docs", "workflow.md");
    /** Retried on every Task that has a Retry at all; the tables name only what a step retries beyond these. */
    private static final Set<String> ALWAYS_RETRIED = Set.of("Lambda.ServiceException", "Lambda.AWSLambdaException",
            "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout",
            "States.Timeout");
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z]+)Arn}");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tick", "actuation"})
    void page_showsEachMachine_asGeneratedFromItsDefinition(String machine) throws IOException {
        // GIVEN the definition and the page
        JsonNode definition = JSON.readTree(Path.of("asl", machine + ".asl.json").toFile());
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        String begin = "<!-- generated from workflow/asl/" + machine + ".asl.json by WorkflowDocsTest; do not edit -->\n";
        String end = "<!-- end of generated " + machine + " -->";
        int from = page.indexOf(begin);
        int to = page.indexOf(end);
        assertTrue(from >= 0 && to > from, "docs/workflow.md needs the markers " + begin.strip() + " … " + end);

        // WHEN the diagram and the table are rendered (the actuation in its parts, each readable on one screen)
        String generated = "actuation".equals(machine) ? renderInParts(definition, ACTUATION_PARTS) : render(definition);

        // THEN the page holds exactly them (or is rewritten on request)
        String current = page.substring(from + begin.length(), to);
        if (Boolean.getBoolean("workflow.docs.write") && !current.equals(generated)) {
            Files.writeString(PAGE, page.substring(0, from + begin.length()) + generated + page.substring(to), StandardCharsets.UTF_8);
            return;
        }
        assertEquals(generated, current, "docs/workflow.md is out of date for " + machine + ".asl.json; regenerate it"
                + " with -Dworkflow.docs.write=true (see this test's javadoc)");
    }

    @org.junit.jupiter.api.Test
    void aMapsOwnStates_getRowsAfterIt_namedByTheirPath() {
        JsonNode definition = JSON.createObjectNode().set("States", JSON.valueToTree(Map.of(
                "DrainEach", Map.of("Type", "Map", "End", true, "ItemProcessor", Map.of("StartAt", "DrainNode", "States", Map.of(
                        "DrainNode", Map.of("Type", "Task", "Resource", "${DrainNodeArn}", "TimeoutSeconds", 60, "End", true)))))));

        String table = render(definition);

        assertTrue(table.contains("| `DrainEach` | Map |"), table);
        assertTrue(table.contains("| `DrainEach/DrainNode` | Task | DrainNode | `"), table);
        assertTrue(table.indexOf("`DrainEach/DrainNode`") > table.indexOf("`DrainEach`"), table);
    }

    /**
     * A part of a machine: a title and the states it starts at. Each state belongs to the first part
     * (in this order) that reaches it without passing another part's entry.
     */
    record Part(String title, List<String> entries) {
    }

    /** The actuation read in parts; the release, notice and failure states come first so every path ends there. */
    static final List<Part> ACTUATION_PARTS = List.of(
            new Part("Entry and operator controls", List.of("InputHasTrigger?")),
            new Part("Deciding under the lock", List.of("AcquireLock")),
            new Part("Scale-up", List.of("LaunchWorkers")),
            new Part("Scale-down", List.of("SelectScaleDownTarget")),
            new Part("Spot interruption", List.of("CordonInterruptedNode")),
            new Part("Release, notice and failure", List.of("ReleaseLock", "RecordFailure", "RecordLeaseLost",
                    "ReleaseLockAfterAcquireFailure")));

    static String render(JsonNode definition) {
        List<String> names = new ArrayList<>();
        definition.get("States").fieldNames().forEachRemaining(names::add);
        return diagramAndTable(definition.get("States"), names, Map.of());
    }

    static String renderInParts(JsonNode definition, List<Part> parts) {
        JsonNode states = definition.get("States");
        Map<String, Part> partOf = new HashMap<>();
        Set<String> entries = new java.util.HashSet<>();
        parts.forEach(part -> entries.addAll(part.entries()));
        for (Part part : parts.reversed()) {
            java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(part.entries());
            while (!queue.isEmpty()) {
                String name = queue.poll();
                if (partOf.containsKey(name) || (entries.contains(name) && !part.entries().contains(name))) {
                    continue;
                }
                partOf.put(name, part);
                queue.addAll(successors(states.get(name)));
            }
        }
        List<String> unplaced = new ArrayList<>();
        states.fieldNames().forEachRemaining(name -> {
            if (!partOf.containsKey(name)) {
                unplaced.add(name);
            }
        });
        assertEquals(List.of(), unplaced, "states no part reaches");
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            List<String> names = new ArrayList<>();
            states.fieldNames().forEachRemaining(name -> {
                if (partOf.get(name) == part) {
                    names.add(name);
                }
            });
            Map<String, String> elsewhere = new HashMap<>();
            partOf.forEach((name, other) -> {
                if (other != part) {
                    elsewhere.put(name, other.title());
                }
            });
            out.append("#### ").append(part.title()).append("\n\n").append(diagramAndTable(states, names, elsewhere)).append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }

    private static List<String> successors(JsonNode state) {
        List<String> next = new ArrayList<>();
        if (state.has("Next")) {
            next.add(state.get("Next").asText());
        }
        state.path("Choices").forEach(rule -> next.add(rule.get("Next").asText()));
        if (state.has("Default")) {
            next.add(state.get("Default").asText());
        }
        state.path("Catch").forEach(handler -> next.add(handler.get("Next").asText()));
        return next;
    }

    /**
     * The diagram and table of these states; a transition to a state of another part ends in a
     * box naming that state and its part.
     */
    private static String diagramAndTable(JsonNode states, List<String> names, Map<String, String> elsewhere) {
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        names.forEach(name -> ids.put(name, "s" + ids.size()));
        StringBuilder out = new StringBuilder("```mermaid\nflowchart TD\n");
        for (String name : names) {
            out.append("    ").append(ids.get(name)).append(shape(name, states.get(name))).append('\n');
        }
        Map<String, String> outside = new java.util.LinkedHashMap<>();
        java.util.function.Function<String, String> id = target -> ids.containsKey(target) ? ids.get(target)
                : outside.computeIfAbsent(target, t -> "x" + outside.size());
        StringBuilder edges = new StringBuilder();
        for (String name : names) {
            JsonNode state = states.get(name);
            String from = ids.get(name);
            if (state.has("Next")) {
                edges.append("    ").append(from).append(" --> ").append(id.apply(state.get("Next").asText())).append('\n');
            }
            for (JsonNode rule : state.path("Choices")) {
                edges.append("    ").append(from).append(" -- \"").append(condition(rule)).append("\" --> ")
                        .append(id.apply(rule.get("Next").asText())).append('\n');
            }
            if (state.has("Default")) {
                edges.append("    ").append(from).append(" -- \"otherwise\" --> ").append(id.apply(state.get("Default").asText())).append('\n');
            }
            for (JsonNode handler : state.path("Catch")) {
                edges.append("    ").append(from).append(" -. \"").append(errors(handler.get("ErrorEquals"))).append("\" .-> ")
                        .append(id.apply(handler.get("Next").asText())).append('\n');
            }
        }
        outside.forEach((target, outsideId) -> out.append("    ").append(outsideId).append("[[\"").append(target)
                .append(" — ").append(elsewhere.get(target)).append("\"]]\n"));
        out.append(edges);
        out.append("```\n\n| State | Type | Lambda / service | Handler (module) | What it does | Errors |\n|---|---|---|---|---|---|\n");
        // A Map state's own states follow its row, named by their path (Map/State).
        List<StateMachine.StateEntry> nested = StateMachine.allStates(JSON.createObjectNode().set("States", states)).stream()
                .filter(entry -> !entry.maps().isEmpty()).toList();
        for (String name : names) {
            row(out, name, states.get(name));
            nested.stream().filter(entry -> entry.maps().getFirst().equals(name)).forEach(entry -> row(out, entry.path(), entry.state()));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, JsonNode state) {
        out.append("| `").append(name).append("` | ").append(state.get("Type").asText()).append(" | ")
                .append(service(state)).append(" | ").append(handler(state)).append(" | ").append(does(state))
                .append(" | ").append(handling(state)).append(" |\n");
    }

    private static String shape(String name, JsonNode state) {
        String type = state.get("Type").asText();
        if ("Choice".equals(type)) {
            return "{\"" + name + "\"}";
        }
        if ("Wait".equals(type)) {
            return "[/\"" + name + "\"/]";
        }
        boolean terminal = state.path("End").asBoolean(false) || "Fail".equals(type) || "Succeed".equals(type);
        return terminal ? "([\"" + name + "\"])" : "[\"" + name + "\"]";
    }

    private static String condition(JsonNode rule) {
        if (rule.has("And")) {
            return conditions(rule.get("And"), " and ");
        }
        if (rule.has("Or")) {
            return "(" + conditions(rule.get("Or"), " or ") + ")";
        }
        if (rule.has("Not")) {
            return "not " + condition(rule.get("Not"));
        }
        String variable = rule.path("Variable").asText().replaceFirst("^\\$\\.?", "");
        Iterator<Map.Entry<String, JsonNode>> fields = rule.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "Variable", "Next" -> {
                }
                case "IsPresent" -> {
                    return variable + (field.getValue().asBoolean() ? " present" : " absent");
                }
                case "IsString", "IsNumeric", "IsBoolean", "IsNull", "IsTimestamp" -> {
                    return variable + (field.getValue().asBoolean() ? " is " : " is not ")
                            + field.getKey().substring(2).toLowerCase(java.util.Locale.ROOT);
                }
                default -> {
                    String value = field.getValue().isTextual() ? "'" + field.getValue().asText() + "'" : field.getValue().toString();
                    return variable + " " + operator(field.getKey()) + " " + value;
                }
            }
        }
        return variable;
    }

    /** {@code NumericLessThanEquals} → {@code ≤}; every *Equals comparison is {@code =}. */
    private static String operator(String comparison) {
        if (comparison.endsWith("GreaterThanEquals")) {
            return "≥";
        }
        if (comparison.endsWith("LessThanEquals")) {
            return "≤";
        }
        if (comparison.endsWith("GreaterThan")) {
            return ">";
        }
        if (comparison.endsWith("LessThan")) {
            return "<";
        }
        return "=";
    }

    /** A presence test that only guards a comparison of the same field says nothing to a reader: left out. */
    private static String conditions(JsonNode rules, String separator) {
        List<String> parts = new ArrayList<>();
        for (JsonNode rule : rules) {
            boolean guard = rule.path("IsPresent").asBoolean(false) && java.util.stream.StreamSupport.stream(rules.spliterator(), false)
                    .anyMatch(other -> other != rule && tests(other, rule.get("Variable")));
            if (!guard) {
                parts.add(condition(rule));
            }
        }
        return String.join(separator, parts);
    }

    private static boolean tests(JsonNode rule, JsonNode variable) {
        if (variable.equals(rule.get("Variable"))) {
            return true;
        }
        for (String combinator : List.of("And", "Or")) {
            for (JsonNode inner : rule.path(combinator)) {
                if (tests(inner, variable)) {
                    return true;
                }
            }
        }
        return rule.has("Not") && tests(rule.get("Not"), variable);
    }

    private static String errors(JsonNode names) {
        List<String> simple = new ArrayList<>();
        names.forEach(name -> simple.add(name.asText().substring(name.asText().lastIndexOf('.') + 1)));
        return String.join(", ", simple);
    }

    private static String service(JsonNode state) {
        String resource = state.path("Resource").asText("");
        Matcher lambda = SUBSTITUTION.matcher(resource);
        if (lambda.matches()) {
            return lambda.group(1);
        }
        return switch (resource) {
            case "" -> "";
            case "arn:aws:states:::states:startExecution" -> "StartExecution";
            case "arn:aws:states:::sns:publish" -> "SNS Publish";
            default -> resource;
        };
    }

    /** One hop from a console state name to its code: the handler class and the module it is built in. */
    private static String handler(JsonNode state) {
        return CatalogueRetries.stepOf(state).map(step -> "`" + step.handler().substring(step.handler().lastIndexOf('.') + 1)
                + "` (" + step.module().artifact() + ")").orElse("");
    }

    private static String does(JsonNode state) {
        if (state.has("Comment")) {
            return state.get("Comment").asText();
        }
        if (!state.has("Choices")) {
            return "";
        }
        List<String> routes = new ArrayList<>();
        for (JsonNode rule : state.get("Choices")) {
            routes.add(rule.path("Variable").asText().replaceFirst("^\\$\\.", "") + " → `" + rule.get("Next").asText() + "`");
        }
        routes.add("otherwise → `" + state.get("Default").asText() + "`");
        return String.join("; ", routes);
    }

    private static String handling(JsonNode state) {
        if (!"Task".equals(state.get("Type").asText())) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        parts.add(state.path("TimeoutSeconds").asInt() + " s");
        Set<String> retried = new LinkedHashSet<>();
        state.path("Retry").forEach(retry -> retry.get("ErrorEquals").forEach(error -> retried.add(error.asText())));
        retried.removeAll(ALWAYS_RETRIED);
        if (!retried.isEmpty()) {
            List<String> simple = new ArrayList<>();
            retried.forEach(error -> simple.add(error.substring(error.lastIndexOf('.') + 1)));
            parts.add("retry: " + String.join(", ", simple));
        }
        for (JsonNode handler : state.path("Catch")) {
            parts.add(errors(handler.get("ErrorEquals")) + " → `" + handler.get("Next").asText() + "`");
        }
        return String.join("; ", parts);
    }
}
