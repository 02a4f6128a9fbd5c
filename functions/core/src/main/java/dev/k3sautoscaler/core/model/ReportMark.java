package dev.k3sautoscaler.core.model;

import java.time.Instant;

/**
 * What the cluster was last told (the status ConfigMap, events, node annotations): the digest of the
 * facts reported and when. Kept in the state item so a tick with nothing new to say invokes nothing.
 */
public record ReportMark(String digest, Instant at) {
    public ReportMark {
        if (digest == null || digest.isBlank() || at == null) {
            throw new IllegalArgumentException("a report mark needs its digest and time");
        }
    }
}
