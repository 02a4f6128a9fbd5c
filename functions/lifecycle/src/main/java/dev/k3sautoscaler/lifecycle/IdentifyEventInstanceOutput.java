package dev.k3sautoscaler.lifecycle;

import dev.k3sautoscaler.core.lifecycle.EventInstanceVerdict;
import dev.k3sautoscaler.core.lifecycle.LifecycleWording;

/**
 * @param verdict the rule's code: OURS, UNKNOWN_INSTANCE, OTHER_CLUSTER, MASTER, NOT_MANAGED, ALREADY_TERMINATED
 * @param ours    only then does the tick start the event's actuation
 * @param state   EC2's state name ({@code running}, {@code terminated}, {@code not-found})
 * @param reason  the verdict in words, for the console ({@code LifecycleWording})
 */
public record IdentifyEventInstanceOutput(String instanceId, String verdict, boolean ours, String state, String reason) {

    static IdentifyEventInstanceOutput of(EventInstanceVerdict verdict) {
        return new IdentifyEventInstanceOutput(verdict.instance().instanceId(), verdict.kind().name(), verdict.ours(),
                verdict.instance().state().ec2Name(), LifecycleWording.verdict(verdict));
    }
}
