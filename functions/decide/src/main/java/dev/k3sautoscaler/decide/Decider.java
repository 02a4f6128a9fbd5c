package dev.k3sautoscaler.decide;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.control.ManualDecisions;
import dev.k3sautoscaler.core.control.RebalanceDecisions;
import dev.k3sautoscaler.core.model.Decision;
import dev.k3sautoscaler.core.policy.ScalingPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Runs the configured policy at the clock's now and names the actuation it would start. */
public final class Decider {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

    private final ScalingPolicy policy;
    private final String policyName;
    private final AutoscalerConfig config;
    private final Clock clock;

    public Decider(String policyName, AutoscalerConfig config, Clock clock) {
        this.policy = ScalingPolicy.named(policyName);
        this.policyName = policyName;
        this.config = config;
        this.clock = clock;
    }

    public DecideOutput decide(DecideInput input) {
        Instant now = clock.instant();
        Decision decision;
        if (ManualDecisions.handles(input.request())) {
            decision = ManualDecisions.decide(input.request(), input.metrics(), input.fleet(), input.state(), config, now);
        } else if (RebalanceDecisions.handles(input.request())) {
            decision = RebalanceDecisions.decide(input.request(), input.metrics(), input.fleet(), input.state(), config, now);
        } else {
            decision = policy.decide(input.metrics(), input.fleet(), input.state(), config, now);
        }
        String verb = decision.action().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return DecideOutput.of(decision, verb + "-" + MINUTE.format(now), policyName);
    }
}
