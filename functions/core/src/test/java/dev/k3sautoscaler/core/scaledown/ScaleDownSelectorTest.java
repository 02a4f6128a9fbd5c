package dev.k3sautoscaler.core.scaledown;

import static dev.k3sautoscaler.core.scaledown.Cluster.MIB;
import static dev.k3sautoscaler.core.scaledown.Cluster.cordoned;
import static dev.k3sautoscaler.core.scaledown.Cluster.deleting;
import static dev.k3sautoscaler.core.scaledown.Cluster.map;
import static dev.k3sautoscaler.core.scaledown.Cluster.master;
import static dev.k3sautoscaler.core.scaledown.Cluster.phase;
import static dev.k3sautoscaler.core.scaledown.Cluster.pod;
import static dev.k3sautoscaler.core.scaledown.Cluster.sized;
import static dev.k3sautoscaler.core.scaledown.Cluster.withAnnotation;
import static dev.k3sautoscaler.core.scaledown.Cluster.withLabels;
import static dev.k3sautoscaler.core.scaledown.Cluster.withoutProviderId;
import static dev.k3sautoscaler.core.scaledown.Cluster.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.PodVerdict.Rule;
import dev.k3sautoscaler.core.scaledown.RejectionReason.Code;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScaleDownSelectorTest {
    private final ScaleDownSelector selector = new ScaleDownSelector(EvictionRules.defaults());

    /** Every node's instance is a managed worker in EC2: the rules below are about the cluster. */
    private ScaleDownChoice choose(List<NodeView> nodes, List<PodView> pods) {
        return selector.choose(nodes, pods, ownedAll(nodes));
    }

    private ScaleDownChoice choose(List<NodeView> nodes, List<PodView> pods, String onlyNode) {
        return selector.choose(nodes, pods, ownedAll(nodes).onlyNode(onlyNode));
    }

    private static Candidacy ownedAll(List<NodeView> nodes) {
        return Candidacy.owned(nodes.stream().map(NodeView::instanceId).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet()));
    }

    private static List<Rule> rules(RejectionReason reason) {
        return ((RejectionReason.BlockingPods) reason).blocking().stream().map(PodVerdict::rule).toList();
    }

    private static Map<String, RejectionReason> reasons(ScaleDownChoice choice) {
        return choice.rejected().stream().collect(Collectors.toMap(Rejection::node, Rejection::reason));
    }

    @Test
    void choose_prefersFewestEvictablePods() {
        // GIVEN three workers with 3, 1 and 2 pods
        List<NodeView> nodes = List.of(worker("w1", 0), worker("w2", 1), worker("w3", 2));
        List<PodView> pods = List.of(pod("a", "w1"), pod("b", "w1"), pod("c", "w1"), pod("d", "w2"),
                pod("e", "w3"), pod("f", "w3"));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, pods);

        // THEN the one with a single pod wins and the others say why not
        ScaleDownChoice.Chosen chosen = assertInstanceOf(ScaleDownChoice.Chosen.class, choice);
        assertEquals("w2", chosen.node().name());
        assertEquals(List.of("default/d"), chosen.evictable().stream().map(PodView::qualifiedName).toList());
        assertEquals(new RejectionReason.NotPreferred("w2", 3, 1), reasons(choice).get("w1"));
    }

    @Test
    void choose_breaksTiesByOldestNode() {
        // GIVEN two empty workers, w2 created before w1
        List<NodeView> nodes = List.of(worker("w1", 5), worker("w2", 1));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, List.of());

        // THEN the older one goes
        assertEquals("w2", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
    }

    @Test
    void choose_ignoresDaemonSetMirrorAndFinishedPods_whenCountingEvictablePods() {
        // GIVEN w1 with only DaemonSet, mirror and finished pods, w2 with one Deployment pod (w1 is newer)
        List<NodeView> nodes = List.of(worker("w1", 5), worker("w2", 1));
        List<PodView> pods = List.of(
                pod("kube-system", "svclb-1", "DaemonSet", Map.of(), "w1", 10, MIB),
                pod("kube-system", "static-1", "Node", map(NodeLabels.MIRROR_POD, "x"), "w1", 10, MIB),
                phase(pod("default", "job-1", "Job", Map.of(), "w1", 10, MIB), "Succeeded"),
                pod("web", "w2"));

        // WHEN a node is chosen
        ScaleDownChoice.Chosen chosen = assertInstanceOf(ScaleDownChoice.Chosen.class, choose(nodes, pods));

        // THEN w1 has zero evictable pods and wins despite being newer
        assertEquals("w1", chosen.node().name());
        assertEquals(List.of(), chosen.evictable());
    }

    @Test
    void choose_rejectsEveryNodeRule_withAReasonPerNode() {
        // GIVEN a master, an unmanaged worker, an opted-out, a deleting, a foreign-cordoned and an unmapped worker
        List<NodeView> nodes = List.of(
                master(),
                withLabels(worker("byhand", 0), Map.of()),
                withAnnotation(worker("optout", 0), NodeLabels.SCALE_DOWN_DISABLED, "true"),
                deleting(worker("leaving", 0)),
                cordoned(worker("maint", 0), List.of()),
                withoutProviderId(worker("noid", 0)));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, List.of());

        // THEN none is, and each rejection names its rule
        assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice);
        Map<String, RejectionReason> reasons = reasons(choice);
        assertEquals(Code.CONTROL_PLANE, reasons.get("master").code());
        assertEquals(Code.NOT_MANAGED, reasons.get("byhand").code());
        assertEquals(Code.SCALE_DOWN_DISABLED, reasons.get("optout").code());
        assertEquals(Code.DELETING, reasons.get("leaving").code());
        assertEquals(Code.CORDONED_BY_SOMEONE_ELSE, reasons.get("maint").code());
        assertEquals(Code.NO_PROVIDER_ID, reasons.get("noid").code());
    }

    @Test
    void choose_neverPicksTheMaster_evenWhenItCarriesTheManagedLabel() {
        // GIVEN a master wrongly labelled as managed and empty
        NodeView master = withLabels(master(), map(NodeLabels.MANAGED, "true", NodeLabels.ROLE_MASTER, "true"));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(List.of(master), List.of());

        // THEN the role label wins
        assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice);
    }

    @Test
    void choose_mayResumeANodeWeCordonedOurselves() {
        // GIVEN a worker carrying our draining taint (a previous run stopped half way), and a busier one
        List<NodeView> nodes = List.of(cordoned(worker("w1", 0), List.of(NodeLabels.DRAINING_TAINT)), worker("w2", 0));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, List.of(pod("a", "w2")));

        // THEN it is not treated as someone else's cordon
        assertEquals("w1", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
    }

    @Test
    void choose_rejectsNodesWithBlockingPods_namingThem() {
        // GIVEN w1 with a StatefulSet pod and w2 with a do-not-disrupt pod
        List<NodeView> nodes = List.of(worker("w1", 0), worker("w2", 0));
        List<PodView> pods = List.of(
                pod("db", "pg-0", "StatefulSet", Map.of(), "w1", 10, MIB),
                pod("batch", "etl", "Job", map(NodeLabels.DO_NOT_DISRUPT, "true"), "w2", 10, MIB));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, pods);

        // THEN neither is, and the reasons name the pods and rules
        assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice);
        assertEquals(List.of(Rule.STATEFUL_SET), rules(reasons(choice).get("w1")));
        assertEquals(List.of(Rule.DO_NOT_DISRUPT), rules(reasons(choice).get("w2")));
    }

    @Test
    void choose_countsBlockersBeyondThree() {
        // GIVEN a worker with five bare pods
        List<PodView> pods = List.of(1, 2, 3, 4, 5).stream()
                .map(i -> pod("default", "bare-" + i, null, Map.of(), "w1", 10, MIB)).toList();

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(List.of(worker("w1", 0)), pods);

        // THEN three are named and two counted
        assertEquals(5, ((RejectionReason.BlockingPods) reasons(choice).get("w1")).blocking().size());
        assertTrue(choice.rejected().getFirst().rejectedBecause().endsWith(" and 2 more"),
                choice.rejected().getFirst().rejectedBecause());
    }

    @Test
    void choose_rejectsNode_whosePodsDoNotFitElsewhere() {
        // GIVEN w1 running a 1600m pod; w2 running a 300m pod and a 200m DaemonSet pod (1430m free)
        List<NodeView> nodes = List.of(worker("w1", 0), worker("w2", 1));
        List<PodView> pods = List.of(sized("big", "w1", 1600, 100), sized("steady", "w2", 300, 100),
                pod("kube-system", "svclb", "DaemonSet", Map.of(), "w2", 200, MIB));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, pods);

        // THEN w1 is refused (its pod has nowhere to go); w2's pod fits in w1's 330m so w2 is chosen
        ScaleDownChoice.Chosen chosen = assertInstanceOf(ScaleDownChoice.Chosen.class, choice);
        assertEquals("w2", chosen.node().name());
        assertEquals("default/big",
                ((RejectionReason.PodsWouldNotFit) reasons(choice).get("w1")).unplaced().qualifiedName());
    }

    @Test
    void choose_doesNotCountCordonedOrMasterNodesAsRoom() {
        // GIVEN w1 with a pod, and the only other room on the master and on a cordoned worker
        List<NodeView> nodes = List.of(worker("w1", 0), master(), cordoned(worker("w2", 0), List.of()));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, List.of(pod("a", "w1")));

        // THEN there is nowhere to move the pod
        assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice);
        assertEquals(Code.PODS_WOULD_NOT_FIT, reasons(choice).get("w1").code());
    }

    @Test
    void choose_packsManyPodsFirstFitDecreasing() {
        // GIVEN w1 with four 900m pods and two empty workers (1930m each: two 900m pods per node)
        List<NodeView> nodes = List.of(worker("w1", 9), worker("w2", 0), worker("w3", 0));
        List<PodView> pods = List.of(sized("a", "w1", 900, 64), sized("b", "w1", 900, 64), sized("c", "w1", 900, 64),
                sized("d", "w1", 900, 64));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, pods);

        // THEN the empty (older) w2 is chosen; w1 would also have fit on w2+w3
        assertEquals("w2", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
        assertEquals(Code.NOT_PREFERRED, reasons(choice).get("w1").code(), reasons(choice).toString());
    }

    @Test
    void choose_withANamedNode_considersOnlyIt_butCountsTheOthersAsRoom() {
        // GIVEN a busy w1 and an empty, older w2; the operator names w1
        List<NodeView> nodes = List.of(worker("w1", 5), worker("w2", 0));

        // WHEN chosen by name
        ScaleDownChoice choice = choose(nodes, List.of(pod("a", "w1")), "w1");

        // THEN w1 is chosen (its pod fits on w2) and w2 gets no rejection line
        assertEquals("w1", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
        assertEquals(List.of(), choice.rejected());
    }

    @Test
    void choose_withANamedNode_stillAppliesEveryRule() {
        // GIVEN the operator names the master
        ScaleDownChoice choice = choose(List.of(master(), worker("w1", 0)), List.of(), "master");

        // WHEN / THEN it is refused with the reason, and nothing else is offered
        assertEquals(List.of(new Rejection("master", new RejectionReason.NodeRule(Code.CONTROL_PLANE))),
                assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice).rejected());
    }

    @Test
    void choose_neverOffersANodeWhoseInstanceIsNotOurs_whateverItsLabels() {
        // GIVEN an empty hand-joined node with the managed label, and a busier worker of ours
        NodeView handJoined = worker("w1", 0);
        NodeView ours = worker("w2", 1);
        Candidacy candidacy = Candidacy.owned(java.util.Set.of(ours.instanceId()));

        // WHEN a node is chosen
        ScaleDownChoice choice = selector.choose(List.of(handJoined, ours), List.of(pod("a", "w2")), candidacy);

        // THEN ours is chosen and the hand-joined one is rejected with EC2's word
        assertEquals("w2", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
        assertEquals(Code.NOT_OURS_IN_EC2, reasons(choice).get("w1").code(), reasons(choice).toString());
    }

    @Test
    void choose_offersNothing_whenEc2CouldNotBeRead() {
        // GIVEN ownership unknown
        Candidacy unknown = new Candidacy(null, null, null, "Ec2Unavailable: throttled", Map.of());

        // WHEN a node is chosen
        ScaleDownChoice choice = selector.choose(List.of(worker("w1", 0), worker("w2", 1)), List.of(), unknown);

        // THEN no node is a candidate, and each says why
        assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice);
        assertEquals("Ec2Unavailable: throttled", ((RejectionReason.OwnershipUnknown) reasons(choice).get("w1")).why());
    }

    @Test
    void choose_passesOverANodeWhoseLastScaleDownCouldNotFinish() {
        // GIVEN two empty workers, the older one blocked by a PodDisruptionBudget last time
        List<NodeView> nodes = List.of(worker("w1", 0), worker("w2", 1));
        Candidacy candidacy = ownedAll(nodes).blocked(Map.of(nodes.getFirst().instanceId(), "PDB shop/web kept a pod"));

        // WHEN a node is chosen
        ScaleDownChoice choice = selector.choose(nodes, List.of(), candidacy);

        // THEN the other one is
        assertEquals("w2", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
        assertTrue(((RejectionReason.PassedOver) reasons(choice).get("w1")).why().contains("PDB shop/web kept a pod"));
    }

    @Test
    void choose_neverOffersANodeBeingDrainedForASpotInterruption() {
        // GIVEN an empty worker claimed by a Spot interruption drain
        NodeView spot = withAnnotation(cordoned(worker("w1", 0), List.of(NodeLabels.DRAINING_TAINT)),
                NodeLabels.DRAIN_PURPOSE, "spot-interruption");
        List<NodeView> nodes = List.of(spot, worker("w2", 1));

        // WHEN a node is chosen
        ScaleDownChoice choice = choose(nodes, List.of());

        // THEN it is not
        assertEquals("w2", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
        assertEquals(new RejectionReason.DrainingForOther(DrainPurpose.SPOT_INTERRUPTION), reasons(choice).get("w1"));
    }

    @Test
    void choose_forARebalanceRetirement_considersOnlyThatInstancesNode() {
        // GIVEN two empty workers; the rebalance recommendation names the younger one's instance
        List<NodeView> nodes = List.of(worker("w1", 0), worker("w2", 1));

        // WHEN chosen by instance
        ScaleDownChoice choice = selector.choose(nodes, List.of(), ownedAll(nodes).onlyInstance(nodes.get(1).instanceId()));

        // THEN only that one is offered
        assertEquals("w2", assertInstanceOf(ScaleDownChoice.Chosen.class, choice).node().name());
        assertEquals(List.of(), choice.rejected());
    }

    @Test
    void chooseEach_takesEveryCandidateWhosePodsFit_withThePodsOfThoseAlreadyTaken() {
        // GIVEN two empty workers, two holding an 800m pod each, and one worker with 1000m free
        List<NodeView> nodes = List.of(worker("e1", 0), worker("e2", 1), worker("p1", 2), worker("p2", 3),
                worker("stay", 4));
        List<PodView> pods = List.of(sized("a", "p1", 800, 64), sized("b", "p2", 800, 64),
                sized("resident", "stay", 930, 64));

        // WHEN the policy asks for both empty ones and both with a pod
        ScaleDownChoice choice = selector.chooseEach(nodes, pods, ownedAll(nodes), List.of("e1", "e2", "p1", "p2"));

        // THEN the empty ones go, p1's pod fits on the one that stays, and p2's pod, beside it, no longer does
        ScaleDownChoice.Several several = assertInstanceOf(ScaleDownChoice.Several.class, choice);
        assertEquals(List.of("e1", "e2", "p1"), several.removals().stream().map(r -> r.node().name()).toList());
        assertEquals(List.of(true, true, false), several.removals().stream().map(ScaleDownChoice.Removal::empty).toList());
        assertEquals("default/b", ((RejectionReason.PodsWouldNotFit) reasons(choice).get("p2")).unplaced().qualifiedName());
        assertEquals("remove e1 (empty), e2 (empty), p1 (1 pod to evict): every pod fits on the workers that stay;"
                + " not removed: p2: " + ScaleDownWording.rejection(reasons(choice).get("p2")),
                ScaleDownWording.chosenSeveral(several));
    }

    @Test
    void chooseEach_appliesEveryNodeRule_andConsidersOnlyTheCandidates() {
        List<NodeView> nodes = List.of(worker("w1", 0), withAnnotation(worker("w2", 1), NodeLabels.SCALE_DOWN_DISABLED, "true"),
                worker("w3", 2));

        ScaleDownChoice choice = selector.chooseEach(nodes, List.of(), ownedAll(nodes), List.of("w2", "w3", "gone"));

        ScaleDownChoice.Several several = assertInstanceOf(ScaleDownChoice.Several.class, choice);
        assertEquals(List.of("w3"), several.removals().stream().map(r -> r.node().name()).toList());
        assertEquals(Code.SCALE_DOWN_DISABLED, reasons(choice).get("w2").code());
        assertEquals(1, choice.rejected().size());
    }

    @Test
    void chooseEach_withNoCandidateLeft_saysWhyForEach() {
        List<NodeView> nodes = List.of(worker("w1", 0), worker("w2", 1));
        List<PodView> pods = List.of(sized("big", "w1", 1800, 64), sized("big2", "w2", 1800, 64));

        ScaleDownChoice choice = selector.chooseEach(nodes, pods, ownedAll(nodes), List.of("w1"));

        assertInstanceOf(ScaleDownChoice.NoCandidate.class, choice);
        assertEquals(Code.PODS_WOULD_NOT_FIT, reasons(choice).get("w1").code());
    }
}
