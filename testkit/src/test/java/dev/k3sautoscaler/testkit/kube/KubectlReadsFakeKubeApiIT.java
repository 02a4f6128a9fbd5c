package dev.k3sautoscaler.testkit.kube;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The virtual K3s API as an operator reads it: a real kubectl ({@link Kubectl}) describing what
 * the autoscaler wrote with the events.k8s.io/v1 API. Run with {@code KUBECTL=...} to check
 * another kubectl release.
 */
class KubectlReadsFakeKubeApiIT {
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(ZoneOffset.UTC);
    private static final String NOT_TRIGGERED = "pod didn't trigger scale-up: every worker group is at its maximum size";
    /** kubectl prints ages against its own clock: events a few minutes old, as an operator would see them. */
    private static final Instant FIRST_SEEN = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    private static final Instant LAST_SEEN = FIRST_SEEN.plus(Duration.ofMinutes(8));

    @AutoClose
    private final FakeKubeApi api = FakeKubeApi.start();
    /** The autoscaler's own client: it writes the events. */
    @AutoClose
    private final KubernetesClient autoscaler = api.client(null);
    @AutoClose
    private final Kubectl kubectl = Kubectl.against(api, null);

    private Pod pending(String name) {
        return api.create(KubeObjects.pod("default", name, null, "app:1", 500, new Quantity("256Mi")).build());
    }

    private static ObjectReference regarding(Pod pod) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).build();
    }

    /**
     * An event as the autoscaler writes it: a series seen {@code count} times, and the deprecated
     * fields a core/v1 reader (an older kubectl) counts from.
     */
    private Event record(String namespace, String name, ObjectReference regarding, String type, String reason,
            String action, String note, int count) {
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withRegarding(regarding).withType(type).withReason(reason).withAction(action).withNote(note)
                .withReportingController("k3s-autoscaler").withReportingInstance("k3s-autoscaler-reconcile")
                .withEventTime(new MicroTime(MICROS.format(FIRST_SEEN)))
                .withNewSeries().withCount(count).withLastObservedTime(new MicroTime(MICROS.format(LAST_SEEN))).endSeries()
                .withDeprecatedCount(count).withDeprecatedFirstTimestamp(FIRST_SEEN.toString())
                .withDeprecatedLastTimestamp(LAST_SEEN.toString())
                .build();
        return autoscaler.events().v1().events().inNamespace(namespace).resource(event).create();
    }

    /** The "Events:" section at the end of a describe. */
    private static String events(String described) {
        int start = described.indexOf("\nEvents:");
        assertTrue(start >= 0, "describe prints an Events section:\n" + described);
        return described.substring(start);
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), "expected \"" + expected + "\" in:\n" + actual);
    }

    @Test
    void describePod_showsTheAutoscalersEvent_withItsReasonNoteAndCount_andNoOtherPodsEvent() {
        // GIVEN two pending pods, each with an event of the autoscaler regarding it
        Pod web = pending("web-1");
        Pod other = pending("batch-1");
        record("default", "web-1.not-triggered", regarding(web), "Warning", "NotTriggerScaleUp", "ScaleUp",
                NOT_TRIGGERED, 3);
        record("default", "batch-1.triggered", regarding(other), "Normal", "TriggeredScaleUp", "ScaleUp",
                "pod triggered scale-up: one worker launched", 1);

        // WHEN an operator describes the first
        String events = events(kubectl.run("describe", "pod", "-n", "default", "web-1"));

        // THEN its event is listed as kubectl lists any event, repeats counted; the other pod's is not
        assertContains("Warning", events);
        assertContains("NotTriggerScaleUp", events);
        assertContains("(x3 over", events);
        assertContains("k3s-autoscaler", events);
        assertContains(NOT_TRIGGERED, events);
        assertFalse(events.contains("TriggeredScaleUp"), "another pod's event:\n" + events);
        assertFalse(events.contains("one worker launched"), "another pod's event:\n" + events);
    }

    @Test
    void describeNode_showsItsAnnotationAndTheEventRegardingIt() {
        // GIVEN a worker the autoscaler claimed for a drain, and its event in "default", where node events live
        Node node = api.register(KubeObjects.node("w1", "aws:///eu-west-1a/i-0123456789abcdef0",
                        KubeObjects.Readiness.READY, null, 2000, 4L << 30)
                .editMetadata().addToAnnotations("k3s-autoscaler/drain-purpose", "scale-down").endMetadata().build());
        // The uid a kubelet gives its node's events (the node's name): kubectl 1.20 searches node events by
        // that alone, later releases by the node's own uid as well.
        record("default", "w1.drain", new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node")
                .withName(node.getMetadata().getName()).withUid(node.getMetadata().getName()).build(),
                "Normal", "ScaleDown", "Drain", "node w1 is being drained: it has been underutilized for 10m", 1);

        // WHEN
        String described = kubectl.run("describe", "node", "w1");

        // THEN
        assertContains("k3s-autoscaler/drain-purpose: scale-down", described);
        String events = events(described);
        assertContains("ScaleDown", events);
        assertContains("node w1 is being drained: it has been underutilized for 10m", events);
    }

    @Test
    void getConfigMapAsYaml_showsTheStatusKeyAndValue() {
        // GIVEN the status the autoscaler publishes
        api.world().configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
                .withNewMetadata().withNamespace("kube-system").withName("k3s-autoscaler-status").endMetadata()
                .addToData("lastScaleUp", "2026-11-23T10:00:00Z").build()).create();

        // WHEN
        String yaml = kubectl.run("get", "configmap", "-n", "kube-system", "k3s-autoscaler-status", "-o", "yaml");

        // THEN
        assertContains("name: k3s-autoscaler-status", yaml);
        assertContains("lastScaleUp: \"2026-11-23T10:00:00Z\"", yaml);
    }

    @Test
    void getEvents_listsTheConvertedEvent_asCoreV1() {
        // GIVEN
        Pod web = pending("web-1");
        record("default", "web-1.not-triggered", regarding(web), "Warning", "NotTriggerScaleUp", "ScaleUp",
                NOT_TRIGGERED, 3);

        // WHEN listed the way an operator lists events, and by the core/v1 fields it was converted to
        String listed = kubectl.run("get", "events", "-A");
        String columns = kubectl.run("get", "events", "-n", "default", "-o",
                "custom-columns=OBJECT:.involvedObject.name,REASON:.reason,COUNT:.count,FROM:.reportingComponent,"
                        + "MESSAGE:.message");

        // THEN
        assertContains("web-1.not-triggered", listed);
        assertTrue(columns.lines().anyMatch(line -> line.matches(
                "web-1\\s+NotTriggerScaleUp\\s+3\\s+k3s-autoscaler\\s+" + Pattern.quote(NOT_TRIGGERED) + "\\s*")),
                columns);
    }

    @Test
    void getEvents_byAFieldTheServerDoesNotSelectOn_fails() {
        // WHEN / THEN as kube-apiserver: refused, never every event
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> kubectl.run("get", "events", "-A", "--field-selector", "involvedObject.color=blue"));
        assertContains("field label not supported: involvedObject.color", refused.getMessage());
    }
}
