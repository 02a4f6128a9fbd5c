package dev.k3sautoscaler.lifecycle;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.core.lifecycle.EventInstanceRules;
import dev.k3sautoscaler.core.lifecycle.EventInstanceVerdict;
import dev.k3sautoscaler.fleet.InstanceInventory;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State {@code IdentifyEventInstance} (the tick, for a Spot interruption or rebalance event): reads
 * the instance the event names from EC2 (one DescribeInstances by id) and answers whether it is a
 * managed worker of this cluster; only then does the tick start the event's actuation. Rules in
 * {@link EventInstanceRules}.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.}Ec2Unavailable (retryable), Ec2AccessDenied,
 * Ec2RequestRejected, InvalidStepInput. The tick starts the actuation anyway after any of them.
 *
 * <p>Configuration: CLUSTER_ID and the fleet's WORKER_* variables (FleetSettings), checked at init.
 */
public final class IdentifyEventInstanceHandler
        extends JsonStepHandler<IdentifyEventInstanceInput, IdentifyEventInstanceOutput> {
    public static final String STEP = "IdentifyEventInstance";
    private static final Logger LOG = LoggerFactory.getLogger(IdentifyEventInstanceHandler.class);

    private final InstanceInventory fleet;

    public IdentifyEventInstanceHandler() {
        this(InstanceInventory.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator: EC2 at any endpoint. */
    public IdentifyEventInstanceHandler(InstanceInventory fleet) {
        super(IdentifyEventInstanceInput.class, STEP, fleet.clusterId());
        this.fleet = fleet;
    }

    @Override
    protected IdentifyEventInstanceOutput handle(IdentifyEventInstanceInput input, Context context) {
        EventInstanceVerdict verdict = EventInstanceRules.identify(fleet.byIds(List.of(input.instanceId())).getFirst(),
                fleet.clusterId());
        IdentifyEventInstanceOutput output = IdentifyEventInstanceOutput.of(verdict);
        LOG.info(output.reason());
        return output;
    }
}
