package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.report.ClusterReporting;
import dev.k3sautoscaler.core.report.WorkerPrice;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events.k8s.io/v1 events ({@link ClusterEvent}) into the cluster. Best effort: an event is
 * what an operator reads, never what the workflow depends on, so a refused or failed write is logged
 * and the step goes on.
 *
 * <p>Names are derived from the subject and a key the caller chooses (the drain's start, the
 * tick's time): a retried step writes the same name and meets 409, not a second event.
 */
public final class ClusterEvents {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);
    /** MicroTime as the API server writes it. */
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int NAME_LIMIT = 253;

    /** How a write ended: created, added to its series, already there (a retry), or not written. */
    public enum Written { CREATED, REPEATED, ALREADY_THERE, MISSING, FAILED }

    private final KubernetesClient client;
    private final Clock clock;
    private final String instance;
    private final WorkerPrice price;

    public ClusterEvents(KubernetesClient client, Clock clock, String instance, WorkerPrice price) {
        this.client = client;
        this.clock = clock;
        this.instance = instance;
        this.price = price;
    }

    /** The Lambda function's name identifies the writer; elsewhere the controller's own name. */
    public static String instanceFromEnvironment(Map<String, String> environment) {
        String function = environment.get("AWS_LAMBDA_FUNCTION_NAME");
        return function == null || function.isBlank() ? ClusterEvent.CONTROLLER : function;
    }

    public WorkerPrice price() {
        return price;
    }

    /** The event's object name: the subject's name and a hash of everything that makes it this event. */
    static String eventName(ClusterEvent event, String key) {
        String subject = event.name().toLowerCase(Locale.ROOT);
        String suffix = "." + ClusterReporting.digest(event.kind() + "/" + event.namespace() + "/" + event.name() + "/" + event.reason()
                + "/" + key);
        return (subject.length() + suffix.length() > NAME_LIMIT
                ? subject.substring(0, NAME_LIMIT - suffix.length()) : subject) + suffix;
    }

    /** Creates the event once per {@code key}; {@code uid} is the subject's (kubectl describe matches on it). */
    public Written create(ClusterEvent event, String uid, String key) {
        return createNamed(event, uid, eventName(event, key));
    }

    /** Creates the event under this object name (a retry meets 409, not a second event). */
    Written createNamed(ClusterEvent event, String uid, String name) {
        Instant now = clock.instant();
        // kubectl finds a Node's events by the node's name as uid, as the kubelet writes them (1.20 only so).
        String regardingUid = "Node".equals(event.kind()) ? event.name() : uid;
        String seconds = SECONDS.format(now);
        Event body = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(event.eventNamespace()).endMetadata()
                .withEventTime(new MicroTime(MICRO.format(now)))
                .withReportingController(ClusterEvent.CONTROLLER)
                .withReportingInstance(instance)
                .withAction(event.action())
                .withReason(event.reason())
                .withNote(event.note())
                .withType(event.type())
                .withRegarding(new ObjectReferenceBuilder().withApiVersion("v1").withKind(event.kind())
                        .withNamespace(event.namespace()).withName(event.name()).withUid(regardingUid).build())
                // What an older kubectl reads for "x3 over 20m": the series is newer than it.
                .withDeprecatedCount(1)
                .withDeprecatedFirstTimestamp(seconds)
                .withDeprecatedLastTimestamp(seconds)
                .build();
        try {
            client.events().v1().events().inNamespace(event.eventNamespace()).resource(body).create();
            return Written.CREATED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == KubeCalls.CONFLICT) {
                return Written.ALREADY_THERE;
            }
            return failed("create", event, e);
        } catch (RuntimeException e) {
            return failed("create", event, e);
        }
    }

    /**
     * The event named {@code name} seen again: its series counts it (count ≥ 2, as the API requires)
     * and says when. MISSING when the event expired (the API server keeps events an hour): the caller
     * creates it anew.
     */
    public Written repeat(ClusterEvent event, String name, int count) {
        Instant now = clock.instant();
        int seen = Math.max(2, count);
        String patch = "{\"series\":{\"count\":" + seen + ",\"lastObservedTime\":\"" + MICRO.format(now) + "\"},"
                + "\"deprecatedCount\":" + seen + ",\"deprecatedLastTimestamp\":\"" + SECONDS.format(now) + "\"}";
        // Named by an item, not withName(): the client would read the event first, which RBAC does not grant.
        Event named = new EventBuilder().withNewMetadata().withName(name).withNamespace(event.eventNamespace())
                .endMetadata().build();
        try {
            client.events().v1().events().inNamespace(event.eventNamespace()).resource(named)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            return Written.REPEATED;
        } catch (KubernetesClientException e) {
            if (e.getCode() == KubeCalls.NOT_FOUND) {
                return Written.MISSING;
            }
            return failed("update", event, e);
        } catch (RuntimeException e) {
            return failed("update", event, e);
        }
    }

    private static Written failed(String verb, ClusterEvent event, RuntimeException e) {
        String code = e instanceof KubernetesClientException k && k.getCode() > 0 ? " (HTTP " + k.getCode() + ")" : "";
        LOG.warn("Could not {} the {} event on {} {}{}: {}", verb, event.reason(), event.kind(), event.name(), code,
                e.getClass().getSimpleName());
        return Written.FAILED;
    }
}
