package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.cdk.K3sAutoscalerProps.InvalidPropsException;
import dev.k3sautoscaler.core.config.ConfigVariable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class K3sAutoscalerPropsTest {

    @Test
    void build_acceptsTheDefaults_withOnlyAClusterId() {
        // WHEN
        K3sAutoscalerProps props = K3sAutoscalerProps.builder().clusterId("demo").build();

        // THEN the README's defaults, the secure and cheap networking mode, one tick a minute
        assertEquals(2, props.scaling().minWorkers());
        assertEquals(10, props.scaling().maxWorkers());
        assertEquals(NetworkingMode.PUBLIC_API, props.networkingMode());
        assertEquals(Duration.ofMinutes(1), props.tickRate());
        assertEquals(List.of("t3.small"), props.workerInstanceTypes());
        assertEquals("t3.medium", props.masterInstanceType());
        assertEquals("on-demand", props.capacityType());
        assertFalse(props.workersArm64());
    }

    @Test
    void build_reportsEveryProblemAtOnce() {
        // GIVEN one mistake in every kind of prop
        K3sAutoscalerProps.Builder builder = K3sAutoscalerProps.builder()
                .clusterId("Prod_1")
                .minWorkers(5).maxWorkers(3)
                .setting(ConfigVariable.CPU_DOWN, 80)
                .settings(Map.of("CPU_UPP", "70"))
                .workerInstanceTypes(List.of("t3.small", "t4g.small"))
                .capacityType("reserved")
                .tickRate(Duration.ofSeconds(30))
                .apiAllowedCidrs(List.of("everyone"))
                .notificationEmail("oncall")
                .slack("T0123ABCD", null)
                .lambdaMemoryMb(128)
                .logRetentionDays(31);

        // WHEN
        InvalidPropsException e = assertThrows(InvalidPropsException.class, builder::build);

        // THEN each is named, in one exception
        List<String> expected = List.of("clusterId=Prod_1", "MIN_WORKERS=5 must not be above MAX_WORKERS=3",
                "CPU_DOWN=80 must be below CPU_UP=70", "CPU_UPP is not a scaling setting", "mix arm64 and x86_64",
                "capacityType=reserved", "tickRate=PT30S", "'everyone'", "notificationEmail=oncall", "slack needs both",
                "lambdaMemoryMb=128", "logRetentionDays=31");
        for (String problem : expected) {
            assertTrue(e.problems().stream().anyMatch(p -> p.contains(problem)), problem + " in " + e.problems());
        }
        assertEquals(expected.size(), e.problems().size(), e.getMessage());
    }

    @Test
    void fastPath_isOnByDefault_andTakesAPendingUpSecUpToTheTicksLongestWait() {
        // WHEN only a cluster id is given
        K3sAutoscalerProps defaults = K3sAutoscalerProps.builder().clusterId("demo").build();

        // THEN the fast path is on (nothing polls), and 180 s is a wait it can hold
        assertTrue(defaults.unschedulableFastPath());
        assertEquals(180, K3sAutoscalerProps.builder().clusterId("demo").setting(ConfigVariable.PENDING_UP_SEC, 180).build()
                .scaling().pendingUp().toSeconds());
    }

    @Test
    void fastPath_refusesAPendingUpSecTheAlertsTickCannotWait_unlessItIsOff() {
        // WHEN PENDING_UP_SEC is past TickInput.MAX_WAIT_SECONDS (180 s) with the fast path on
        InvalidPropsException e = assertThrows(InvalidPropsException.class, () -> K3sAutoscalerProps.builder()
                .clusterId("demo").unschedulableFastPath(true).setting(ConfigVariable.PENDING_UP_SEC, 181).build());

        // THEN the props say why and what to do; without the fast path they build
        assertEquals(List.of("PENDING_UP_SEC=181 is too long for the fast path: the alert's tick waits PENDING_UP_SEC inside "
                + "an Express execution (at most 180 s): lower it or set unschedulableFastPath=false"), e.problems());
        assertFalse(K3sAutoscalerProps.builder().clusterId("demo").setting(ConfigVariable.PENDING_UP_SEC, 181)
                .unschedulableFastPath(false).build().unschedulableFastPath());
    }

    @Test
    void build_refusesAClusterIdTooLongForTheFunctionNames() {
        // GIVEN 40 characters: valid for the functions, but "<id>-select-scale-down-target" exceeds 64
        String id = "a".repeat(40);

        // WHEN / THEN
        InvalidPropsException e = assertThrows(InvalidPropsException.class,
                () -> K3sAutoscalerProps.builder().clusterId(id).build());
        assertTrue(e.getMessage().contains("longer than 39"), e.getMessage());
    }

    @Test
    void build_refusesAPublicApiWithNoAllowedAddress() {
        InvalidPropsException e = assertThrows(InvalidPropsException.class,
                () -> K3sAutoscalerProps.builder().clusterId("demo").apiAllowedCidrs(List.of()).build());
        assertTrue(e.getMessage().contains("apiAllowedCidrs must not be empty"));
    }

    @Test
    void gravitonTypes_selectTheArm64Image() {
        K3sAutoscalerProps props = K3sAutoscalerProps.builder().clusterId("demo")
                .workerInstanceTypes(List.of("t4g.small", "m7g.medium")).build();
        assertTrue(props.workersArm64());
        assertFalse(K3sAutoscalerProps.isArm64("g5.xlarge"), "a GPU family is not Graviton");
    }

    @Test
    void lambdaJar_isTheModulesShadedJar() {
        K3sAutoscalerProps props = K3sAutoscalerProps.builder().clusterId("demo").repositoryRoot(Path.of("/repo")).build();
        assertEquals(Path.of("/repo/functions/fleet/target/fleet-lambda.jar"), props.lambdaJar("fleet"));
    }
}
