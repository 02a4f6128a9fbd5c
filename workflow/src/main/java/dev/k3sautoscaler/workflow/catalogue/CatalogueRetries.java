package dev.k3sautoscaler.workflow.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.contract.Backoff;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.errors.StepErrorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ASL's Retry blocks, generated from the step catalogue, and the checks that the rest of a
 * definition agrees with it: each Lambda Task state is listed under the step it calls, and every
 * Catch of a named step error can happen (the step declares that error).
 */
public final class CatalogueRetries {
    /** Lambda's own transient failures, which any invocation can meet. */
    static final List<String> LAMBDA_SERVICE_ERRORS = List.of("Lambda.ServiceException", "Lambda.AWSLambdaException",
            "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout");
    private static final String STATE_TIMEOUT = "States.Timeout";
    private static final String ANY_ERROR = "States.ALL";
    private static final Pattern LAMBDA = Pattern.compile("\\$\\{([A-Za-z0-9]+Arn)}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CatalogueRetries() {
    }

    /** The step a Task state invokes, when it invokes one of ours. */
    public static Optional<Step> stepOf(JsonNode state) {
        Matcher lambda = LAMBDA.matcher(state.path("Resource").asText(""));
        if (!"Task".equals(state.path("Type").asText()) || !lambda.matches()) {
            return Optional.empty();
        }
        return Optional.of(Step.ofSubstitution(lambda.group(1)).orElseThrow(() -> new IllegalArgumentException(
                "${" + lambda.group(1) + "} names no step of the catalogue")));
    }

    /** A copy of the definition whose Lambda Task states carry exactly the catalogue's Retry blocks. */
    public static JsonNode withGeneratedRetries(JsonNode definition) {
        JsonNode copy = definition.deepCopy();
        forEachState(copy, (name, state) -> stepOf(state).ifPresent(step -> ((ObjectNode) state).set("Retry", retries(step))));
        return copy;
    }

    /** Where a definition disagrees with the catalogue, one line each; empty when it agrees. */
    public static List<String> disagreements(JsonNode definition) {
        List<String> problems = new ArrayList<>();
        forEachState(definition, (name, state) -> stepOf(state).ifPresent(step -> {
            if (!step.states().contains(name)) {
                problems.add(name + " invokes " + step.functionName() + " but is not among its states " + step.states());
            }
            for (JsonNode handler : state.path("Catch")) {
                for (JsonNode error : handler.path("ErrorEquals")) {
                    String errorName = error.asText();
                    if (errorName.startsWith("dev.k3sautoscaler.errors.") && StepErrorType.named(errorName)
                            .filter(step.errors()::contains).isEmpty()) {
                        problems.add(name + " catches " + errorName + ", which " + step.functionName() + " never ends with");
                    }
                }
            }
        }));
        return problems;
    }

    /** Every Task state that invokes one of our functions, by name. */
    public static List<Map.Entry<String, Step>> lambdaStates(JsonNode definition) {
        List<Map.Entry<String, Step>> states = new ArrayList<>();
        forEachState(definition, (name, state) -> stepOf(state).ifPresent(step -> states.add(Map.entry(name, step))));
        return states;
    }

    static ArrayNode retries(Step step) {
        ArrayNode retries = NODES.arrayNode();
        retries.add(retry(LAMBDA_SERVICE_ERRORS, step.retries().lambdaService()));
        List<String> onStepSchedule = new ArrayList<>();
        for (StepErrorType error : StepErrorType.values()) {
            if (!step.errors().contains(error) || !error.retryable()) {
                continue;
            }
            error.ownSchedule().ifPresentOrElse(own -> retries.add(retry(List.of(error.errorName()), own)),
                    () -> onStepSchedule.add(error.errorName()));
        }
        onStepSchedule.add(STATE_TIMEOUT);
        retries.add(retry(onStepSchedule, step.retries().stepErrors()));
        step.retries().anyError().ifPresent(last -> retries.add(retry(List.of(ANY_ERROR), last)));
        return retries;
    }

    private static ObjectNode retry(List<String> errors, Backoff backoff) {
        ObjectNode retry = NODES.objectNode();
        ArrayNode names = retry.putArray("ErrorEquals");
        errors.forEach(names::add);
        retry.put("IntervalSeconds", backoff.intervalSeconds());
        retry.put("MaxAttempts", backoff.maxAttempts());
        if (backoff.rate() == Math.rint(backoff.rate())) {
            retry.put("BackoffRate", (int) backoff.rate());
        } else {
            retry.put("BackoffRate", backoff.rate());
        }
        if (backoff.maxDelaySeconds() > 0) {
            retry.put("MaxDelaySeconds", backoff.maxDelaySeconds());
        }
        if (backoff.fullJitter()) {
            retry.put("JitterStrategy", "FULL");
        }
        return retry;
    }

    /** Every state, including those inside Parallel branches and Map iterators. */
    private static void forEachState(JsonNode definition, BiConsumer<String, JsonNode> visit) {
        definition.path("States").properties().forEach(entry -> {
            visit.accept(entry.getKey(), entry.getValue());
            entry.getValue().path("Branches").forEach(branch -> forEachState(branch, visit));
            for (String nested : List.of("Iterator", "ItemProcessor")) {
                if (entry.getValue().has(nested)) {
                    forEachState(entry.getValue().get(nested), visit);
                }
            }
        });
    }
}
