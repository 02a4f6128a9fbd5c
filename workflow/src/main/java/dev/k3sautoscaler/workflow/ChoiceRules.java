package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Evaluates Choice rules: every comparison operator of the ASL spec, And / Or / Not. */
final class ChoiceRules {
    private static final Set<String> TYPE_TESTS = Set.of("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp");
    private static final Set<String> COMPARISONS = Set.of(
            "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches",
            "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
            "BooleanEquals",
            "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals");

    private ChoiceRules() {
    }

    static boolean matches(JsonNode rule, JsonNode input, JsonNode context) {
        if (rule.has("And")) {
            for (JsonNode inner : rule.get("And")) {
                if (!matches(inner, input, context)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("Or")) {
            for (JsonNode inner : rule.get("Or")) {
                if (matches(inner, input, context)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("Not")) {
            return !matches(rule.get("Not"), input, context);
        }
        String variablePath = rule.get("Variable").asText();
        Map.Entry<String, JsonNode> operator = operatorOf(rule);
        String name = operator.getKey();
        if (name.equals("IsPresent")) {
            return Paths.isPresent(variablePath, input, context) == operator.getValue().asBoolean();
        }
        JsonNode variable = Paths.read(variablePath, input, context);
        if (TYPE_TESTS.contains(name)) {
            return typeTest(name, variable) == operator.getValue().asBoolean();
        }
        boolean isPath = name.endsWith("Path");
        String comparison = isPath ? name.substring(0, name.length() - 4) : name;
        JsonNode expected = isPath ? Paths.read(operator.getValue().asText(), input, context) : operator.getValue();
        return compare(comparison, variable, expected);
    }

    private static boolean typeTest(String name, JsonNode value) {
        return switch (name) {
            case "IsNull" -> value.isNull();
            case "IsNumeric" -> value.isNumber();
            case "IsString" -> value.isTextual();
            case "IsBoolean" -> value.isBoolean();
            case "IsTimestamp" -> value.isTextual() && timestamp(value) != null;
            default -> throw new IllegalStateException(name);
        };
    }

    /** A type mismatch is simply false, as in Step Functions. */
    private static boolean compare(String comparison, JsonNode variable, JsonNode expected) {
        if (comparison.startsWith("String")) {
            if (!variable.isTextual() || !expected.isTextual()) {
                return false;
            }
            if (comparison.equals("StringMatches")) {
                return globMatches(expected.asText(), variable.asText());
            }
            return ordered(comparison.substring(6), variable.asText().compareTo(expected.asText()));
        }
        if (comparison.startsWith("Numeric")) {
            if (!variable.isNumber() || !expected.isNumber()) {
                return false;
            }
            return ordered(comparison.substring(7), variable.decimalValue().compareTo(expected.decimalValue()));
        }
        if (comparison.equals("BooleanEquals")) {
            return variable.isBoolean() && expected.isBoolean() && variable.asBoolean() == expected.asBoolean();
        }
        Instant left = timestamp(variable);
        Instant right = timestamp(expected);
        if (left == null || right == null) {
            return false;
        }
        return ordered(comparison.substring(9), left.compareTo(right));
    }

    private static boolean ordered(String relation, int sign) {
        return switch (relation) {
            case "Equals" -> sign == 0;
            case "LessThan" -> sign < 0;
            case "GreaterThan" -> sign > 0;
            case "LessThanEquals" -> sign <= 0;
            case "GreaterThanEquals" -> sign >= 0;
            default -> throw new IllegalStateException(relation);
        };
    }

    private static Instant timestamp(JsonNode value) {
        if (!value.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean globMatches(String glob, String value) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '\\' && i + 1 < glob.length()) {
                regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else if (c == '*') {
                regex.append(".*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return value.matches(regex.toString());
    }

    private static Map.Entry<String, JsonNode> operatorOf(JsonNode rule) {
        for (Map.Entry<String, JsonNode> field : rule.properties()) {
            if (!field.getKey().equals("Variable") && !field.getKey().equals("Next") && !field.getKey().equals("Comment")) {
                return field;
            }
        }
        throw new RuntimeFailure("choice rule without an operator: " + rule);
    }

    /** Load-time check of one rule (recursively). */
    static List<String> check(JsonNode rule, String where) {
        List<String> problems = new ArrayList<>();
        for (String combinator : List.of("And", "Or")) {
            if (rule.has(combinator)) {
                JsonNode inner = rule.get(combinator);
                for (int i = 0; i < inner.size(); i++) {
                    problems.addAll(check(inner.get(i), where + "." + combinator + "[" + i + "]"));
                }
                return problems;
            }
        }
        if (rule.has("Not")) {
            return check(rule.get("Not"), where + ".Not");
        }
        if (!rule.has("Variable")) {
            problems.add(where + ": a comparison needs a Variable");
            return problems;
        }
        List<String> operators = new ArrayList<>();
        rule.fieldNames().forEachRemaining(name -> {
            if (!name.equals("Variable") && !name.equals("Next") && !name.equals("Comment")) {
                operators.add(name);
            }
        });
        if (operators.size() != 1) {
            problems.add(where + ": expected exactly one operator, found " + operators);
        } else {
            String operator = operators.getFirst();
            String base = operator.endsWith("Path") ? operator.substring(0, operator.length() - 4) : operator;
            if (!TYPE_TESTS.contains(operator) && !COMPARISONS.contains(base)) {
                problems.add(where + ": operator " + operator + " is not supported");
            }
        }
        return problems;
    }
}
