package dev.k3sautoscaler.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The ASL intrinsic functions our definitions use, parsed from their text
 * ({@code States.Format('scale-up-{}', $.decision.count)}). An unknown function is rejected at
 * load by {@link #check(String)}, not at run time.
 */
final class Intrinsics {
    static final Set<String> SUPPORTED = Set.of("States.Format", "States.StringToJson", "States.JsonToString",
            "States.Array", "States.ArrayLength", "States.ArrayContains", "States.MathAdd", "States.UUID",
            "States.Hash", "States.ArrayGetItem");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Intrinsics() {
    }

    static boolean isIntrinsic(String expression) {
        return expression.startsWith("States.");
    }

    /** Problems with an intrinsic expression (unknown function, unbalanced text), empty when it is fine. */
    static List<String> check(String expression) {
        List<String> problems = new ArrayList<>();
        try {
            new Parser(expression, null, null, true).parseCall();
        } catch (IllegalArgumentException | RuntimeFailure e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static JsonNode evaluate(String expression, JsonNode input, JsonNode context) {
        return new Parser(expression, input, context, false).parseCall();
    }

    /** A small recursive-descent parser: call := Name '(' [arg (',' arg)*] ')'; arg := 'string' | number | path | call. */
    private static final class Parser {
        private final String text;
        private final JsonNode input;
        private final JsonNode context;
        private final boolean checkOnly;
        private int pos;

        Parser(String text, JsonNode input, JsonNode context, boolean checkOnly) {
            this.text = text;
            this.input = input;
            this.context = context;
            this.checkOnly = checkOnly;
        }

        JsonNode parseCall() {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String name = text.substring(start, pos);
            if (!SUPPORTED.contains(name)) {
                throw new IllegalArgumentException("intrinsic function " + name + " is not supported locally");
            }
            expect('(');
            List<JsonNode> args = new ArrayList<>();
            skipSpaces();
            if (peek() != ')') {
                do {
                    skipSpaces();
                    args.add(parseArgument());
                    skipSpaces();
                } while (consume(','));
            }
            expect(')');
            return checkOnly ? NODES.nullNode() : apply(name, args);
        }

        private JsonNode parseArgument() {
            char c = peek();
            if (c == '\'') {
                return NODES.textNode(parseString());
            }
            if (c == '$') {
                int start = pos;
                int depth = 0;
                while (pos < text.length()) {
                    char ch = text.charAt(pos);
                    if (ch == '[' || ch == '(') {
                        depth++;
                    } else if (ch == ']' || ch == ')') {
                        if (depth == 0) {
                            break;
                        }
                        depth--;
                    } else if (ch == ',' && depth == 0) {
                        break;
                    }
                    pos++;
                }
                String path = text.substring(start, pos).strip();
                return checkOnly ? NODES.nullNode() : Paths.read(path, input, context);
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = pos;
                pos++;
                while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
                    pos++;
                }
                String number = text.substring(start, pos);
                return number.contains(".") ? NODES.numberNode(Double.parseDouble(number)) : NODES.numberNode(Long.parseLong(number));
            }
            if (text.startsWith("true", pos) || text.startsWith("false", pos) || text.startsWith("null", pos)) {
                String word = text.startsWith("true", pos) ? "true" : text.startsWith("false", pos) ? "false" : "null";
                pos += word.length();
                return "null".equals(word) ? NODES.nullNode() : NODES.booleanNode(Boolean.parseBoolean(word));
            }
            return parseCall();
        }

        private String parseString() {
            expect('\'');
            StringBuilder value = new StringBuilder();
            while (pos < text.length() && text.charAt(pos) != '\'') {
                char ch = text.charAt(pos++);
                if (ch == '\\' && pos < text.length()) {
                    ch = text.charAt(pos++);
                }
                value.append(ch);
            }
            expect('\'');
            return value.toString();
        }

        private char peek() {
            if (pos >= text.length()) {
                throw new IllegalArgumentException("intrinsic " + text + " ends too early");
            }
            return text.charAt(pos);
        }

        private boolean consume(char c) {
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            skipSpaces();
            if (!consume(c)) {
                throw new IllegalArgumentException("intrinsic " + text + ": expected '" + c + "' at " + pos);
            }
        }

        private void skipSpaces() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }
    }

    private static JsonNode apply(String name, List<JsonNode> args) {
        return switch (name) {
            case "States.Format" -> format(args);
            case "States.StringToJson" -> parseJson(text(args, 0, name));
            case "States.JsonToString" -> NODES.textNode(args.getFirst().toString());
            case "States.Array" -> {
                ArrayNode array = NODES.arrayNode();
                args.forEach(array::add);
                yield array;
            }
            case "States.ArrayLength" -> NODES.numberNode(array(args, 0, name).size());
            case "States.ArrayContains" -> {
                boolean found = false;
                for (JsonNode item : array(args, 0, name)) {
                    found |= item.equals(args.get(1));
                }
                yield NODES.booleanNode(found);
            }
            case "States.ArrayGetItem" -> array(args, 0, name).get(args.get(1).asInt());
            case "States.MathAdd" -> NODES.numberNode(number(args, 0, name) + number(args, 1, name));
            case "States.UUID" -> NODES.textNode(UUID.randomUUID().toString());
            case "States.Hash" -> NODES.textNode(hash(text(args, 0, name), text(args, 1, name)));
            default -> throw new RuntimeFailure("intrinsic " + name + " is not supported locally");
        };
    }

    private static JsonNode format(List<JsonNode> args) {
        String template = args.getFirst().asText();
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < template.length(); i++) {
            if (template.startsWith("{}", i)) {
                if (next >= args.size()) {
                    throw new RuntimeFailure("States.Format: more {} than arguments in '" + template + "'");
                }
                JsonNode arg = args.get(next++);
                out.append(arg.isTextual() ? arg.asText() : arg.toString());
                i++;
            } else {
                out.append(template.charAt(i));
            }
        }
        return NODES.textNode(out.toString());
    }

    private static JsonNode parseJson(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RuntimeFailure("States.StringToJson: not JSON: " + json);
        }
    }

    private static String hash(String data, String algorithm) {
        String javaName = switch (algorithm) {
            case "MD5" -> "MD5";
            case "SHA-1" -> "SHA-1";
            case "SHA-256" -> "SHA-256";
            case "SHA-384" -> "SHA-384";
            case "SHA-512" -> "SHA-512";
            default -> throw new RuntimeFailure("States.Hash: unknown algorithm " + algorithm);
        };
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(javaName).digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(List<JsonNode> args, int index, String name) {
        JsonNode arg = argument(args, index, name);
        if (!arg.isTextual()) {
            throw new RuntimeFailure(name + ": argument " + (index + 1) + " must be a string, got " + arg);
        }
        return arg.asText();
    }

    private static ArrayNode array(List<JsonNode> args, int index, String name) {
        JsonNode arg = argument(args, index, name);
        if (!(arg instanceof ArrayNode array)) {
            throw new RuntimeFailure(name + ": argument " + (index + 1) + " must be an array, got " + arg);
        }
        return array;
    }

    private static long number(List<JsonNode> args, int index, String name) {
        JsonNode arg = argument(args, index, name);
        if (!arg.isIntegralNumber()) {
            throw new RuntimeFailure(name + ": argument " + (index + 1) + " must be an integer, got " + arg);
        }
        return arg.asLong();
    }

    private static JsonNode argument(List<JsonNode> args, int index, String name) {
        if (index >= args.size()) {
            throw new RuntimeFailure(name + " needs at least " + (index + 1) + " arguments");
        }
        return args.get(index);
    }
}
