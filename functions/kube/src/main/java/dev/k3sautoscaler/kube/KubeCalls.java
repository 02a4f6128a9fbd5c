package dev.k3sautoscaler.kube;

import dev.k3sautoscaler.errors.KubernetesAccessDenied;
import dev.k3sautoscaler.errors.KubernetesApiUnavailable;
import dev.k3sautoscaler.errors.KubernetesRequestRejected;
import dev.k3sautoscaler.errors.StepError;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Turns fabric8's one exception type into the named step errors the ASL retries or catches.
 * Messages are built here from the operation, the HTTP code and the API's own status message:
 * never from request headers, so the bearer token cannot leak into an execution's error output.
 */
final class KubeCalls {
    static final int NOT_FOUND = 404;
    static final int CONFLICT = 409;
    static final int TOO_MANY_REQUESTS = 429;

    private KubeCalls() {
    }

    static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw translate(operation, e);
        }
    }

    static StepError translate(String operation, KubernetesClientException e) {
        int code = e.getCode();
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? ": " + e.getStatus().getMessage() : "";
        if (code == 401) {
            return new KubernetesAccessDenied(operation + " was refused (HTTP 401): the ServiceAccount token is invalid or"
                    + " expired; re-create the k3s-autoscaler token Secret and the SSM parameter the master writes", e);
        }
        if (code == 403) {
            return new KubernetesAccessDenied(operation + " was forbidden (HTTP 403" + detail + "): the ClusterRole in"
                    + " cluster-bootstrap/manifests/autoscaler-rbac.yaml must grant it; compare with docs/kube.md", e);
        }
        // fabric8 reports "no HTTP answer" (refused, reset, timed out) with a code below 100.
        boolean noAnswer = code < 100;
        if (noAnswer || code >= 500 || code == TOO_MANY_REQUESTS || code == 408) {
            String what = noAnswer ? "no answer (" + rootCause(e) + ")" : "HTTP " + code + detail;
            return new KubernetesApiUnavailable(operation + " failed: the K3s API server gave " + what, e);
        }
        return new KubernetesRequestRejected(operation + " was rejected (HTTP " + code + detail + ")", e);
    }

    /** The innermost cause's class name: "HttpTimeoutException", "ConnectException"; its message may hold a URL, never a header. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
