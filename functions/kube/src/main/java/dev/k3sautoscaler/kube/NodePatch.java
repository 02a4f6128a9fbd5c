package dev.k3sautoscaler.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.k3sautoscaler.core.scaledown.NodeLabels;
import dev.k3sautoscaler.runtime.StepJson;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;

/**
 * A JSON Patch (RFC 6902) on one Node, guarded by a {@code test} of the resourceVersion read:
 * list edits are exact (add one taint, remove one by index after testing its key), and a node
 * changed by someone else in between fails the patch instead of losing their change. A merge
 * patch would replace the whole taint list (and the mock server merges arrays wrongly); a
 * strategic-merge patch is refused by the mock server (415).
 */
final class NodePatch {
    private final Node node;
    private final ArrayNode operations = StepJson.MAPPER.createArrayNode();

    private NodePatch(Node node) {
        this.node = node;
        op("test", "/metadata/resourceVersion").put("value", node.getMetadata().getResourceVersion());
    }

    static NodePatch expecting(Node node) {
        return new NodePatch(node);
    }

    static List<Taint> taints(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    }

    /** The node changed between our read and our patch: re-read and try again. 409 or 422 depending on the server's check. */
    static boolean isStale(KubernetesClientException e) {
        return e.getCode() == KubeCalls.CONFLICT || e.getCode() == 422;
    }

    /**
     * Gives back our drain claim on {@code node}: our taint and claim annotations go, and the cordon
     * too when we set it ({@code cordonedByUs}); an operator's earlier cordon stays.
     */
    static NodePatch releasingClaim(Node node, String cordonedByUs) {
        NodePatch patch = expecting(node).removeTaint(NodeLabels.DRAINING_TAINT)
                .removeAnnotation(NodeLabels.DRAIN_PURPOSE).removeAnnotation(NodeLabels.DRAIN_CLAIMED_AT)
                .removeAnnotation(NodeLabels.DRAINED_AT);
        boolean ours = node.getMetadata().getAnnotations() != null
                && node.getMetadata().getAnnotations().containsKey(cordonedByUs);
        return ours ? patch.setUnschedulable(false).removeAnnotation(cordonedByUs) : patch;
    }

    NodePatch setUnschedulable(boolean value) {
        op("add", "/spec/unschedulable").put("value", value);
        return this;
    }

    NodePatch addTaint(String key, String value, String effect) {
        ObjectNode taint = StepJson.MAPPER.createObjectNode().put("key", key).put("value", value).put("effect", effect);
        if (taints(node).isEmpty()) {
            op("add", "/spec/taints").putArray("value").add(taint);
        } else {
            op("add", "/spec/taints/-").set("value", taint);
        }
        return this;
    }

    NodePatch removeTaint(String key) {
        List<Taint> taints = taints(node);
        // Highest index first, so earlier removals do not shift the later ones.
        for (int i = taints.size() - 1; i >= 0; i--) {
            if (key.equals(taints.get(i).getKey())) {
                op("test", "/spec/taints/" + i + "/key").put("value", key);
                op("remove", "/spec/taints/" + i);
            }
        }
        return this;
    }

    NodePatch addAnnotation(String key, String value) {
        if (node.getMetadata().getAnnotations() == null) {
            op("add", "/metadata/annotations").putObject("value").put(key, value);
        } else {
            op("add", "/metadata/annotations/" + pointer(key)).put("value", value);
        }
        return this;
    }

    NodePatch removeAnnotation(String key) {
        if (node.getMetadata().getAnnotations() != null && node.getMetadata().getAnnotations().containsKey(key)) {
            op("remove", "/metadata/annotations/" + pointer(key));
        }
        return this;
    }

    Node applyTo(KubernetesClient client, String name) {
        return client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON), operations.toString());
    }

    private ObjectNode op(String op, String path) {
        return operations.addObject().put("op", op).put("path", path);
    }

    /** JSON Pointer escaping (RFC 6901): "k3s-autoscaler/cordoned" → "k3s-autoscaler~1cordoned". */
    private static String pointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
