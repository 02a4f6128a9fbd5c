package dev.k3sautoscaler.simulator.engine;

import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.simulator.cluster.InstanceState;
import dev.k3sautoscaler.simulator.engine.Simulation.Notification;
import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.simulator.engine.Simulation.RunExecution;
import dev.k3sautoscaler.simulator.oracle.CostOracle;
import dev.k3sautoscaler.simulator.report.RunSummary;
import dev.k3sautoscaler.simulator.virtual.VirtualKubeApi;
import dev.k3sautoscaler.simulator.report.RunTimeline;
import dev.k3sautoscaler.simulator.scenario.Scenario;
import dev.k3sautoscaler.state.LoadStateOutput;
import dev.k3sautoscaler.testkit.ec2.FakeInstance;
import java.util.List;

/**
 * What one run produced: the timeline for the summary, every execution (with its history), the
 * notifications, and the end state of the virtual cloud for the invariant checks.
 *
 * @param clusterInstances every instance the simulated cluster ever had, with when it stopped
 * @param ec2Instances     the same instances as the EC2 API describes them at the end
 * @param unrecognisedQueries PromQL the virtual Prometheus could not answer (must be empty)
 * @param finalState       the state item and lock at the end of the run
 * @param budgetViolations evictions the cluster saw leave a PodDisruptionBudget short
 * @param faultsInjected   the faults that fired, when and where ({@code [hh:mm:ss] kind:step@n in execution})
 * @param instantViolations what {@link WorldWatch} saw broken at some instant of the run
 * @param leaseLedger      lease operations and actuating side effects at the instants their handlers ran
 * @param secrets          the join token and API token the run's world held, to look for in its records
 * @param capacityErrors   every window in which EC2 had no capacity for an offering: the scenario's and injected ones
 * @param visibility       what the autoscaler wrote for kubectl users: events and the status ConfigMap; null when not read
 */
public record SimulationResult(
        Scenario scenario,
        PolicyName policy,
        RunTimeline timeline,
        List<RunExecution> executions,
        List<Notification> notifications,
        List<InstanceState> clusterInstances,
        List<FakeInstance> ec2Instances,
        List<String> unrecognisedQueries,
        LoadStateOutput finalState,
        List<String> budgetViolations,
        List<String> faultsInjected,
        List<Invariants.Violation> instantViolations,
        List<LeaseLedger.Entry> leaseLedger,
        ClusterSecrets secrets,
        List<Scenario.CapacityError> capacityErrors,
        VirtualKubeApi.ClusterVisibility visibility) {

    /** The summary of this run against the scenario's oracle floor. */
    public RunSummary summary() {
        CostOracle.Curve floor = CostOracle.compute(scenario);
        Scenario.WorkerType type = scenario.workerType();
        RunSummary.Prices prices = new RunSummary.Prices(type.hourlyPriceUsd(),
                type.spotHourlyPriceUsd() == null ? type.hourlyPriceUsd() : type.spotHourlyPriceUsd());
        RunSummary summary = RunSummary.of(timeline, prices, floor.nodeHours(), floor.costUsd(),
                scenario.config().spotDrainBudget(), headroom(prices));
        return visibility == null ? summary : summary.withKubernetesEvents(new RunSummary.KubernetesEvents(
                visibility.events(), visibility.sightings(), visibility.eventsByReason()));
    }

    /** The headroom held for the whole run, priced as the workers the autoscaler launches; null when off. */
    private RunSummary.HeadroomSpend headroom(RunSummary.Prices prices) {
        AutoscalerConfig config = scenario.config();
        double hourly = scenario.cluster().launchCapacityType() == Scenario.CapacityType.SPOT
                ? prices.spotHourlyUsd() : prices.onDemandHourlyUsd();
        return RunSummary.HeadroomSpend.of(config.headroom().cpuMillis(), config.headroom().memoryBytes(),
                config.workerCpuMillis(), config.workerMemoryBytes(), timeline.duration(), hourly);
    }
}
