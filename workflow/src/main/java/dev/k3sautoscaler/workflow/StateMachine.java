package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loaded ASL definition (JSONPath query language). Loading applies the
 * {@code definitionSubstitutions} exactly as CDK does ({@code ${Name}} → value) and checks every
 * state against what this executor implements: anything unknown — a state type, a field, an
 * operator, an intrinsic, a dangling Next — fails here, so a local run can never quietly behave
 * differently from Step Functions.
 */
public final class StateMachine {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final Set<String> TOP_LEVEL = Set.of("Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage");
    private static final Set<String> COMMON = Set.of("Type", "Comment");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Task", Set.of("Resource", "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector",
                    "ResultPath", "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds"),
            "Pass", Set.of("Next", "End", "InputPath", "OutputPath", "Parameters", "Result", "ResultPath"),
            "Choice", Set.of("Choices", "Default", "InputPath", "OutputPath"),
            "Wait", Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
            "Succeed", Set.of("InputPath", "OutputPath"),
            "Fail", Set.of("Error", "Cause", "ErrorPath", "CausePath"));
    private static final Set<String> RETRY_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
            "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCH_FIELDS = Set.of("ErrorEquals", "Next", "ResultPath", "Comment");

    private final String name;
    private final JsonNode definition;
    private final Map<String, JsonNode> states;

    private StateMachine(String name, JsonNode definition) {
        this.name = name;
        this.definition = definition;
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        definition.get("States").properties().forEach(e -> byName.put(e.getKey(), e.getValue()));
        this.states = Map.copyOf(byName);
    }

    public static StateMachine load(String name, String definitionJson, Map<String, String> substitutions) {
        List<String> problems = new ArrayList<>();
        Matcher matcher = SUBSTITUTION.matcher(definitionJson);
        StringBuilder substituted = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1);
            String value = substitutions.get(key);
            if (value == null) {
                problems.add("no substitution for ${" + key + "}");
                value = matcher.group();
            }
            matcher.appendReplacement(substituted, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(substituted);
        JsonNode definition;
        try {
            definition = MAPPER.readTree(substituted.toString());
        } catch (JsonProcessingException e) {
            throw new UnsupportedDefinition(name, List.of("not valid JSON: " + e.getOriginalMessage()));
        }
        problems.addAll(check(definition));
        if (!problems.isEmpty()) {
            throw new UnsupportedDefinition(name, problems);
        }
        return new StateMachine(name, definition);
    }

    public static StateMachine load(Path file, Map<String, String> substitutions) {
        try {
            String fileName = file.getFileName().toString();
            return load(fileName.replace(".asl.json", ""), Files.readString(file), substitutions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String startAt() {
        return definition.get("StartAt").asText();
    }

    JsonNode state(String stateName) {
        return states.get(stateName);
    }

    public Set<String> stateNames() {
        return states.keySet();
    }

    /** Lambda ARNs and other resources the Task states call. */
    public Set<String> taskResources() {
        Set<String> resources = new HashSet<>();
        states.values().forEach(s -> {
            if ("Task".equals(s.path("Type").asText())) {
                resources.add(s.get("Resource").asText());
            }
        });
        return resources;
    }

    private static List<String> check(JsonNode definition) {
        List<String> problems = new ArrayList<>();
        if (!definition.isObject()) {
            return List.of("the definition must be a JSON object");
        }
        definition.fieldNames().forEachRemaining(field -> {
            if (!TOP_LEVEL.contains(field)) {
                problems.add("top-level field " + field + " is not supported");
            }
        });
        if (definition.has("QueryLanguage") && !"JSONPath".equals(definition.get("QueryLanguage").asText())) {
            problems.add("only the JSONPath query language is supported");
        }
        JsonNode states = definition.path("States");
        if (!states.isObject() || states.isEmpty()) {
            problems.add("States is missing or empty");
            return problems;
        }
        if (!states.has(definition.path("StartAt").asText())) {
            problems.add("StartAt '" + definition.path("StartAt").asText() + "' is not a state");
        }
        states.properties().forEach(entry -> problems.addAll(checkState(entry.getKey(), entry.getValue(), states)));
        return problems;
    }

    private static List<String> checkState(String stateName, JsonNode state, JsonNode states) {
        List<String> problems = new ArrayList<>();
        String where = "state '" + stateName + "'";
        String type = state.path("Type").asText();
        Set<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            problems.add(where + ": type " + (type.isEmpty() ? "(missing)" : type) + " is not supported");
            return problems;
        }
        state.fieldNames().forEachRemaining(field -> {
            if (!COMMON.contains(field) && !allowed.contains(field)) {
                problems.add(where + ": field " + field + " is not supported on a " + type + " state");
            }
        });
        if (allowed.contains("Next") && state.has("Next") == state.path("End").asBoolean(false)) {
            problems.add(where + ": needs exactly one of Next or End");
        }
        checkTarget(where + ".Next", state.path("Next"), states, problems);
        checkTarget(where + ".Default", state.path("Default"), states, problems);
        for (String template : List.of("Parameters", "ResultSelector")) {
            if (state.has(template)) {
                problems.addAll(PayloadTemplate.check(state.get(template), where + "." + template));
            }
        }
        for (String path : List.of("ResultPath")) {
            if (state.hasNonNull(path) && !Paths.isReferencePath(state.get(path).asText())) {
                problems.add(where + ": " + path + " " + state.get(path).asText() + " is not a reference path");
            }
        }
        JsonNode choices = state.path("Choices");
        for (int i = 0; i < choices.size(); i++) {
            problems.addAll(ChoiceRules.check(choices.get(i), where + ".Choices[" + i + "]"));
            checkTarget(where + ".Choices[" + i + "].Next", choices.get(i).path("Next"), states, problems);
        }
        if ("Choice".equals(type) && choices.isEmpty()) {
            problems.add(where + ": a Choice needs Choices");
        }
        checkList(state.path("Retry"), RETRY_FIELDS, where + ".Retry", problems);
        checkList(state.path("Catch"), CATCH_FIELDS, where + ".Catch", problems);
        JsonNode catchers = state.path("Catch");
        for (int i = 0; i < catchers.size(); i++) {
            checkTarget(where + ".Catch[" + i + "].Next", catchers.get(i).path("Next"), states, problems);
        }
        JsonNode retriers = state.path("Retry");
        for (int i = 0; i < retriers.size(); i++) {
            String jitter = retriers.get(i).path("JitterStrategy").asText("NONE");
            if (!jitter.equals("NONE") && !jitter.equals("FULL")) {
                problems.add(where + ".Retry[" + i + "]: JitterStrategy " + jitter + " is not FULL or NONE");
            }
        }
        if ("Wait".equals(type) && Set.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath").stream().filter(state::has).count() != 1) {
            problems.add(where + ": a Wait needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
        }
        return problems;
    }

    private static void checkList(JsonNode list, Set<String> allowed, String where, List<String> problems) {
        for (int i = 0; i < list.size(); i++) {
            int index = i;
            list.get(i).fieldNames().forEachRemaining(field -> {
                if (!allowed.contains(field)) {
                    problems.add(where + "[" + index + "]: field " + field + " is not supported");
                }
            });
            if (!list.get(i).has("ErrorEquals")) {
                problems.add(where + "[" + i + "]: ErrorEquals is required");
            }
        }
    }

    private static void checkTarget(String where, JsonNode target, JsonNode states, List<String> problems) {
        if (!target.isMissingNode() && !states.has(target.asText())) {
            problems.add(where + " → '" + target.asText() + "' is not a state");
        }
    }
}
