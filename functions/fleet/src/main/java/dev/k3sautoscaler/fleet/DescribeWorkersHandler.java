package dev.k3sautoscaler.fleet;

import com.amazonaws.services.lambda.runtime.Context;
import dev.k3sautoscaler.runtime.JsonStepHandler;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * State {@code DescribeWorkers}: this cluster's managed workers (id, type, AZ, capacity type,
 * launch time, state), every page of DescribeInstances, oldest first.
 *
 * <p>Errors: {@code dev.k3sautoscaler.errors.Ec2Unavailable} (retryable), {@code Ec2AccessDenied},
 * {@code InvalidStepInput}.
 */
public final class DescribeWorkersHandler extends JsonStepHandler<DescribeWorkersInput, DescribeWorkersOutput> {
    public static final String STEP = "DescribeWorkers";
    /** Workers that still exist as machines; shutting-down and terminated ones are on their way out. */
    static final List<String> LISTED_STATES = List.of("pending", "running", "stopping", "stopped");

    private final Ec2Fleet ec2;

    public DescribeWorkersHandler() {
        this(FleetContext.fromEnvironment(System.getenv()));
    }

    /** For tests and the simulator. */
    public DescribeWorkersHandler(FleetContext fleet) {
        super(DescribeWorkersInput.class, STEP, fleet.settings().clusterId());
        this.ec2 = fleet.ec2();
    }

    @Override
    protected DescribeWorkersOutput handle(DescribeWorkersInput input, Context context) {
        List<Worker> workers = ec2.managedWorkers(LISTED_STATES).stream()
                .map(Ec2Instance::toWorker)
                .sorted(Comparator.comparing(Worker::launchTime).thenComparing(Worker::instanceId))
                .toList();
        Map<String, Long> byState = workers.stream().collect(Collectors.groupingBy(Worker::state, TreeMap::new, Collectors.counting()));
        String reason = workers.size() + " managed workers" + (byState.isEmpty() ? "" : " " + byState);
        return new DescribeWorkersOutput(workers, reason);
    }
}
