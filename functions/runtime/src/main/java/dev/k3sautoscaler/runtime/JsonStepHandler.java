package dev.k3sautoscaler.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.k3sautoscaler.errors.InvalidStepInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The thin shell of every step: parse the input record (bad JSON, wrong types or missing fields
 * end as {@link InvalidStepInput}, never a NullPointerException), call one domain operation,
 * write the result record. Every log line carries the cluster id and the execution name.
 *
 * <p>Inputs carry the execution name in the field {@code execution} (ASL: {@code "execution.$": "$$.Execution.Name"}).
 */
public abstract class JsonStepHandler<I, O> implements RequestStreamHandler, Resource {
    public static final String EXECUTION_FIELD = "execution";
    /** Rejected by every step's validation (no execution) before any side effect. */
    static final String HARMLESS_PRIMING_INPUT = "{}";

    private final Class<I> inputType;
    private final String stepName;
    private final String clusterId;

    protected JsonStepHandler(Class<I> inputType, String stepName, String clusterId) {
        this.inputType = inputType;
        this.stepName = stepName;
        this.clusterId = clusterId;
        // SnapStart: prime before the snapshot so JSON binding and logging are warm after a restore.
        Core.getGlobalContext().register(this);
    }

    /**
     * The input used to prime this step before a SnapStart snapshot. The default is rejected by
     * every step's validation, so priming warms parsing, binding, validation and logging without
     * calling any outside system; a step without side effects may return a valid input instead.
     */
    protected String primingInput() {
        return HARMLESS_PRIMING_INPUT;
    }

    /** Runs the step's JSON path once with {@link #primingInput()}; a rejection is the expected outcome. */
    public final void prime() {
        try {
            invoke(primingInput(), LocalLambdaContext.forFunction("snapstart-priming"));
        } catch (dev.k3sautoscaler.errors.StepError expected) {
            // InvalidStepInput for the default input: the warm-up happened on the way.
        }
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: clients resolve credentials per request and no clock is cached.
    }

    /** The domain call. Throw a {@link dev.k3sautoscaler.errors.StepError} subclass for any named failure. */
    protected abstract O handle(I input, Context context);

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] raw = input.readAllBytes();
        JsonNode tree = parseTree(raw);
        String execution = tree.path(EXECUTION_FIELD).isTextual() ? tree.get(EXECUTION_FIELD).asText() : "unknown";
        MDC.put("cluster_id", clusterId);
        MDC.put("execution", execution);
        MDC.put("step", stepName);
        try {
            O result = PowertoolsLogging.withLogging(context, () -> handle(bind(tree), context));
            StepJson.MAPPER.writeValue(output, result);
        } finally {
            MDC.remove("cluster_id");
            MDC.remove("execution");
            MDC.remove("step");
        }
    }

    /** For tests and the local executor: the same path as Lambda, JSON in and JSON out. */
    public final String invoke(String inputJson, Context context) {
        try (var in = new java.io.ByteArrayInputStream(inputJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
             var out = new java.io.ByteArrayOutputStream()) {
            handleRequest(in, out, context);
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private JsonNode parseTree(byte[] raw) {
        try {
            JsonNode tree = StepJson.MAPPER.readTree(raw);
            if (tree == null || !tree.isObject()) {
                throw new InvalidStepInput(stepName, List.of("input must be a JSON object"));
            }
            return tree;
        } catch (IOException e) {
            throw new InvalidStepInput(stepName, "not valid JSON (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private I bind(JsonNode tree) {
        I value;
        try {
            value = StepJson.MAPPER.treeToValue(tree, inputType);
        } catch (MismatchedInputException e) {
            throw new InvalidStepInput(stepName, "field " + path(e) + " has the wrong type or form", e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidStepInput(stepName, firstLine(e.getMessage()), e);
        }
        if (value instanceof Validatable validatable) {
            List<String> problems = validatable.validationProblems();
            if (!problems.isEmpty()) {
                throw new InvalidStepInput(stepName, problems);
            }
        }
        return value;
    }

    private static String path(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(root)" : path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
