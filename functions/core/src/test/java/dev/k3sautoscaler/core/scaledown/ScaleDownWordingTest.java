package dev.k3sautoscaler.core.scaledown;

import dev.k3sautoscaler.core.words.WordingTables;
import static dev.k3sautoscaler.core.scaledown.Cluster.MIB;
import static dev.k3sautoscaler.core.scaledown.Cluster.phase;
import static dev.k3sautoscaler.core.scaledown.Cluster.pod;
import static dev.k3sautoscaler.core.scaledown.Cluster.sized;
import static dev.k3sautoscaler.core.scaledown.Cluster.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Action;
import dev.k3sautoscaler.core.scaledown.PodVerdict.Rule;
import dev.k3sautoscaler.core.scaledown.RejectionReason.Code;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden wording of the scale-down family: every rejection, pod rule, selection line and drain outcome. */
class ScaleDownWordingTest {
    private static final PodView WEB = pod("default", "web-1", "ReplicaSet", Map.of(), "w1", 100, 64 * MIB);
    private static final PodView PG = pod("db", "pg-0", "StatefulSet", Map.of(), "w1", 10, MIB);
    private static final DrainOutcome.Progress SOME = new DrainOutcome.Progress(List.of("default/web-1"),
            List.of("default/db-0"), List.of("db/pg-0 (StatefulSet pod)"), List.of("default/old-1"),
            List.of("default/x (eviction answered 404/409 but the pod still exists: is policy/v1 served?)"), 2,
            Duration.ofSeconds(20), false);
    private static final DrainOutcome.Progress ONE = new DrainOutcome.Progress(List.of(), List.of("default/db-0"),
            List.of(), List.of(), List.of(), 0, Duration.ofSeconds(20), true);

