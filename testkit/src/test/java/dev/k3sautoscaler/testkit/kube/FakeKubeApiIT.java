package dev.k3sautoscaler.testkit.kube;

import static dev.k3sautoscaler.testkit.TestWorld.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The virtual K3s API through a real fabric8 client, as the kube steps use it. */
class FakeKubeApiIT {
    private static final String TOKEN = "test-token";
    @AutoClose
    private final FakeKubeApi api = FakeKubeApi.start(Clock.fixed(T0, ZoneOffset.UTC));
    @AutoClose
    private final KubernetesClient client = api.client(TOKEN);

    private Pod web(String name, String app) {
        return api.create(KubeObjects.ownedBy(KubeObjects.pod("default", name, "w1", "app:1", 100, new Quantity("64Mi")),
                "ReplicaSet", app + "-rs", "rs-" + app).editMetadata().addToLabels("app", app).endMetadata().build());
    }

    private void budget(String app, IntOrString minAvailable, IntOrString maxUnavailable) {
        api.world().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(app).withNamespace("default").endMetadata()
                .withNewSpec().withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable)
                .withNewSelector().addToMatchLabels("app", app).endSelector().endSpec().build()).create();
    }

    private boolean evict(Pod pod) {
        return client.pods().inNamespace("default").withName(pod.getMetadata().getName()).evict(KubeObjects.eviction(pod));
    }

    @Test
    void storeRequests_keepTheNamedCreationTime_andReplaceOnlyTheVersionTheyName() {
        // GIVEN a pod created in process, naming its creation time
        StoreRequests store = api.storeRequests();
        Pod pod = KubeObjects.pod("default", "web-1", null, "app:1", 100, new Quantity("64Mi"))
                .editMetadata().withCreationTimestamp("2026-01-05T00:00:00Z").endMetadata().build();
        String created = store.create(pod);

        // THEN a client reads it as written, at that version and time
        Pod served = client.pods().inNamespace("default").withName("web-1").get();
        assertEquals(created, served.getMetadata().getResourceVersion());
        assertEquals("2026-01-05T00:00:00Z", served.getMetadata().getCreationTimestamp());

        // WHEN it is bound naming that version, THEN replaced; naming it again (now stale), refused as a 409 would be
        pod.getSpec().setNodeName("w1");
        pod.getMetadata().setResourceVersion(created);
        String bound = store.update(pod);
        assertNotNull(bound);
        assertNull(store.update(pod), "a stale resourceVersion replaced the pod");

        // WHEN it names no version, THEN the current one is replaced
        pod.getMetadata().setResourceVersion(null);
        assertNotNull(store.update(pod));
        assertEquals("w1", client.pods().inNamespace("default").withName("web-1").get().getSpec().getNodeName());
        assertEquals(4, store.requests(), "a create, its timestamped update and two binds");
    }

    @Test
    void eviction_isAccepted_andThePodTerminatesUntilItsKubeletConfirms() {
        // GIVEN a pod without a disruption budget
        Pod pod = web("web-1", "web");

        // WHEN evicted
        assertTrue(evict(pod));

        // THEN it is served terminating (a drain's next pass still sees it), then gone once the kubelet confirms
        Pod terminating = client.pods().inNamespace("default").withName("web-1").get();
        assertEquals(T0.toString(), terminating.getMetadata().getDeletionTimestamp());
        assertEquals(30L, terminating.getMetadata().getDeletionGracePeriodSeconds());
        assertTrue(evict(terminating), "evicting a terminating pod again is accepted");
        assertTrue(api.podGone("default", "web-1"));
        assertNull(client.pods().inNamespace("default").withName("web-1").get());
        assertFalse(api.podGone("default", "web-1"));
        assertEquals(2, api.evictionRequests());
    }

    @Test
    void eviction_thatWouldBreakAPodDisruptionBudget_answers429_untilAnotherPodIsHealthy() {
        // GIVEN two pods of which at least two must stay available, and one of another app
        Pod first = web("web-1", "web");
        web("web-2", "web");
        Pod other = web("api-1", "api");
        budget("web", new IntOrString(2), null);

        // WHEN / THEN fabric8 reads 429 as "not evicted"; the budget covers its own app only
        assertFalse(evict(first));
        assertTrue(evict(other));

        // AND WHEN a third pod runs, one disruption is allowed
        web("web-3", "web");
        assertTrue(evict(first));
        assertFalse(evict(client.pods().inNamespace("default").withName("web-2").get()), "web-1 terminating: 2 healthy left");
    }

    @Test
    void maxUnavailable_asAPercentage_roundsUp() {
        // GIVEN three pods, 50% may be unavailable: two (rounded up)
        Pod[] pods = {web("web-1", "web"), web("web-2", "web"), web("web-3", "web")};
        budget("web", null, new IntOrString("50%"));

        // WHEN / THEN terminating pods still count as expected (their controller replaces them), not as healthy
        assertTrue(evict(pods[0]));
        assertTrue(evict(pods[1]));
        assertFalse(evict(pods[2]));
    }

    @Test
    void eviction_ofAnOlderIncarnation_answers409_andOfAMissingPod404() {
        // GIVEN
        Pod pod = web("web-1", "web");
        pod.getMetadata().setUid("some-older-pod");

        // WHEN / THEN
        KubernetesClientException conflict = assertThrows(KubernetesClientException.class, () -> evict(pod));
        assertEquals(409, conflict.getCode());
        pod.getMetadata().setName("no-such-pod");
        KubernetesClientException missing = assertThrows(KubernetesClientException.class, () -> evict(pod));
        assertEquals(404, missing.getCode());
    }

    @Test
    void scriptedAnswers_comeFirst_thenTheBudgetsDecide() {
        // GIVEN a pod whose eviction is scripted to fail once
        Pod pod = web("web-1", "web");
        api.evictionAnswers("default", "web-1", 429, 1);

        // WHEN / THEN
        assertFalse(evict(pod));
        assertTrue(evict(pod));
        assertEquals(1, api.evictionRequests(), "only the unscripted one reached the subresource");
    }

    @Test
    void withARequiredToken_othersAre401_andAnOutageIs503ForTheAutoscalerOnly() {
        // GIVEN an API that requires the token, down while the switch is on
        AtomicBoolean down = new AtomicBoolean();
        try (FakeKubeApi guarded = FakeKubeApi.guarded(TOKEN, down::get, (namespace, name) -> EvictionAnswer.EVICTED);
             KubernetesClient autoscaler = guarded.client(TOKEN)) {
            guarded.register(KubeObjects.node("w1", "aws:///eu-west-1a/i-1", KubeObjects.Readiness.READY, null).build());

            // WHEN / THEN
            assertEquals(1, autoscaler.nodes().list().getItems().size());
            for (String token : new String[] {"not-the-token", null}) {
                try (KubernetesClient stranger = guarded.client(token)) {
                    assertEquals(401, assertThrows(KubernetesClientException.class, () -> stranger.nodes().list()).getCode());
                }
            }
            down.set(true);
            assertEquals(503, assertThrows(KubernetesClientException.class, () -> autoscaler.nodes().list()).getCode());
            assertEquals(1, guarded.world().nodes().list().getItems().size(), "the world's own requests go on");
        }
    }

    private void podsOnTwoNodesAndOneWaiting() {
        for (String name : List.of("web-1", "web-2", "api-1")) {
            api.create(KubeObjects.pod("default", name, "w1", "app:1", 100, new Quantity("64Mi")).build());
        }
        api.create(KubeObjects.pod("shop", "cart-1", "w2", "app:1", 100, new Quantity("64Mi")).build());
        api.create(KubeObjects.pod("shop", "cart-2", null, "app:1", 100, new Quantity("64Mi")).build());
    }

    private static List<String> names(PodList pods) {
        return pods.getItems().stream().map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName()).sorted().toList();
    }

    @Test
    void podList_isFilteredByTheFieldSelectorsTheStepsSend() {
        // GIVEN three pods on w1, one on w2 and one waiting unbound (Pending)
        podsOnTwoNodesAndOneWaiting();

        // WHEN / THEN spec.nodeName and status.phase select as kube-apiserver does (an unbound pod's nodeName is "")
        assertEquals(List.of("default/api-1", "default/web-1", "default/web-2"),
                names(client.pods().inAnyNamespace().withField("spec.nodeName", "w1").list()));
        assertEquals(List.of("shop/cart-1"), names(client.pods().inNamespace("shop").withField("spec.nodeName", "w2").list()));
        assertEquals(List.of("shop/cart-2"), names(client.pods().inAnyNamespace().withField("spec.nodeName", "")
                .withField("status.phase", "Pending").list()));
        assertEquals(List.of("shop/cart-1", "shop/cart-2"),
                names(client.pods().inAnyNamespace().withoutField("spec.nodeName", "w1").list()));
        assertEquals(List.of("default/web-2"), names(client.pods().inAnyNamespace().withField("metadata.name", "web-2").list()));
    }

    @Test
    void podList_withAFieldTheServerDoesNotIndex_is400_notIgnored() {
        // GIVEN
        podsOnTwoNodesAndOneWaiting();

        // WHEN / THEN as kube-apiserver: "field label not supported", never every pod
        KubernetesClientException refused = assertThrows(KubernetesClientException.class,
                () -> client.pods().inAnyNamespace().withField("spec.priorityClassName", "high").list());
        assertEquals(400, refused.getCode());
        assertTrue(refused.getStatus().getMessage().contains("field label not supported: spec.priorityClassName"),
                refused.getStatus().getMessage());
    }

    @Test
    void lists_comeInPagesOfTheLimit_followingTheContinueToken() {
        // GIVEN five pods
        podsOnTwoNodesAndOneWaiting();
        long before = api.bytesServed();

        // WHEN listed two at a time
        List<String> listed = new ArrayList<>();
        List<Long> remaining = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(2L).withContinue(token).build());
            assertTrue(page.getItems().size() <= 2, "at most the limit");
            listed.addAll(names(page));
            remaining.add(page.getMetadata().getRemainingItemCount());
            token = page.getMetadata().getContinue();
            pages++;
        } while (token != null && !token.isEmpty());

        // THEN every pod once, in order of namespace and name, the last page without a token
        assertEquals(3, pages);
        assertEquals(List.of("default/api-1", "default/web-1", "default/web-2", "shop/cart-1", "shop/cart-2"), listed);
        assertEquals(java.util.Arrays.asList(3L, 1L, null), remaining);
        assertTrue(api.bytesServed() > before, "the pages' bodies are counted");

        // AND a selector and a limit combine; a list without either is answered whole, as before
        PodList onW1 = client.pods().inAnyNamespace().withField("spec.nodeName", "w1")
                .list(new ListOptionsBuilder().withLimit(2L).build());
        assertEquals(List.of("default/api-1", "default/web-1"), names(onW1));
        assertEquals(5, client.pods().inAnyNamespace().list().getItems().size());
        assertNull(client.pods().inAnyNamespace().list().getMetadata().getContinue());
        api.register(KubeObjects.node("w1", "aws:///eu-west-1a/i-1", KubeObjects.Readiness.READY, null).build());
        api.register(KubeObjects.node("w2", "aws:///eu-west-1a/i-2", KubeObjects.Readiness.READY, null).build());
        var nodes = client.nodes().list(new ListOptionsBuilder().withLimit(1L).build());
        assertEquals(1, nodes.getItems().size());
        assertNotNull(nodes.getMetadata().getContinue());
    }

    @Test
    void anExpiredContinueToken_answers410Expired_andAFreshListingStillWorks() {
        // GIVEN five pods and a compaction that expires the next continue token
        podsOnTwoNodesAndOneWaiting();
        PodList first = client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(2L).build());
        api.continueExpires(1);

        // WHEN the listing continues
        KubernetesClientException expired = assertThrows(KubernetesClientException.class, () -> client.pods().inAnyNamespace()
                .list(new ListOptionsBuilder().withLimit(2L).withContinue(first.getMetadata().getContinue()).build()));

        // THEN 410 Expired, as kube-apiserver answers once etcd compacted the listing's revision
        assertEquals(410, expired.getCode());
        assertEquals("Expired", expired.getStatus().getReason());
        assertEquals(2, client.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(2L).build()).getItems().size());
    }

    @Test
    void register_keepsTheCreationTimeItNames_andReadinessChanges() {
        // GIVEN

        // WHEN a Node registers at virtual time T0 and later stops reporting
        api.register(KubeObjects.node("w1", "aws:///eu-west-1a/i-1", KubeObjects.Readiness.READY, T0, 1930, 1 << 30).build());
        api.readiness("w1", KubeObjects.Readiness.UNKNOWN, T0.plusSeconds(60));

        // THEN
        var node = client.nodes().withName("w1").get();
        assertEquals(T0.toString(), node.getMetadata().getCreationTimestamp(), "virtual time, not the server's clock");
        var ready = node.getStatus().getConditions().getFirst();
        assertEquals("Unknown", ready.getStatus());
        assertEquals(T0.plusSeconds(60).toString(), ready.getLastTransitionTime());
        assertNotNull(node.getStatus().getCapacity().get("cpu"));
    }
}
