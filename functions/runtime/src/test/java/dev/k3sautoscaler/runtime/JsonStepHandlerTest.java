package dev.k3sautoscaler.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.errors.InvalidStepInput;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class JsonStepHandlerTest {

    record GreetInput(String execution, String nodeName, int attempts, Instant since) implements Validatable {
        @Override
        public List<String> validationProblems() {
            return InputCheck.start()
                    .required("execution", execution)
                    .required("nodeName", nodeName)
                    .check(attempts >= 0, "attempts must not be negative")
                    .problems();
        }
    }

    record GreetOutput(String reason, Instant since, String unset) {
    }

    static class GreetHandler extends JsonStepHandler<GreetInput, GreetOutput> {
        GreetHandler() {
            super(GreetInput.class, "Greet", "test-cluster");
        }

        @Override
        protected GreetOutput handle(GreetInput input, Context context) {
            LoggerFactory.getLogger(GreetHandler.class).info("greeting {}", input.nodeName());
            return new GreetOutput("greeted " + input.nodeName() + " after " + input.attempts(), input.since(), null);
        }
    }

    private final GreetHandler handler = new GreetHandler();
    private final Context context = LocalLambdaContext.forFunction("greet");

    @Test
    void validInput_returnsTheRecordAsJson_withIsoTimes_andWithoutNulls() {
        String output = handler.invoke(
                "{\"execution\":\"scale-up-1\",\"nodeName\":\"w1\",\"attempts\":2,\"since\":\"2026-11-23T12:00:00Z\",\"extra\":true}",
                context);

        assertEquals("{\"reason\":\"greeted w1 after 2\",\"since\":\"2026-11-23T12:00:00Z\"}", output);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                 | {oops                                             | not valid JSON",
            "not an object            | [1,2]                                             | input must be a JSON object",
            "wrong type               | {\"execution\":\"e\",\"nodeName\":\"w\",\"attempts\":\"many\"} | field attempts has the wrong type or form",
            "float for an int         | {\"execution\":\"e\",\"nodeName\":\"w\",\"attempts\":1.5}    | field attempts has the wrong type or form",
            "missing primitive        | {\"execution\":\"e\",\"nodeName\":\"w\"}                  | field attempts has the wrong type or form",
            "bad time                 | {\"execution\":\"e\",\"nodeName\":\"w\",\"attempts\":1,\"since\":\"yesterday\"} | field since has the wrong type or form",
            "every missing field named| {\"attempts\":-1}                                  | execution is required; nodeName is required; attempts must not be negative"})
    void badInput_endsAsInvalidStepInput_neverANullPointer(String name, String json, String expected) {
        InvalidStepInput error = assertThrows(InvalidStepInput.class, () -> handler.invoke(json, context));

        assertTrue(error.getMessage().startsWith("Greet input is invalid: "), error.getMessage());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertEquals(false, error.retryable());
        assertEquals("dev.k3sautoscaler.errors.InvalidStepInput", error.errorName());
    }

    @Test
    void everyLogLine_carriesClusterExecutionAndStep_asJson() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            handler.invoke("{\"execution\":\"scale-up-42\",\"nodeName\":\"w7\",\"attempts\":0}", context);
        } finally {
            System.setOut(original);
        }

        String line = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("greeting w7")).findFirst().orElseThrow(() -> new AssertionError(captured));
        assertTrue(line.startsWith("{"), line);
        assertTrue(line.contains("\"cluster_id\":\"test-cluster\""), line);
        assertTrue(line.contains("\"execution\":\"scale-up-42\""), line);
        assertTrue(line.contains("\"step\":\"Greet\""), line);
    }

    @Test
    void priming_warmsTheJsonPath_withoutRunningTheStep() {
        // GIVEN a step that counts its real runs
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        GreetHandler counting = new GreetHandler() {
            @Override
            protected GreetOutput handle(GreetInput input, Context context) {
                runs.incrementAndGet();
                return super.handle(input, context);
            }
        };

        // WHEN SnapStart calls the hook before its snapshot
        counting.beforeCheckpoint(null);

        // THEN the harmless input was rejected by validation: the step itself never ran
        assertEquals(0, runs.get());
        assertEquals("{}", counting.primingInput());
    }
}
