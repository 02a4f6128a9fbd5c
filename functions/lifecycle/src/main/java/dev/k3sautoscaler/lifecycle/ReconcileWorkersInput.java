package dev.k3sautoscaler.lifecycle;

import dev.k3sautoscaler.core.model.BlockedNode;
import dev.k3sautoscaler.core.model.PendingLaunch;
import dev.k3sautoscaler.runtime.InputCheck;
import dev.k3sautoscaler.runtime.Validatable;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * @param execution       the Step Functions execution name
 * @param pendingLaunches the state's launches in flight (LoadState's {@code state.pendingLaunches}); absent = none
 * @param act             absent or true: repair; false: observe and plan only, no side effect (for a caller under the lock)
 * @param blockedNodes    the state's blocked workers ({@code state.blockedNodes}); absent = none. Those a Spot drain
 *                        blocked are EC2's to reclaim: the reconcile does not adopt them as launches
 */
public record ReconcileWorkersInput(String execution, List<PendingLaunch> pendingLaunches, Boolean act,
                                    List<BlockedNode> blockedNodes) implements Validatable {
    static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    public ReconcileWorkersInput {
        pendingLaunches = pendingLaunches == null ? List.of() : pendingLaunches;
        act = act == null ? Boolean.TRUE : act;
        blockedNodes = blockedNodes == null ? List.of() : blockedNodes;
    }

    /** Instances a Spot drain handed back to EC2, still within their block at {@code now}. */
    Set<String> interrupted(Instant now) {
        return BlockedNode.spotInterrupted(blockedNodes, now);
    }

    public boolean acts() {
        return act;
    }

    @Override
    public List<String> validationProblems() {
        InputCheck check = InputCheck.start().required("execution", execution);
        for (int i = 0; i < pendingLaunches.size(); i++) {
            PendingLaunch launch = pendingLaunches.get(i);
            check.check(launch != null && launch.instanceId() != null && INSTANCE_ID.matcher(launch.instanceId()).matches(),
                    "pendingLaunches[" + i + "].instanceId must be an EC2 instance id like i-0123456789abcdef0");
            check.check(launch != null && launch.launchedAt() != null, "pendingLaunches[" + i + "].launchedAt is required");
        }
        return check.problems();
    }
}
