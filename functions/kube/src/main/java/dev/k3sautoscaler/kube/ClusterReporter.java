package dev.k3sautoscaler.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.k3sautoscaler.core.report.ClusterEvent;
import dev.k3sautoscaler.core.report.ClusterReport;
import dev.k3sautoscaler.core.report.NodeNotice;
import dev.k3sautoscaler.core.report.PodNotice;
import dev.k3sautoscaler.errors.KubernetesRequestRejected;
import dev.k3sautoscaler.runtime.StepJson;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the cluster what the tick decided: rewrites the status ConfigMap, writes an event per
 * unschedulable pod and per worker whose scale-down status changed, and sets each worker's
 * {@link NodeNotice#ANNOTATION}. What it said last is kept in the ConfigMap's {@link #NOTICES} key,
 * so a pod still waiting gets its event's series counted, not a new event every tick.
 *
 * <p>At most {@link #WRITE_BUDGET} writes per call (a tick's Lambda has 30 s): the rest waits for the
 * next tick, and the output says the report is incomplete so the tick does not mark it written.
 */
public final class ClusterReporter {
    public static final String NAMESPACE = ClusterEvent.STATUS_NAMESPACE;
    public static final String CONFIG_MAP = ClusterEvent.STATUS_CONFIG_MAP;
    /** The ConfigMap key with the status (YAML; docs/runbook.md). */
    public static final String STATUS = "status";
    /** The ConfigMap key with what was said to whom (JSON; the reporter's own memory). */
    public static final String NOTICES = "notices";
    static final int WRITE_BUDGET = 100;
    /** A pod still waiting gets its event counted again at most this often. */
    static final Duration REPEAT_AFTER = Duration.ofMinutes(5);
    /** The API server drops events after an hour; older memory names an event that is gone. */
    static final Duration EVENT_LIFETIME = Duration.ofMinutes(55);
    private static final String POD = "pod/";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterReporter.class);
    private static final ObjectMapper JSON = StepJson.MAPPER;
    private static final TypeReference<TreeMap<String, Said>> MEMORY = new TypeReference<>() { };

    /**
     * What was said about one subject: its code, its event's object name, how often, when.
     *
     * @param reason the words said (a node's annotation is refreshed when they change)
     */
    record Said(String code, String event, int count, Instant first, Instant last, String reason) {
    }

    private final KubernetesClient client;
    private final ClusterEvents events;
    private final Clock clock;

    public ClusterReporter(KubernetesClient client, ClusterEvents events, Clock clock) {
        this.client = client;
        this.events = events;
        this.clock = clock;
    }

    public ReportToClusterOutput report(ClusterReport report) {
        ConfigMap configMap = readConfigMap();
        Map<String, Said> before = memory(configMap);
        Map<String, Said> after = new TreeMap<>();
        Tally tally = new Tally();
        Instant now = clock.instant();
        // A pod whose wait goes back to an earlier story (backing off, then no capacity, then backing off
        // again) has that story's event counted again, not a new one: keep each story of a pod still told.
        Set<String> podsTold = report.pods().stream().map(pod -> podSubject(pod.qualifiedName(), "")).collect(
                java.util.stream.Collectors.toSet());
        before.forEach((subject, said) -> {
            int story = subject.indexOf('#');
            if (subject.startsWith(POD) && story > 0 && podsTold.contains(subject.substring(0, story + 1))
                    && now.isBefore(said.first().plus(EVENT_LIFETIME))) {
                after.put(subject, said);
            }
        });
        for (PodNotice pod : report.pods()) {
            String subject = podSubject(pod.qualifiedName(), pod.code().story());
            // A subject the budget did not reach keeps what it was told, so the next tick still knows.
            Said said = tally.full() ? before.get(subject) : tellPod(pod, before.get(subject), now, tally);
            if (said != null) {
                after.put(subject, said);
            }
        }
        for (NodeNotice node : report.nodes()) {
            String subject = "node/" + node.node();
            Said said = tally.full() ? before.get(subject) : tellNode(node, before.get(subject), now, tally);
            if (said != null) {
                after.put(subject, said);
            }
        }
        writeConfigMap(configMap, report.status().yaml(), after);
        ReportToClusterOutput output = ReportToClusterOutput.of(tally.created, tally.repeated, tally.annotated,
                tally.failed, tally.left);
        LOG.info("Told the cluster: {}", output.reason());
        return output;
    }

    /** A pod's memory is kept per story: {@code pod/shop/web-1#CAPACITY_COMING}. */
    private static String podSubject(String qualifiedName, String story) {
        return POD + qualifiedName + "#" + story;
    }

    private Said tellPod(PodNotice notice, Said before, Instant now, Tally tally) {
        String code = notice.code().name();
        ClusterEvent event = notice.event();
        if (before != null && now.isBefore(before.first().plus(EVENT_LIFETIME))) {
            if (now.isBefore(before.last().plus(REPEAT_AFTER))) {
                return before;
            }
            tally.spend();
            ClusterEvents.Written written = events.repeat(event, before.event(), before.count() + 1);
            if (written == ClusterEvents.Written.REPEATED) {
                tally.repeated++;
                return new Said(before.code(), before.event(), before.count() + 1, before.first(), now, null);
            }
            if (written == ClusterEvents.Written.FAILED) {
                tally.failed++;
                return before;
            }
        }
        Pod pod = readPod(notice.namespace(), notice.name());
        if (pod == null) {
            return null; // scheduled and gone, or deleted: nothing to tell
        }
        tally.spend();
        String name = ClusterEvents.eventName(event, now.toString());
        ClusterEvents.Written written = events.createNamed(event, pod.getMetadata().getUid(), name);
        if (written == ClusterEvents.Written.FAILED) {
            tally.failed++;
            return before;
        }
        tally.created++;
        return new Said(code, name, 1, now, now, null);
    }

    private Said tellNode(NodeNotice notice, Said before, Instant now, Tally tally) {
        boolean changed = before == null || !before.code().equals(notice.code());
        boolean reworded = !changed && !notice.reason().equals(before.reason())
                && !now.isBefore(before.last().plus(REPEAT_AFTER));
        if (!changed && !reworded) {
            return before;
        }
        tally.spend();
        Node node = annotate(notice);
        if (node == null) {
            return null; // the Node is gone: the next report no longer lists it
        }
        tally.annotated++;
        if (changed && !NodeNotice.REMOVED.equals(notice.code())) {
            tally.spend();
            if (events.create(notice.event(), node.getMetadata().getUid(), notice.code() + "@" + now)
                    == ClusterEvents.Written.FAILED) {
                tally.failed++;
            } else {
                tally.created++;
            }
        }
        return new Said(notice.code(), null, 1, changed ? now : before.first(), now, notice.reason());
    }

    private Node annotate(NodeNotice notice) {
        Map<String, Object> patch = Map.of("metadata", Map.of("annotations",
                Map.of(NodeNotice.ANNOTATION, notice.annotationValue())));
        // Named by an item: withName() would read the Node first, a request the merge patch does not need.
        Node named = new NodeBuilder().withNewMetadata().withName(notice.node()).endMetadata().build();
        try {
            return client.nodes().resource(named)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() == KubeCalls.NOT_FOUND) {
                return null;
            }
            throw KubeCalls.translate("annotate node " + notice.node(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    private Pod readPod(String namespace, String name) {
        return KubeCalls.call("get pod " + namespace + "/" + name,
                () -> client.pods().inNamespace(namespace).withName(name).get());
    }

    private ConfigMap readConfigMap() {
        ConfigMap configMap = KubeCalls.call("get configmap " + NAMESPACE + "/" + CONFIG_MAP,
                () -> client.configMaps().inNamespace(NAMESPACE).withName(CONFIG_MAP).get());
        if (configMap == null) {
            throw new KubernetesRequestRejected("the ConfigMap " + NAMESPACE + "/" + CONFIG_MAP + " does not exist:"
                    + " apply cluster-bootstrap/manifests/autoscaler-rbac.yaml, which creates it (the autoscaler may"
                    + " only read and update that one ConfigMap, not create it)", null);
        }
        return configMap;
    }

    private static Map<String, Said> memory(ConfigMap configMap) {
        String notices = configMap.getData() == null ? null : configMap.getData().get(NOTICES);
        if (notices == null || notices.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(notices, MEMORY);
        } catch (JsonProcessingException e) {
            // Edited by hand or by an older version: start afresh; the worst case is one repeated event.
            LOG.warn("The {} key of {}/{} is not what this version writes; starting afresh", NOTICES, NAMESPACE, CONFIG_MAP);
            return Map.of();
        }
    }

    /** Update, not patch: the resourceVersion read makes a concurrent writer's update fail rather than interleave. */
    private void writeConfigMap(ConfigMap configMap, String status, Map<String, Said> memory) {
        Map<String, String> data = new LinkedHashMap<>(configMap.getData() == null ? Map.of() : configMap.getData());
        data.put(STATUS, status);
        try {
            data.put(NOTICES, JSON.writeValueAsString(memory));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the notices are plain records", e);
        }
        configMap.setData(new HashMap<>(data));
        KubeCalls.call("update configmap " + NAMESPACE + "/" + CONFIG_MAP,
                () -> client.configMaps().inNamespace(NAMESPACE).resource(configMap).update());
    }

    /** Writes spent against the budget, and what they did. */
    private static final class Tally {
        int spent;
        int created;
        int repeated;
        int annotated;
        int failed;
        int left;

        boolean full() {
            if (spent >= WRITE_BUDGET) {
                left++;
                return true;
            }
            return false;
        }

        void spend() {
            spent++;
        }
    }
}
