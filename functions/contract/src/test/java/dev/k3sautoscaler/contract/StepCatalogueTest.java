package dev.k3sautoscaler.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.errors.StepError;
import dev.k3sautoscaler.errors.StepErrorType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StepCatalogueTest {

    @Test
    void everyStepErrorClass_hasItsType() throws IOException, URISyntaxException {
        // GIVEN every class of the errors package but the base and the catalogue itself
        Path dir = Path.of(StepError.class.getResource("StepError.class").toURI()).getParent();
        Set<String> classes;
        try (Stream<Path> files = Files.list(dir)) {
            classes = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".class") && !name.contains("$"))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .filter(name -> !name.equals("StepError") && !name.equals("StepErrorType"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        // THEN each is one StepErrorType, named by its fully qualified class name
        assertEquals(classes, Arrays.stream(StepErrorType.values()).map(type -> type.type().getSimpleName())
                .collect(Collectors.toCollection(TreeSet::new)));
        for (StepErrorType type : StepErrorType.values()) {
            assertEquals(type, StepErrorType.named("dev.k3sautoscaler.errors." + type.type().getSimpleName()).orElseThrow());
        }
    }

    @Test
    void aStepsNames_derivedByTheOneConverter() {
        assertEquals("SelectScaleDownTarget", Step.SELECT_SCALE_DOWN_TARGET.stateName());
        assertEquals("select-scale-down-target", Step.SELECT_SCALE_DOWN_TARGET.functionName());
        assertEquals("SelectScaleDownTargetArn", Step.SELECT_SCALE_DOWN_TARGET.substitution());
        assertEquals("dev.k3sautoscaler.kube.SelectScaleDownTargetHandler", Step.SELECT_SCALE_DOWN_TARGET.handler());
        for (Step step : Step.values()) {
            assertEquals(step, Step.ofFunction(step.functionName()).orElseThrow());
            assertEquals(step, Step.ofSubstitution(step.substitution()).orElseThrow());
            assertTrue(step.handler().endsWith("." + step.stateName() + "Handler"), step.handler());
        }
    }

    @Test
    void everyStep_mayEndWithInvalidInput_andOnlyLeasedStepsLoseTheirLease() {
        for (Step step : Step.values()) {
            assertTrue(step.errors().contains(StepErrorType.INVALID_STEP_INPUT), step.name());
        }
        // RecordOutcome writes under the lease it is given, so it can find the lease gone too
        List<Step> losing = Arrays.stream(Step.values()).filter(step -> step.errors().contains(StepErrorType.LOCK_LOST)).toList();
        assertEquals(Stream.concat(Step.leasedSteps(), Stream.of(Step.RECORD_OUTCOME)).sorted().toList(), losing);
    }

    @Test
    void aStateNameCallsOneStep() {
        List<String> states = Arrays.stream(Step.values()).flatMap(step -> step.states().stream()).toList();

        assertEquals(states.size(), Set.copyOf(states).size(), states.toString());
    }
}
