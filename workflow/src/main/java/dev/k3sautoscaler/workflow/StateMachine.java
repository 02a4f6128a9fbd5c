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
            "Map", Set.of("Next", "End", "InputPath", "OutputPath", "ItemsPath", "ItemSelector", "Parameters", "ItemProcessor",
                    "Iterator", "MaxConcurrency", "ResultPath", "ResultSelector", "Retry", "Catch"),
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
    /** Fields of a Map state that only its distributed mode has (child executions, S3 input and output). */
    private static final Set<String> DISTRIBUTED_ONLY = Set.of("ItemReader", "ResultWriter", "ItemBatcher", "Label",
            "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath");
    private static final Set<String> PROCESSOR_FIELDS = Set.of("StartAt", "States", "Comment", "ProcessorConfig");

    private final String name;
    private final JsonNode definition;
    private final Map<String, JsonNode> states;
    /** The item processor of each Map state of this level, by the Map state's name. */
    private final Map<String, StateMachine> processors;

    /** @param definition the whole definition, or a Map state's item processor (its own StartAt and States) */
    private StateMachine(String name, JsonNode definition) {
        this.name = name;
        this.definition = definition;
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        Map<String, StateMachine> nested = new LinkedHashMap<>();
        definition.get("States").properties().forEach(e -> {
            byName.put(e.getKey(), e.getValue());
            if ("Map".equals(e.getValue().path("Type").asText())) {
                nested.put(e.getKey(), new StateMachine(name, processorOf(e.getValue())));
            }
        });
        this.states = Map.copyOf(byName);
        this.processors = Map.copyOf(nested);
    }

    /** A state and where it sits: the Map states it is nested in, outermost first (none at the top level). */
    public record StateEntry(List<String> maps, String name, JsonNode state) {
        public StateEntry {
            maps = List.copyOf(maps);
        }

        /** {@code Name} at the top level, {@code Outer/Inner/Name} inside Map states. */
        public String path() {
            return maps.isEmpty() ? name : String.join("/", maps) + "/" + name;
        }

        public String type() {
            return state.path("Type").asText();
        }
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

    /** The states a Map state of this level runs for each item. */
    StateMachine processor(String mapState) {
        return processors.get(mapState);
    }

    /** Every state of this machine, the ones inside Map states included, each with its path (copies: changing them changes nothing here). */
    public List<StateEntry> allStates() {
        return allStates(definition.deepCopy());
    }

    /**
     * Every state of a definition (also one not loaded, with its {@code ${…}} still in it), in document
     * order, each Map state followed by the states of its item processor ({@code ItemProcessor} or the
     * legacy {@code Iterator}), at any depth. The nodes are the definition's own.
     */
    public static List<StateEntry> allStates(JsonNode definition) {
        List<StateEntry> entries = new ArrayList<>();
        collect(definition, List.of(), entries);
        return entries;
    }

    private static void collect(JsonNode definition, List<String> maps, List<StateEntry> entries) {
        definition.path("States").properties().forEach(e -> {
            entries.add(new StateEntry(maps, e.getKey(), e.getValue()));
            JsonNode processor = processorOf(e.getValue());
            if ("Map".equals(e.getValue().path("Type").asText()) && processor.isObject()) {
                List<String> inner = new ArrayList<>(maps);
                inner.add(e.getKey());
                collect(processor, inner, entries);
            }
        });
    }

    private static JsonNode processorOf(JsonNode mapState) {
        return mapState.has("ItemProcessor") ? mapState.get("ItemProcessor") : mapState.path("Iterator");
    }

    public Set<String> stateNames() {
        return states.keySet();
    }

    /** Lambda ARNs and other resources the Task states call, inside Map states too. */
    public Set<String> taskResources() {
        Set<String> resources = new HashSet<>();
        allStates(definition).forEach(s -> {
            if ("Task".equals(s.type())) {
                resources.add(s.state().get("Resource").asText());
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
        problems.addAll(checkStates(definition, List.of()));
        return problems;
    }

    /**
     * StartAt and every state of one level: the top level ({@code maps} empty) or a Map state's item
     * processor, whose problems name the Map states around them, innermost first.
     */
    private static List<String> checkStates(JsonNode definition, List<String> maps) {
        List<String> problems = new ArrayList<>();
        String in = in(maps);
        JsonNode states = definition.path("States");
        if (!states.isObject() || states.isEmpty()) {
            problems.add("States is missing or empty" + in);
            return problems;
        }
        if (!states.has(definition.path("StartAt").asText())) {
            problems.add("StartAt '" + definition.path("StartAt").asText() + "' is not a state" + in);
        }
        states.properties().forEach(entry -> problems.addAll(checkState(entry.getKey(), entry.getValue(), states, maps)));
        return problems;
    }

    /** Where a nested state sits, for a problem's text: {@code  (in Map 'Inner' in Map 'Outer')}; empty at the top level. */
    private static String in(List<String> maps) {
        if (maps.isEmpty()) {
            return "";
        }
        List<String> innermostFirst = new ArrayList<>();
        maps.reversed().forEach(map -> innermostFirst.add("Map '" + map + "'"));
        return " (in " + String.join(" in ", innermostFirst) + ")";
    }

    private static List<String> checkState(String stateName, JsonNode state, JsonNode states, List<String> maps) {
        List<String> problems = new ArrayList<>();
        String where = "state '" + stateName + "'" + in(maps);
        String type = state.path("Type").asText();
        Set<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            problems.add(where + ": type " + (type.isEmpty() ? "(missing)" : type) + " is not supported");
            return problems;
        }
        state.fieldNames().forEachRemaining(field -> {
            if (!COMMON.contains(field) && !allowed.contains(field)) {
                problems.add(where + ": field " + field + " is not supported on a " + type + " state"
                        + ("Map".equals(type) && DISTRIBUTED_ONLY.contains(field) ? " (distributed mode does not run locally)" : ""));
            }
        });
        if (allowed.contains("Next") && state.has("Next") == state.path("End").asBoolean(false)) {
            problems.add(where + ": needs exactly one of Next or End");
        }
        checkTarget(where + ".Next", state.path("Next"), states, problems);
        checkTarget(where + ".Default", state.path("Default"), states, problems);
        for (String template : List.of("Parameters", "ResultSelector", "ItemSelector")) {
            if (state.has(template)) {
                problems.addAll(PayloadTemplate.check(state.get(template), where + "." + template));
            }
        }
        for (String path : List.of("ResultPath", "ItemsPath")) {
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
        if ("Map".equals(type)) {
            problems.addAll(checkMap(stateName, state, where, maps));
        }
        return problems;
    }

    /** A Map state's own fields and, as a level of its own, its item processor (inline mode only). */
    private static List<String> checkMap(String stateName, JsonNode state, String where, List<String> maps) {
        List<String> problems = new ArrayList<>();
        if (state.has("ItemSelector") && state.has("Parameters")) {
            problems.add(where + ": a Map takes ItemSelector or its legacy name Parameters, not both");
        }
        JsonNode maxConcurrency = state.path("MaxConcurrency");
        if (!maxConcurrency.isMissingNode() && (!maxConcurrency.isIntegralNumber() || maxConcurrency.asLong() < 0)) {
            problems.add(where + ": MaxConcurrency must be a non-negative integer, got " + maxConcurrency);
        }
        if (state.has("ItemProcessor") == state.has("Iterator")) {
            problems.add(where + ": a Map needs exactly one of ItemProcessor or Iterator");
            return problems;
        }
        String field = state.has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        JsonNode processor = state.get(field);
        if (!processor.isObject()) {
            problems.add(where + ": " + field + " must be an object");
            return problems;
        }
        processor.fieldNames().forEachRemaining(name -> {
            if (!PROCESSOR_FIELDS.contains(name) || (name.equals("ProcessorConfig") && field.equals("Iterator"))) {
                problems.add(where + "." + field + ": field " + name + " is not supported");
            }
        });
        JsonNode config = processor.path("ProcessorConfig");
        config.fieldNames().forEachRemaining(name -> {
            if (!name.equals("Mode")) {
                problems.add(where + "." + field + ".ProcessorConfig: field " + name + " is not supported");
            }
        });
        String mode = config.path("Mode").asText("INLINE");
        if (!mode.equals("INLINE")) {
            problems.add(where + ": ProcessorConfig Mode " + mode + " is not supported (only INLINE runs locally)");
        }
        List<String> inner = new ArrayList<>(maps);
        inner.add(stateName);
        problems.addAll(checkStates(processor, inner));
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
