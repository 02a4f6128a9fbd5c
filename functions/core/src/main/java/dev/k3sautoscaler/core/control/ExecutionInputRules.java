package dev.k3sautoscaler.core.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What an actuation execution accepts as input (docs/operations-manual-controls.md). Every problem
 * is reported at once, so an operator fixes a rejected request in one go. Pure: the ValidateInput
 * step hands it the parsed JSON (maps, lists, strings, numbers, booleans).
 */
public final class ExecutionInputRules {
    /** EC2 instance ids: {@code i-} and 8 (older ids) to 17 hexadecimal characters. */
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");
    /** A Node name is a DNS-1123 subdomain (Kubernetes object names). */
    private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NODE_NAME = 253;
    /** Long enough for an email address or an IAM role session; short enough for a console column. */
    static final int MAX_REQUESTED_BY = 128;
    /** One line in the event log and a Slack notice. */
    static final int MAX_REASON = 256;

    private ExecutionInputRules() {
    }

    /**
     * @param input      the execution input as parsed JSON (null or a non-object is a problem, not an exception)
     * @param maxWorkers MAX_WORKERS: a forced scale-up of more can never be honoured, so it is rejected here
     */
    public static ValidateInputOutput validate(Object input, int maxWorkers) {
        if (!(input instanceof Map<?, ?> fields)) {
            return ValidateInputOutput.rejected(List.of("the input must be a JSON object with a \"trigger\" field (one of "
                    + String.join(", ", Trigger.allValues()) + ")"));
        }
        List<String> problems = new ArrayList<>();
        Object triggerValue = fields.get("trigger");
        Trigger trigger = triggerValue instanceof String s ? Trigger.fromValue(s).orElse(null) : null;
        if (trigger == null) {
            problems.add(triggerValue == null
                    ? "trigger is required (one of " + String.join(", ", Trigger.allValues()) + ")"
                    : "trigger " + quoted(triggerValue) + " is not one of " + String.join(", ", Trigger.allValues()));
            return ValidateInputOutput.rejected(problems);
        }
        TreeSet<String> unknown = new TreeSet<>();
        for (Object key : fields.keySet()) {
            if (!"trigger".equals(key) && !trigger.fields().contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        }
        for (String field : unknown) {
            problems.add("unknown field \"" + field + "\" for trigger " + trigger.value() + " (accepted: "
                    + String.join(", ", new TreeSet<>(trigger.fields())) + ")");
        }

        String requestedBy = text(fields, "requestedBy", trigger.manual(), MAX_REQUESTED_BY, problems);
        boolean reasonRequired = trigger == Trigger.PAUSE || trigger == Trigger.BREAK_LOCK;
        String reason = trigger.fields().contains("reason") ? text(fields, "reason", reasonRequired, MAX_REASON, problems) : null;
        Integer count = trigger == Trigger.FORCE_SCALE_UP ? count(fields.get("count"), maxWorkers, problems) : null;
        String nodeName = trigger == Trigger.FORCE_SCALE_DOWN ? nodeName(fields.get("nodeName"), problems) : null;
        String instanceId = trigger.fields().contains("instanceId") ? instanceId(fields.get("instanceId"), problems) : null;
        if (!problems.isEmpty()) {
            return ValidateInputOutput.rejected(problems);
        }
        return ValidateInputOutput.accepted(new ControlRequest(trigger.value(), requestedBy, reason, count, nodeName,
                instanceId, summary(trigger, requestedBy, reason, count, nodeName, instanceId)));
    }

    private static String summary(Trigger trigger, String requestedBy, String reason, Integer count, String nodeName,
                                  String instanceId) {
        String what = switch (trigger) {
            case SCALE -> "scale cycle";
            case SPOT_INTERRUPTION -> "Spot interruption warning for " + instanceId;
            case REBALANCE -> "rebalance recommendation for " + instanceId;
            case FORCE_SCALE_UP -> "force-scale-up +" + count;
            case FORCE_SCALE_DOWN -> "force-scale-down of " + nodeName;
            case PAUSE -> "pause";
            case RESUME -> "resume";
            case BREAK_LOCK -> "break-lock";
        };
        return what + (requestedBy == null ? "" : " requested by " + requestedBy) + (reason == null ? "" : ": " + reason);
    }

    private static String text(Map<?, ?> fields, String name, boolean required, int maxLength, List<String> problems) {
        Object value = fields.get(name);
        if (value == null) {
            if (required) {
                problems.add(name + " is required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            problems.add(name + " must be a string, got " + quoted(value));
            return null;
        }
        String trimmed = s.strip();
        if (trimmed.isEmpty()) {
            if (required) {
                problems.add(name + " must not be blank");
            }
            return null;
        }
        if (trimmed.length() > maxLength) {
            problems.add(name + " is " + trimmed.length() + " characters; at most " + maxLength);
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            problems.add(name + " must be one line (no control characters)");
        }
        return trimmed;
    }

    private static Integer count(Object value, int maxWorkers, List<String> problems) {
        if (value == null) {
            problems.add("count is required (workers to add, 1.." + maxWorkers + ")");
            return null;
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            problems.add("count must be a whole number, got " + quoted(value));
            return null;
        }
        long count = ((Number) value).longValue();
        if (count < 1 || count > maxWorkers) {
            problems.add("count " + count + " is outside 1.." + maxWorkers + " (MAX_WORKERS=" + maxWorkers + ")");
            return null;
        }
        return (int) count;
    }

    private static String nodeName(Object value, List<String> problems) {
        if (value == null) {
            problems.add("nodeName is required (the Node to remove, as in kubectl get nodes)");
            return null;
        }
        if (!(value instanceof String name) || name.length() > MAX_NODE_NAME || !NODE_NAME.matcher(name).matches()) {
            problems.add("nodeName " + quoted(value) + " is not a Kubernetes node name");
            return null;
        }
        return name;
    }

    private static String instanceId(Object value, List<String> problems) {
        if (value == null) {
            problems.add("instanceId is required (the EC2 event's detail.instance-id)");
            return null;
        }
        if (!(value instanceof String id) || !INSTANCE_ID.matcher(id).matches()) {
            problems.add("instanceId " + quoted(value) + " is not an EC2 instance id (i- and 8 to 17 hex digits)");
            return null;
        }
        return id;
    }

    private static String quoted(Object value) {
        String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
