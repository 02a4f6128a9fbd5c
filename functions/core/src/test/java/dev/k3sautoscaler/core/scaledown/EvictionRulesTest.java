package dev.k3sautoscaler.core.scaledown;

import static dev.k3sautoscaler.core.scaledown.Cluster.MIB;
import static dev.k3sautoscaler.core.scaledown.Cluster.map;
import static dev.k3sautoscaler.core.scaledown.Cluster.phase;
import static dev.k3sautoscaler.core.scaledown.Cluster.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Action;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvictionRulesTest {
    private static final String SAFE = NodeLabels.SAFE_TO_EVICT;
    private static final String DND = NodeLabels.DO_NOT_DISRUPT;

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("Deployment pod is evicted", pod("web", "w1"), Action.EVICT),
                Arguments.of("DaemonSet pod is skipped", pod("default", "ds", "DaemonSet", Map.of(), "w1", 10, MIB),
                        Action.SKIP),
                Arguments.of("mirror pod is skipped", pod("kube-system", "static", "Node",
                        map(NodeLabels.MIRROR_POD, "abc"), "w1", 10, MIB), Action.SKIP),
                Arguments.of("finished Job pod is skipped", phase(pod("default", "job", "Job", Map.of(), "w1", 10, MIB),
                        "Succeeded"), Action.SKIP),
                Arguments.of("failed pod is skipped", phase(pod("web", "w1"), "Failed"), Action.SKIP),
                Arguments.of("safe-to-evict=false blocks", pod("default", "p", "ReplicaSet", map(SAFE, "false"), "w1",
                        10, MIB), Action.BLOCK),
                Arguments.of("do-not-disrupt=true blocks", pod("default", "p", "ReplicaSet", map(DND, "true"), "w1",
                        10, MIB), Action.BLOCK),
                Arguments.of("do-not-disrupt beats safe-to-evict=true", pod("default", "p", "ReplicaSet",
                        map(DND, "true", SAFE, "true"), "w1", 10, MIB), Action.BLOCK),
                Arguments.of("do-not-disrupt=false does not block", pod("default", "p", "ReplicaSet",
                        map(DND, "false"), "w1", 10, MIB), Action.EVICT),
                Arguments.of("pod without a controller blocks", pod("default", "bare", null, Map.of(), "w1", 10, MIB),
                        Action.BLOCK),
                Arguments.of("StatefulSet pod blocks by default", pod("db", "pg-0", "StatefulSet", Map.of(), "w1", 10,
                        MIB), Action.BLOCK),
                Arguments.of("kube-system Deployment pod blocks", pod("kube-system", "coredns-1", "ReplicaSet",
                        Map.of(), "w1", 10, MIB), Action.BLOCK),
                Arguments.of("kube-system DaemonSet pod is skipped", pod("kube-system", "svclb", "DaemonSet", Map.of(),
                        "w1", 10, MIB), Action.SKIP),
                Arguments.of("safe-to-evict=true overrides no-controller", pod("default", "bare", null,
                        map(SAFE, "true"), "w1", 10, MIB), Action.EVICT),
                Arguments.of("safe-to-evict=true overrides StatefulSet", pod("db", "pg-0", "StatefulSet",
                        map(SAFE, "true"), "w1", 10, MIB), Action.EVICT),
                Arguments.of("safe-to-evict=true overrides kube-system", pod("kube-system", "metrics", "ReplicaSet",
                        map(SAFE, "true"), "w1", 10, MIB), Action.EVICT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void judge_appliesClusterAutoscalerAndKarpenterRules(String name, PodView pod, Action expected) {
        // GIVEN the default rules (StatefulSet pods block)
        EvictionRules rules = EvictionRules.defaults();

        // WHEN the pod is judged
        PodVerdict verdict = rules.judge(pod);

        // THEN the action matches the upstream rule
        assertEquals(expected, verdict.action(), verdict.reason());
    }

    @Test
    void judge_evictsStatefulSetPods_whenConfiguredNotToBlock() {
        // GIVEN rules with StatefulSet blocking switched off
        EvictionRules rules = new EvictionRules(false);

        // WHEN a StatefulSet pod is judged
        PodVerdict verdict = rules.judge(pod("db", "pg-0", "StatefulSet", Map.of(), "w1", 10, MIB));

        // THEN it is evicted like any controlled pod
        assertEquals(Action.EVICT, verdict.action());
        assertEquals(PodVerdict.Rule.CONTROLLED, verdict.rule());
    }
}
