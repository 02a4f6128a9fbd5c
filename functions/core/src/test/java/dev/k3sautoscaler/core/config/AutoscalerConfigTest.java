package dev.k3sautoscaler.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalerConfigTest {

    @Test
    void defaults_areTheDocumentedOnes() {
        AutoscalerConfig config = AutoscalerConfig.defaults();

        assertEquals(70, config.cpuUpPercent());
        // Requests, no longer usage; above Cluster Autoscaler's 50 because the fit is checked on its own
        assertEquals(65, config.cpuDownPercent());
        assertEquals(75, config.memoryUpPercent());
        assertEquals(70, config.memoryDownPercent());
        assertEquals(Duration.ofMinutes(3), config.cpuUpSustain());
        assertEquals(Duration.ofSeconds(600), config.idleDown());
        assertEquals(2, config.minWorkers());
        assertEquals(10, config.maxWorkers());
        assertEquals(Duration.ofSeconds(300), config.cooldownUp());
        assertEquals(Duration.ofSeconds(600), config.cooldownDown());
        assertEquals(Duration.ofSeconds(300), config.drainTimeout());
        // As Cluster Autoscaler: no pause after a removal, 3 min after a failure, 10 empty at once, one drain
        assertEquals(new AutoscalerConfig.ScaleDown(true, Duration.ZERO, Duration.ofMinutes(3), 10, 1, 10, 2,
                dev.k3sautoscaler.core.policy.DisruptionWindows.always()), config.scaleDown());
        // A rebalance recommendation is not an interruption: replace first, then scale the old node down.
        assertEquals(AutoscalerConfig.RebalanceAction.LAUNCH_REPLACEMENT, config.rebalanceAction());
    }

    /** Every variable: each bad form is named with the variable and the expected form. */
    static Stream<Arguments> badValues() {
        return ConfigVariable.ALL.stream().flatMap(variable -> switch (variable.kind()) {
            case PERCENT -> Stream.of(
                    Arguments.of(variable.name(), "abc", "is not a number"),
                    Arguments.of(variable.name(), "0", "is out of range"),
                    Arguments.of(variable.name(), "100.5", "is out of range"),
                    Arguments.of(variable.name(), "-5", "is out of range"));
            case WHOLE_NUMBER -> Stream.of(
                    Arguments.of(variable.name(), "ten", "is not a whole number"),
                    Arguments.of(variable.name(), "1.5", "is not a whole number"),
                    Arguments.of(variable.name(), Long.toString((long) variable.min() - 1), "is out of range"),
                    Arguments.of(variable.name(), Long.toString((long) variable.max() + 1), "is out of range"));
            case DECIMAL -> Stream.of(
                    Arguments.of(variable.name(), "abc", "is not a number"),
                    Arguments.of(variable.name(), "0", "is out of range"),
                    Arguments.of(variable.name(), Double.toString(variable.max() + 0.5), "is out of range"));
            case CHOICE -> Stream.of(Arguments.of(variable.name(), "sometimes", "is not one of"));
            // Text values are checked by their own parser, which quotes the part it rejects.
            case TEXT -> Stream.of(Arguments.of(variable.name(), "sometimes", null));
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void badValue_isNamedWithItsExpectedForm(String name, String value, String expected) {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> AutoscalerConfig.fromEnvironment(Map.of(name, value)));

        String start = expected == null ? name + ": \"" + value + "\"" : name + "=" + value + " " + expected;
        assertTrue(error.problems().stream().anyMatch(p -> p.startsWith(start)), error.getMessage());
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        Map<String, String> env = new HashMap<>();
        env.put("CPU_UP", "70");
        env.put("CPU_DOWN", "80");
        env.put("MIN_WORKERS", "abc");
        env.put("MAX_WORKERS", "0");
        env.put("REBALANCE_ACTION", "panic");

        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> AutoscalerConfig.fromEnvironment(env));

        assertEquals(List.of(
                "MIN_WORKERS=abc is not a whole number (expected 0..300)",
                "MAX_WORKERS=0 is out of range (expected a whole number 1..300)",
                "REBALANCE_ACTION=panic is not one of [drain, ignore, launch-replacement]",
                "CPU_DOWN=80 must be below CPU_UP=70"), error.problems());
        assertTrue(error.getMessage().startsWith("Invalid configuration (4 problems):"), error.getMessage());
    }

    @Test
    void crossFieldRules_useDefaultsForTheUnsetSide() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> AutoscalerConfig.fromEnvironment(Map.of("MIN_WORKERS", "12", "MEM_DOWN", "75",
                        "FAILURE_BACKOFF_SEC", "1000")));

        assertEquals(List.of(
                "MEM_DOWN=75 must be below MEM_UP=75",
                "MIN_WORKERS=12 must not be above MAX_WORKERS=10",
                "FAILURE_BACKOFF_SEC=1000 must not be above FAILURE_BACKOFF_MAX_SEC=900"), error.problems());
    }

    @Test
    void headroom_isOffByDefault_andReadInItsUnits() {
        assertEquals(AutoscalerConfig.Headroom.OFF, AutoscalerConfig.defaults().headroom());
        assertEquals(false, AutoscalerConfig.defaults().headroom().on());

        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("HEADROOM_CPU_MILLIS", "1900",
                "HEADROOM_MEMORY_MIB", "1600"));

        assertEquals(new AutoscalerConfig.Headroom(1900, 1600L * 1024 * 1024), config.headroom());
        assertEquals(config, AutoscalerConfig.fromEnvironment(config.toEnvironment()));
    }

    @Test
    void headroom_largerThanOneWorker_isAllowed_butNotMoreThanMaxWorkersHold_listedWithEveryOtherProblem() {
        // GIVEN a headroom of three workers' CPU (allowed), and one of more memory than 4 workers hold
        assertEquals(3 * 1900, AutoscalerConfig.fromEnvironment(Map.of("HEADROOM_CPU_MILLIS", "5700")).headroom()
                .cpuMillis());

        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> AutoscalerConfig.fromEnvironment(Map.of("MAX_WORKERS", "4", "HEADROOM_CPU_MILLIS", "7601",
                        "HEADROOM_MEMORY_MIB", "-1", "CPU_DOWN", "80")));

        assertEquals(List.of(
                "HEADROOM_MEMORY_MIB=-1 is out of range (expected a whole number 0..1000000000)",
                "CPU_DOWN=80 must be below CPU_UP=70",
                "HEADROOM_CPU_MILLIS=7601 must not be above MAX_WORKERS=4 × WORKER_CPU_MILLIS=1900 = 7600 (what"
                        + " MAX_WORKERS empty workers hold)"), error.problems());
    }

    @Test
    void lockTtl_shorterThanTheLongestLeasedStep_isRejected_namingTheStep() {
        InvalidConfigurationException error = assertThrows(InvalidConfigurationException.class,
                () -> AutoscalerConfig.fromEnvironment(Map.of("LOCK_TTL_SEC", "90")));

        assertEquals(List.of("LOCK_TTL_SEC=90 is shorter than LaunchWorkers can run after checking its lease (120 s, its"
                + " Lambda timeout, + 5 s clock skew): its side effect could land after the lease expired and another"
                + " execution took the lock; use at least 125"), error.problems());
        assertEquals(java.time.Duration.ofSeconds(125),
                AutoscalerConfig.fromEnvironment(Map.of("LOCK_TTL_SEC", "125")).lockTtl());
    }

    @Test
    void blankValues_meanDefault_andSpacesAreTrimmed() {
        AutoscalerConfig config = AutoscalerConfig.fromEnvironment(Map.of("CPU_UP", " ", "MAX_WORKERS", " 20 "));

        assertEquals(70, config.cpuUpPercent());
        assertEquals(20, config.maxWorkers());
    }

    @Test
    void toEnvironment_roundTrips() {
        AutoscalerConfig custom = AutoscalerConfig.fromEnvironment(Map.of("CPU_UP", "82.5", "WORKER_MEMORY_MIB", "3500",
                "REBALANCE_ACTION", "launch-replacement", "JOIN_TIMEOUT_SEC", "420"));

        AutoscalerConfig again = AutoscalerConfig.fromEnvironment(custom.toEnvironment());

        assertEquals(custom, again);
        assertEquals(ConfigVariable.ALL.stream().map(ConfigVariable::name).toList(),
                List.copyOf(custom.toEnvironment().keySet()), "every variable is written, in catalogue order");
    }

    @Test
    void backoff_doublesAndCaps() {
        AutoscalerConfig config = AutoscalerConfig.defaults();

        assertEquals(Duration.ZERO, config.backoffAfter(0));
        assertEquals(Duration.ofSeconds(60), config.backoffAfter(1));
        assertEquals(Duration.ofSeconds(240), config.backoffAfter(3));
        assertEquals(Duration.ofSeconds(900), config.backoffAfter(50));
    }
}
