package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.contract.Names;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.core.model.ScalingAction;
import dev.k3sautoscaler.core.model.ScalingState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;

/**
 * The execution name of the actuation a decision starts: what it does, the minute, and the newest
 * launch in flight it counted ({@code scale-up-20261123-1200}, {@code scale-up-20261123-1200-after-i-0abc…}).
 * Step Functions starts one execution per name, so ticks that read the same state — the schedule and
 * the fast path racing — start one actuation. A tick that saw an earlier actuation's launch decided on
 * the pods beyond it, and gets a name of its own: under a per-minute name alone its decision was
 * dropped until the next minute while a burst grew.
 */
final class ActuationName {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);
    /** A launch recorded without its time (a hand-edited item) counts as the oldest; ties go by instance id. */
    private static final Comparator<PendingLaunch> LAUNCH_ORDER = Comparator
            .comparing(PendingLaunch::launchedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(PendingLaunch::instanceId, Comparator.nullsFirst(Comparator.naturalOrder()));

    private ActuationName() {
    }

    static String of(ScalingAction action, Instant now, ScalingState state) {
        String minute = Names.valueOf(action) + "-" + MINUTE.format(now);
        return state.pendingLaunches().stream().max(LAUNCH_ORDER)
                .map(newest -> minute + "-after-" + newest.instanceId())
                .orElse(minute);
    }
}
