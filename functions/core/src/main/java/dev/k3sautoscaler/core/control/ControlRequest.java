package dev.k3sautoscaler.core.control;

/**
 * A validated actuation input: what was asked, by whom, and why. Fields a trigger does not use are null.
 *
 * @param trigger     the {@code trigger} input value ({@link Trigger#value()})
 * @param requestedBy who asked: an operator for a manual control, the tick's execution for {@code scale}
 * @param reason      the operator's words (a ticket, an incident), may be null except for pause and break-lock
 * @param count       workers to add ({@code force-scale-up})
 * @param nodeName    the Node to remove ({@code force-scale-down})
 * @param instanceId  the instance an EC2 event names ({@code spot-interruption}, {@code rebalance})
 * @param summary     one line for the console and the event log: "force-scale-up +3 requested by alice: INC-123"
 */
public record ControlRequest(
        String trigger,
        String requestedBy,
        String reason,
        Integer count,
        String nodeName,
        String instanceId,
        String summary) {

    public boolean is(Trigger expected) {
        return expected.value().equals(trigger);
    }
}