    /** Five bare pods: three named, two counted. */
    private static RejectionReason blockingFive() {
        return new RejectionReason.BlockingPods(Stream.of(1, 2, 3, 4, 5)
                .map(i -> new PodVerdict(pod("default", "bare-" + i, null, Map.of(), "w1", 10, MIB), Action.BLOCK,
                        Rule.NO_CONTROLLER)).toList());
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of(new RejectionReason.NodeRule(Code.CONTROL_PLANE), "control-plane node: never removed"),
                Arguments.of(new RejectionReason.NodeRule(Code.NOT_MANAGED),
                        "not autoscaler-managed (no k3s-autoscaler/managed=true label)"),
                Arguments.of(new RejectionReason.NodeRule(Code.NO_PROVIDER_ID),
                        "no aws:/// providerID: its EC2 instance is unknown"),
                Arguments.of(new RejectionReason.OwnershipUnknown("i-1", "Ec2Unavailable: throttled"),
                        "EC2 could not be read (Ec2Unavailable: throttled), so whether i-1 is our worker is unknown"),
                Arguments.of(new RejectionReason.NotOursInEc2("i-1"), "instance i-1 is not a running managed worker of"
                        + " this cluster in EC2 (tags k3s-autoscaler/cluster and k3s-autoscaler/managed; never the"
                        + " master): the Node's label alone proves nothing"),
                Arguments.of(new RejectionReason.NodeRule(Code.SCALE_DOWN_DISABLED),
                        "cluster-autoscaler.kubernetes.io/scale-down-disabled=true"),
                Arguments.of(new RejectionReason.NodeRule(Code.DELETING), "already being deleted"),
                Arguments.of(new RejectionReason.DrainingForOther(DrainPurpose.SPOT_INTERRUPTION),
                        "being drained for spot-interruption"),
                Arguments.of(new RejectionReason.NodeRule(Code.CORDONED_BY_SOMEONE_ELSE),
                        "cordoned by someone else (no k3s-autoscaler/draining taint)"),
                Arguments.of(new RejectionReason.PassedOver("PDB shop/web kept a pod (until 2026-11-23T12:30:00Z)"),
                        "passed over after a scale-down that could not finish: PDB shop/web kept a pod"
                                + " (until 2026-11-23T12:30:00Z)"),
                Arguments.of(new RejectionReason.BlockingPods(List.of(new PodVerdict(PG, Action.BLOCK, Rule.STATEFUL_SET))),
                        "blocking pods: db/pg-0 (StatefulSet pod)"),
                Arguments.of(blockingFive(), "blocking pods: default/bare-1 (no controller: nothing would"
                        + " recreate it), default/bare-2 (no controller: nothing would recreate it), default/bare-3 (no"
                        + " controller: nothing would recreate it) and 2 more"),
                Arguments.of(new RejectionReason.PodsWouldNotFit(sized("big", "w1", 1600, 100)),
                        "its pods would not all find a place on the other workers: default/big (1600m CPU, 100Mi memory)"
                                + " fits no node by requests, selectors, affinity and taints"),
                Arguments.of(new RejectionReason.ConstraintNotModelled(sized("web-1", "w1", 100, 64), "required pod affinity"),
                        "its pod default/web-1 has a scheduling constraint the fit check does not model (required pod"
                                + " affinity): kept rather than guess where it goes"),
                Arguments.of(new RejectionReason.NotPreferred("w2", 3, 1),
                        "eligible, but w2 is preferred (3 evictable pods vs 1; ties go to the oldest node)"),
                Arguments.of(new RejectionReason.NotPreferred("w2", 1, 0),
                        "eligible, but w2 is preferred (1 evictable pod vs 0; ties go to the oldest node)"));
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of(Rule.MIRROR, WEB, "mirror pod: owned by the kubelet"),
                Arguments.of(Rule.DAEMON_SET, WEB, "DaemonSet pod: runs on every node"),
                Arguments.of(Rule.FINISHED, phase(WEB, "Succeeded"), "finished (Succeeded)"),
                Arguments.of(Rule.SAFE_TO_EVICT_FALSE, WEB, "cluster-autoscaler.kubernetes.io/safe-to-evict=false"),
                Arguments.of(Rule.DO_NOT_DISRUPT, WEB, "karpenter.sh/do-not-disrupt=true"),
                Arguments.of(Rule.SAFE_TO_EVICT_TRUE, WEB, "cluster-autoscaler.kubernetes.io/safe-to-evict=true"),
                Arguments.of(Rule.NO_CONTROLLER, WEB, "no controller: nothing would recreate it"),
                Arguments.of(Rule.STATEFUL_SET, PG, "StatefulSet pod"),
                Arguments.of(Rule.KUBE_SYSTEM, WEB, "kube-system pod that is not a DaemonSet"),
                Arguments.of(Rule.CONTROLLED, WEB, "owned by ReplicaSet"));
    }

    static Stream<Arguments> drains() {
        return Stream.of(
                Arguments.of(new DrainOutcome.Empty("w1", 0), "w1 is empty"),
                Arguments.of(new DrainOutcome.Empty("w1", 1), "w1 is empty (1 DaemonSet/mirror/finished pod goes with it)"),
                Arguments.of(new DrainOutcome.Empty("w1", 2), "w1 is empty (2 DaemonSet/mirror/finished pods go with it)"),
                Arguments.of(new DrainOutcome.PodsRemain("w1", ONE), "w1: 1 pod remains; blocked by a PodDisruptionBudget"
                        + " (429), retried next pass: default/db-0"),
                Arguments.of(new DrainOutcome.PodsRemain("w1", SOME), "w1: 7 pods remain (warning: not cordoned, so new"
                        + " pods may land here; CordonNode comes first); evicted now: default/web-1; blocked by a"
                        + " PodDisruptionBudget (429), retried next pass: default/db-0; kept by rules: db/pg-0"
                        + " (StatefulSet pod); terminating: default/old-1; failed: default/x (eviction answered 404/409"
                        + " but the pod still exists: is policy/v1 served?); 2 not reached in this pass's 20 s budget"),
                Arguments.of(new DrainOutcome.DeadlineReached("w1", ONE, Duration.ofSeconds(90)), "w1: deadline reached"
                        + " with 1 pod left (drain budget 90 s); blocked by a PodDisruptionBudget (429), retried next"
                        + " pass: default/db-0"),
                Arguments.of(new DrainOutcome.PreemptedByClaim("w1", DrainPurpose.SPOT_INTERRUPTION, DrainPurpose.SCALE_DOWN),
                        "preempted by Spot interruption: its drain owns w1 now; this scale-down stops without uncordoning it"),
                Arguments.of(new DrainOutcome.PreemptedByClaim("w1", DrainPurpose.REBALANCE, DrainPurpose.SCALE_DOWN),
                        "preempted by a rebalance drain: its drain owns w1 now; this scale-down stops without uncordoning it"),
                Arguments.of(new DrainOutcome.NodeDeleted("w1", DrainPurpose.SCALE_DOWN), "preempted by Spot interruption"
                        + " (or an operator): w1 was deleted during the scale-down drain; nothing more to do here, and"
                        + " the reconcile terminates its instance if EC2 does not"),
                Arguments.of(new DrainOutcome.NeededAgain("w1", WEB, DrainPurpose.SCALE_DOWN), "capacity lost meanwhile:"
                        + " default/web-1 (100m CPU, 64Mi) waits unscheduled and fits on no other schedulable worker,"
                        + " only on w1; the scale-down stops and gives w1 back"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejections")
    void everyRejection_readsAsPinned(RejectionReason reason, String expected) {
        assertEquals(expected, ScaleDownWording.rejection(reason));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyPodRule_readsAsPinned(Rule rule, PodView pod, String expected) {
        assertEquals(expected, ScaleDownWording.rule(new PodVerdict(pod, Action.EVICT, rule)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("drains")
    void everyDrainOutcome_readsAsPinned(DrainOutcome outcome, String expected) {
        assertEquals(expected, ScaleDownWording.drain(outcome));
    }

    @Test
    void theSelectionLines_readAsPinned() {
        NodeView w1 = worker("w1", 0);
        List<Rejection> rejected = List.of(new Rejection("master", new RejectionReason.NodeRule(Code.CONTROL_PLANE)),
                new Rejection("w2", new RejectionReason.NotPreferred("w1", 1, 0)));
        ScaleDownChoice.Chosen chosen = new ScaleDownChoice.Chosen(w1, List.of(), rejected);
        ScaleDownChoice.Chosen withOnePod = new ScaleDownChoice.Chosen(w1, List.of(WEB), List.of());

        assertEquals("remove w1 (" + w1.instanceId() + "): 0 pods to evict, all fit on the other workers;"
                + " 1 other worker not chosen", ScaleDownWording.chosen(chosen, null));
        assertEquals("remove w1 (" + w1.instanceId() + "): 1 pod to evict, all fit on the other workers"
                + " (requested by name)", ScaleDownWording.chosen(withOnePod, "requested by name"));
        assertEquals("no node can be removed safely: master: control-plane node: never removed; w2: eligible, but w1"
                + " is preferred (1 evictable pod vs 0; ties go to the oldest node)",
                ScaleDownWording.noCandidate(new ScaleDownChoice.NoCandidate(rejected)));
        assertEquals("node w9 does not exist", ScaleDownWording.noSuchNode("w9"));
        assertEquals("no Node runs on i-9", ScaleDownWording.noNodeOn("i-9"));
    }

    @Test
    void theTables_coverEveryCode() {
        WordingTables.assertCoversEveryCode(rejections(), RejectionReason.class, RejectionReason::code, Code.class);
        WordingTables.assertCoversEveryCode(rules(), Rule.class, rule -> rule, Rule.class);
        WordingTables.assertCoversEveryCode(drains(), DrainOutcome.class, DrainOutcome::code, DrainOutcome.Code.class);
    }
}
