package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.k3sautoscaler.core.scaledown.DrainOutcome;
import dev.k3sautoscaler.core.scaledown.DrainPurpose;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.errors.KubernetesApiUnavailable;
import dev.k3sautoscaler.errors.NodeNotFound;
import dev.k3sautoscaler.errors.NodeNotManaged;
import dev.k3sautoscaler.kube.DrainNodeOutput;
import dev.k3sautoscaler.runtime.StepJson;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DrainNodeIT {
    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private DrainNodeOutput drain(String node) {
        return cluster.operations().drainPass(new NodeRef(node, null), DrainPurpose.SCALE_DOWN, null);
    }

    private List<RecordedRequest> evictions() throws InterruptedException {
        return cluster.autoscalerRequests().stream().filter(r -> r.getPath().endsWith("/eviction")).toList();
    }

    @Test
    void drain_evictsEvictablePods_skipsDaemonSetAndMirrorPods_andIsEmptyOnceTheyAreGone() throws Exception {
        // GIVEN a cordoned worker with two Deployment pods, a DaemonSet pod and a mirror pod
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.pod("default", "web-2", "w1", "ReplicaSet");
        cluster.pod("kube-system", "svclb-w1", "w1", "DaemonSet");
        cluster.createPod(cluster.podBuilder("kube-system", "static-w1", "w1", "Node").editMetadata()
                .addToAnnotations(NodeLabels.MIRROR_POD, "hash").endMetadata().build());
        cluster.evictionAnswers("default", "web-1", 201, 1);
        cluster.evictionAnswers("default", "web-2", 201, 1);
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN one pass runs
        DrainNodeOutput first = drain("w1");

        // THEN both Deployment pods are evicted (still terminating, so not empty); the others are skipped
        assertEquals(List.of("default/web-1", "default/web-2"), first.evicted());
        assertEquals(2, first.skipped());
        assertEquals(2, first.remaining());
        assertFalse(first.empty());
        assertEquals(DrainOutcome.Code.PODS_REMAIN, first.outcome());
        assertEquals(2, evictions().size());

        // AND WHEN the kubelet has stopped them and a second pass runs
        cluster.podTerminated("default", "web-1");
        cluster.podTerminated("default", "web-2");
        DrainNodeOutput second = drain("w1");

        // THEN the node is empty and no further eviction was sent
        assertTrue(second.empty());
        assertEquals(0, second.remaining());
        assertEquals(DrainOutcome.Code.EMPTY, second.outcome());
        assertEquals(2, evictions().size());
    }

    @Test
    void drain_sendsPolicyV1Evictions_withTheListedPodsUid() throws Exception {
        // GIVEN a worker with one pod
        cluster.worker("w1", "i-1", true);
        String uid = cluster.pod("default", "web-1", "w1", "ReplicaSet").getMetadata().getUid();
        cluster.evictionAnswers("default", "web-1", 201, 1);

        // WHEN drained
        drain("w1");

        // THEN the eviction is policy/v1 (v1beta1 is 404 on current K3s) and guarded by the pod's UID
        JsonNode body = StepJson.MAPPER.readTree(evictions().getFirst().getBody().readUtf8());
        assertEquals("policy/v1", body.path("apiVersion").asText());
        assertEquals("Eviction", body.path("kind").asText());
        assertEquals(uid, body.path("deleteOptions").path("preconditions").path("uid").asText());
    }

    @Test
    void drain_reportsBlocked_whenPdbAnswers429_andEvictsOnALaterPass() {
        // GIVEN a pod whose PodDisruptionBudget refuses the first eviction
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "web-1", 429, 1);
        cluster.evictionAnswers("default", "web-1", 201, 1);

        // WHEN the first pass runs
        DrainNodeOutput first = drain("w1");

        // THEN the pod is reported blocked by the PDB (the client did not retry the 429 silently)
        assertEquals(List.of("default/web-1"), first.blockedByPdb());
        assertEquals(List.of(), first.evicted());
        assertFalse(first.empty());
        assertEquals(DrainOutcome.Code.PODS_REMAIN, first.outcome());

        // AND WHEN the budget allows it on the next pass
        DrainNodeOutput second = drain("w1");

        // THEN it is evicted
        assertEquals(List.of("default/web-1"), second.evicted());
        assertEquals(List.of(), second.blockedByPdb());
    }

    @Test
    void drain_isBlockedByAPodDisruptionBudget_untilAReplacementRuns() {
        // GIVEN a cordoned worker whose only web pod a budget keeps (minAvailable 1)
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.createPod(cluster.podBuilder("default", "web-1", "w1", "ReplicaSet").editMetadata()
                .addToLabels("app", "web").endMetadata().build());
        cluster.admin().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("web").endMetadata().withNewSpec().withMinAvailable(new IntOrString(1))
                .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN a pass runs
        DrainNodeOutput first = drain("w1");

        // THEN the API server's 429 reads as blocked
        assertEquals(List.of("default/web-1"), first.blockedByPdb());

        // AND WHEN a replacement runs on w2, the next pass evicts, and the pod terminates until its kubelet confirms
        cluster.createPod(cluster.podBuilder("default", "web-2", "w2", "ReplicaSet").editMetadata()
                .addToLabels("app", "web").endMetadata().build());
        DrainNodeOutput second = drain("w1");
        assertEquals(List.of("default/web-1"), second.evicted());
        assertFalse(second.empty());
        cluster.podTerminated("default", "web-1");
        assertTrue(drain("w1").empty());
    }

    @Test
    void drain_ofAnEmptyNode_isEmptyAtOnce() {
        // GIVEN a worker with no pods
        cluster.worker("w1", "i-1", true);

        // WHEN drained
        DrainNodeOutput out = drain("w1");

        // THEN it is empty
        assertTrue(out.empty());
        assertEquals(DrainOutcome.Code.EMPTY, out.outcome());
    }

    @Test
    void drain_neverTouchesPodsOfOtherNodes() throws Exception {
        // GIVEN a pod on w2 only
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("default", "web-2", "w2", "ReplicaSet");

        // WHEN w1 is drained
        DrainNodeOutput out = drain("w1");

        // THEN w1 is empty and nothing was evicted
        assertTrue(out.empty());
        assertEquals(List.of(), evictions());
    }

    @Test
    void drain_readsOnlyItsNodesPods_notEveryPodOfTheCluster() throws Exception {
        // GIVEN w1 with one pod, thirty pods on w2, w1 cordoned for a scale-down and no pod waiting
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        for (int i = 0; i < 30; i++) {
            cluster.pod("shop", "cart-" + i, "w2", "ReplicaSet");
        }
        cluster.evictionAnswers("default", "web-1", 201, 1);
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN a scale-down pass and a Spot pass run
        DrainNodeOutput scaleDown = drain("w1");
        List<String> scaleDownReads = cluster.podListQueries().stream().sorted().toList();
        cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SPOT_INTERRUPTION, null);

        // THEN w1's pod is evicted, and every pod list was narrowed by a field selector: w1's pods, and (scale-down
        // only) the unbound Pending pods the capacity check looks for first; with none waiting it reads no more
        assertEquals(List.of("default/web-1"), scaleDown.evicted());
        String page = "&limit=" + KubeCalls.PAGE_SIZE;
        assertEquals(List.of("fieldSelector=spec.nodeName=,status.phase=Pending" + page,
                "fieldSelector=spec.nodeName=w1" + page), scaleDownReads);
        assertEquals("fieldSelector=spec.nodeName=w1" + page, cluster.podListQueries().getLast());
        assertEquals(3, cluster.podListQueries().size());
    }

    @Test
    void drain_filtersPodsByNodeInCode_whenTheServerIgnoresTheSelector() throws Exception {
        // GIVEN an API (or a proxy) that answers w1's pod list with the pods of every node
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        Pod mine = cluster.pod("default", "web-1", "w1", "ReplicaSet");
        Pod other = cluster.pod("default", "web-2", "w2", "ReplicaSet");
        cluster.evictionAnswers("default", "web-1", 201, 1);
        cluster.server().expect().get().withPath("/api/v1/pods?fieldSelector=spec.nodeName%3Dw1&limit=" + KubeCalls.PAGE_SIZE)
                .andReturn(200, new PodListBuilder().withItems(mine, other).build()).always();

        // WHEN a Spot pass drains w1
        DrainNodeOutput out = cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SPOT_INTERRUPTION, null);

        // THEN only w1's pod was evicted
        assertEquals(List.of("default/web-1"), out.evicted());
        assertEquals(1, evictions().size());
    }

    @Test
    void drain_readsEviction404AsGone_onlyAfterConfirmingThePodIsAbsent() {
        // GIVEN two pods whose evictions answer 404; one is really gone (GET 404, and no longer listed), the
        // other still exists
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "gone-1", "w1", "ReplicaSet");
        Pod still = cluster.pod("default", "still-1", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "gone-1", 404, 1);
        cluster.evictionAnswers("default", "still-1", 404, 1);
        cluster.server().expect().get().withPath("/api/v1/namespaces/default/pods/gone-1").andReturn(404,
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}").once();
        cluster.server().expect().get().withPath("/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dgone-1")
                .andReturn(200, new PodListBuilder().withItems(still).build()).once();

        // WHEN drained
        DrainNodeOutput out = drain("w1");

        // THEN the absent pod counts as gone; the present one keeps the node from being reported empty
        assertEquals(List.of("default/gone-1"), out.gone());
        assertEquals(List.of("default/still-1 (eviction answered 404/409 but the pod still exists: is policy/v1"
                + " served?)"), out.failed());
        assertEquals(1, out.remaining());
        assertFalse(out.empty());
    }

    @Test
    void drain_doesNotReadA409AsGone_whileThePodStays() {
        // GIVEN an eviction answered 409 (a conflicting writer) while the pod stays
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "web-1", 409, 1);

        // WHEN drained
        DrainNodeOutput out = drain("w1");

        // THEN the pod is not counted as gone
        assertEquals(List.of(), out.gone());
        assertEquals(1, out.failed().size());
        assertFalse(out.empty());
    }

    @Test
    void drain_keepsBlockingPods_butEvictsThemOnASpotInterruption() {
        // GIVEN a StatefulSet pod on the node
        cluster.worker("w1", "i-1", true);
        cluster.pod("db", "pg-0", "w1", "StatefulSet");
        cluster.evictionAnswers("db", "pg-0", 201, 1);

        // WHEN drained for a scale-down
        DrainNodeOutput scaleDown = drain("w1");

        // THEN it is kept and named
        assertEquals(List.of("db/pg-0 (StatefulSet pod)"), scaleDown.blockedByRule());
        assertEquals(1, scaleDown.remaining());

        // AND WHEN drained for a Spot interruption (by instance id, as the EC2 event names it)
        DrainNodeOutput spot = cluster.operations().drainPass(new NodeRef(null, "i-1"), DrainPurpose.SPOT_INTERRUPTION, null);

        // THEN it is evicted
        assertEquals(List.of("db/pg-0"), spot.evicted());
    }

    @Test
    void drain_leavesPodsForTheNextPass_whenThePassBudgetIsSpent() {
        // GIVEN three pods and API calls that take 15 s of clock each
        cluster.worker("w1", "i-1", true);
        for (String pod : List.of("a", "b", "c")) {
            cluster.pod("default", pod, "w1", "ReplicaSet");
            cluster.evictionAnswers("default", pod, 201, 1);
        }
        cluster.clock.advanceOnEveryReading(Duration.ofSeconds(15));

        // WHEN one pass runs
        DrainNodeOutput out = drain("w1");

        // THEN it stops evicting past the 20 s budget and reports the rest as remaining
        assertEquals(List.of("default/a"), out.evicted());
        assertEquals(3, out.remaining());
        assertTrue(out.reason().endsWith("; 2 not reached in this pass's 20 s budget"), out.reason());
    }

    @Test
    void drain_failsWithRetryableError_whenAnEvictionAnswers5xx() {
        // GIVEN an API server failing evictions with 503
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "web-1", 503, 1);

        // WHEN / THEN the pass fails with the retryable error instead of reading the pod as gone
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class, () -> drain("w1"));
        assertTrue(error.retryable());
        assertTrue(error.getMessage().startsWith("evict pod default/web-1 failed: the K3s API server gave HTTP 503"),
                error.getMessage());
    }

    @Test
    void drain_refusesTheMaster_andUnknownNodes() {
        // GIVEN the master
        cluster.master("master", "i-master");

        // WHEN / THEN the master is refused; a Node that is gone ends a Spot drain with its error, and a
        // scale-down drain (whose own cordon came first) as preempted by whoever deleted it
        assertThrows(NodeNotManaged.class, () -> drain("master"));
        assertThrows(NodeNotFound.class, () -> cluster.operations().drainPass(new NodeRef("w9", null),
                DrainPurpose.SPOT_INTERRUPTION, null));
        DrainNodeOutput gone = drain("w9");
        assertTrue(gone.preempted(), gone.reason());
        assertFalse(gone.empty());
    }

    @Test
    void drain_reportsDeadlinePassed_onlyOnceTheDrainTimeoutIsReached_andNeverForAnEmptyNode() {
        // GIVEN a cordoned worker whose only pod is held by a PodDisruptionBudget, drained since "startedAt"
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "db-0", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "db-0", 429, 10);
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);
        java.time.Instant startedAt = cluster.clock.instant();

        // WHEN a pass runs 1 s before DRAIN_TIMEOUT_SEC (300 s) and again at it
        cluster.clock.advance(Duration.ofSeconds(299));
        DrainNodeOutput before = cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN, startedAt);
        cluster.clock.advance(Duration.ofSeconds(1));
        DrainNodeOutput at = cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN, startedAt);

        // THEN only the second says the deadline passed, and says so in its reason
        assertFalse(before.deadlinePassed(), before.reason());
        assertTrue(at.deadlinePassed(), at.reason());
        assertEquals(DrainOutcome.Code.DEADLINE_REACHED, at.outcome(), at.reason());
        assertEquals(DrainOutcome.Code.PODS_REMAIN, before.outcome(), before.reason());

        // AND in interruption mode the budget is SPOT_DRAIN_BUDGET_SEC (90 s), already long past
        assertTrue(cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SPOT_INTERRUPTION, startedAt).deadlinePassed());

        // AND an empty node is never "past its deadline"
        cluster.worker("w2", "i-2", true);
        assertFalse(cluster.operations().drainPass(new NodeRef("w2", null), DrainPurpose.SCALE_DOWN, startedAt).deadlinePassed());
    }

    @Test
    void drain_withOnePodLeft_saysItInTheSingular() {
        // GIVEN a cordoned worker with one Deployment pod whose eviction is accepted
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "web-1", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "web-1", 201, 1);
        cluster.operations().cordon(new NodeRef("w1", null), DrainPurpose.SCALE_DOWN);

        // WHEN one pass runs
        DrainNodeOutput out = drain("w1");

        // THEN one pod remains, in words that agree
        assertEquals(1, out.remaining());
        assertTrue(out.reason().startsWith("w1: 1 pod remains;"), out.reason());
    }

    @Test
    void spotDrain_atItsDeadline_saysDeadlineReachedWithThePodsLeft() {
        // GIVEN a worker whose only pod a PodDisruptionBudget holds, drained for a Spot interruption since startedAt
        cluster.worker("w1", "i-1", true);
        cluster.pod("default", "db-0", "w1", "ReplicaSet");
        cluster.evictionAnswers("default", "db-0", 429, 1);
        java.time.Instant startedAt = cluster.clock.instant();
        cluster.clock.advance(MockCluster.TIMEOUTS.drainBudget(true));

        // WHEN a pass runs at the SPOT_DRAIN_BUDGET_SEC deadline
        DrainNodeOutput out = cluster.operations().drainPass(new NodeRef("w1", null), DrainPurpose.SPOT_INTERRUPTION,
                startedAt);

        // THEN it is not reported as drained: the deadline was reached with the pod still there
        assertTrue(out.deadlinePassed(), out.reason());
        assertTrue(out.reason().startsWith("w1: deadline reached with 1 pod left"), out.reason());
    }
}
