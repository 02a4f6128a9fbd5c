package dev.k3sautoscaler.core.report;

import java.util.Objects;

/**
 * One Kubernetes event the autoscaler writes (events.k8s.io/v1, reporting controller
 * {@link #CONTROLLER}), worded here so the console, notices and {@code kubectl describe} say the same.
 *
 * @param kind      the object it is about: {@code Pod} or {@code Node}
 * @param namespace the pod's namespace; null for a Node (its events live in {@code default})
 * @param name      the object's name
 * @param reason    the short CamelCase reason kubectl shows ({@code TriggeredScaleUp})
 * @param warning   Warning rather than Normal: something an operator may have to act on
 * @param action    what the autoscaler did or would do ({@code ScaleUp}, {@code ScaleDown}, {@code Drain})
 * @param note      the sentence, dollars included where the event changes the bill
 */
public record ClusterEvent(String kind, String namespace, String name, String reason, boolean warning, String action,
                           String note) {
    public static final String CONTROLLER = "k3s-autoscaler";
    /** Where events about cluster-scoped objects (Nodes) are kept, as the kubelet and controllers do. */
    public static final String NODE_EVENT_NAMESPACE = "default";
    /** The status ConfigMap: events about the cluster as a whole (an instance that never became a Node) are on it. */
    public static final String STATUS_NAMESPACE = "kube-system";
    public static final String STATUS_CONFIG_MAP = "k3s-autoscaler-status";
    /** The API server refuses longer notes. */
    static final int NOTE_LIMIT = 1024;

    public ClusterEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(action, "action");
        note = note == null ? "" : note.length() <= NOTE_LIMIT ? note : note.substring(0, NOTE_LIMIT - 1) + "…";
    }

    public static ClusterEvent onNode(String node, String reason, boolean warning, String action, String note) {
        return new ClusterEvent("Node", null, node, reason, warning, action, note);
    }

    public static ClusterEvent onPod(String namespace, String pod, String reason, boolean warning, String action,
                                     String note) {
        return new ClusterEvent("Pod", namespace, pod, reason, warning, action, note);
    }

    /** An event about the cluster as a whole: {@code kubectl describe configmap -n kube-system k3s-autoscaler-status}. */
    public static ClusterEvent onStatus(String reason, boolean warning, String action, String note) {
        return new ClusterEvent("ConfigMap", STATUS_NAMESPACE, STATUS_CONFIG_MAP, reason, warning, action, note);
    }

    /** The namespace the event object itself lives in. */
    public String eventNamespace() {
        return namespace != null ? namespace : NODE_EVENT_NAMESPACE;
    }

    public String type() {
        return warning ? "Warning" : "Normal";
    }
}
