package dev.k3sautoscaler.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.k3sautoscaler.core.scaledown.RejectionReason.Code;
import dev.k3sautoscaler.errors.KubernetesApiUnavailable;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster-wide reads come in pages of {@link KubeCalls#PAGE_SIZE}, each reduced to what the step
 * needs as it arrives, and follow the continue token to the end; an expired token starts the
 * listing over; every page is checked for nonsense.
 */
class PagedListsIT {
    private static final String FIRST_PAGE = "limit=" + KubeCalls.PAGE_SIZE;

    @RegisterExtension
    final MockCluster cluster = new MockCluster();

    private Pod web1;

    /**
     * w1 runs one web pod (namespace "a", on the first page) and a page's worth of finished jobs
     * (namespace "b"); w2's only pod has no controller and is listed last, on the second page: a
     * reader that stopped after one page would take w2 for empty and remove it.
     */
    @BeforeEach
    void twoPagesOfPods() {
        cluster.master("master", "i-master");
        cluster.worker("w1", "i-1", true);
        cluster.worker("w2", "i-2", true);
        web1 = cluster.pod("a", "web-1", "w1", "ReplicaSet");
        for (int i = 0; i < KubeCalls.PAGE_SIZE; i++) {
            cluster.createPod(cluster.podBuilder("b", "job-" + i, "w1", "Job").editStatus().withPhase("Succeeded")
                    .endStatus().build());
        }
        cluster.pod("zz", "solo", "w2", null);
    }

    private SelectScaleDownTargetOutput select() {
        return cluster.operations().selectScaleDownTarget(cluster.everyWorkerOurs(null));
    }

    private static Code reasonFor(SelectScaleDownTargetOutput out, String node) {
        return out.rejected().stream().filter(r -> r.node().equals(node)).map(RejectedNode::code).findFirst().orElseThrow();
    }

    @Test
    void select_readsPodsInPages_andFollowsTheContinueToken() throws Exception {
        // GIVEN two pages of pods

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = select();

        // THEN it read a first page of PAGE_SIZE and the rest with the token, and saw w2's pod on the second page
        List<String> reads = cluster.podListQueries();
        assertEquals(2, reads.size(), reads.toString());
        assertEquals(FIRST_PAGE, reads.get(0));
        assertTrue(reads.get(1).startsWith("continue=") && reads.get(1).endsWith("&" + FIRST_PAGE), reads.get(1));
        assertEquals("w1", out.chosen().name(), out.reason());
        assertEquals(Code.BLOCKING_PODS, reasonFor(out, "w2"));
    }

    @Test
    void nodeLists_arePagedToo() throws Exception {
        // GIVEN / WHEN the join check reads the nodes
        cluster.operations().checkJoin(List.of("i-1"), null);

        // THEN with a limit
        assertTrue(cluster.autoscalerRequests().stream().anyMatch(r -> r.getPath().equals("/api/v1/nodes?" + FIRST_PAGE)));
    }

    @Test
    void select_startsTheListingOver_whenItsContinueTokenExpired() throws Exception {
        // GIVEN a compaction between the first page and the second
        cluster.continueExpires(1);

        // WHEN a target is selected
        SelectScaleDownTargetOutput out = select();

        // THEN the 410 made it read again from the first page (mixing two revisions could count a moved pod twice)
        List<String> reads = cluster.podListQueries();
        assertEquals(List.of(FIRST_PAGE, FIRST_PAGE), reads.stream().filter(q -> !q.startsWith("continue=")).toList(),
                reads.toString());
        assertEquals(4, reads.size(), reads.toString());
        assertEquals("w1", out.chosen().name(), out.reason());
    }

    @Test
    void select_failsRetryably_whenEveryListingExpires() {
        // GIVEN an API whose continue tokens always expire
        cluster.continueExpires(Integer.MAX_VALUE);

        // WHEN / THEN a named, retryable error after a bounded number of restarts
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class, this::select);
        assertTrue(error.retryable());
        assertEquals("list pods failed: the K3s API server expired the listing's continue token "
                + (KubeCalls.EXPIRED_LISTING_RESTARTS + 1) + " times in a row (HTTP 410)", error.getMessage());
    }

    @Test
    void aLaterPageWithNoBody_isNonsense() {
        // GIVEN a first page that promises more, and an empty second page
        cluster.server().expect().get().withPath("/api/v1/pods?" + FIRST_PAGE)
                .andReturn(200, new PodListBuilder().withItems(web1).withNewMetadata().withContinue("next").endMetadata()
                        .build()).always();
        cluster.server().expect().get().withPath("/api/v1/pods?continue=next&" + FIRST_PAGE).andReturn(200, "").always();

        // WHEN / THEN
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class, this::select);
        assertEquals("list pods failed: the K3s API server answered with an empty body", error.getMessage());
    }

    @Test
    void aContinueTokenThatDoesNotAdvance_isNonsense_notAnEndlessListing() {
        // GIVEN a server that answers every page with the token it was given
        cluster.server().expect().get().withPath("/api/v1/pods?" + FIRST_PAGE)
                .andReturn(200, new PodListBuilder().withItems(web1).withNewMetadata().withContinue("same").endMetadata()
                        .build()).always();
        cluster.server().expect().get().withPath("/api/v1/pods?continue=same&" + FIRST_PAGE)
                .andReturn(200, new PodListBuilder().withNewMetadata().withContinue("same").endMetadata().build()).always();

        // WHEN / THEN
        KubernetesApiUnavailable error = assertThrows(KubernetesApiUnavailable.class, this::select);
        assertEquals("list pods failed: the K3s API server answered with a continue token that does not advance",
                error.getMessage());
    }
}
