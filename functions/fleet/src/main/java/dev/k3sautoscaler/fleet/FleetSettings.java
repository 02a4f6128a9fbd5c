package dev.k3sautoscaler.fleet;

import dev.k3sautoscaler.contract.Names;
import dev.k3sautoscaler.contract.CapacityMode;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.EnvironmentReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fleet steps' settings, read once at init; every problem is reported together.
 *
 * @param launchTemplate        a launch template id ({@code lt-…}) or name; it carries the AMI, security groups,
 *                              instance profile and user data — never the join token, which workers read from SSM
 * @param launchTemplateVersion {@code $Default}, {@code $Latest} or a version number
 * @param subnets               in preference order when AZs tie
 * @param offeringUnavailable   how long a failed offering is skipped (OFFERING_UNAVAILABLE_SEC)
 * @param endpointOverride      the EC2 endpoint for the simulator; null in AWS
 */
public record FleetSettings(String clusterId, String launchTemplate, String launchTemplateVersion,
                            List<String> instanceTypes, List<WorkerSubnet> subnets, CapacityMode capacityMode,
                            Duration offeringUnavailable, URI endpointOverride) {

    public static final String CLUSTER_ID = "CLUSTER_ID";
    public static final String WORKER_LAUNCH_TEMPLATE = "WORKER_LAUNCH_TEMPLATE";
    public static final String WORKER_LAUNCH_TEMPLATE_VERSION = "WORKER_LAUNCH_TEMPLATE_VERSION";
    public static final String WORKER_INSTANCE_TYPES = "WORKER_INSTANCE_TYPES";
    public static final String WORKER_SUBNET_IDS = "WORKER_SUBNET_IDS";
    public static final String CAPACITY_TYPE = "CAPACITY_TYPE";
    public static final String EC2_ENDPOINT_URL = "EC2_ENDPOINT_URL";

    /** The state module's rule: the cluster id is also its partition key. */
    public static final Pattern CLUSTER_ID_FORM = dev.k3sautoscaler.state.StateSettings.CLUSTER_ID_FORM;
    private static final Pattern SUBNET_ID = Pattern.compile("subnet-[0-9a-zA-Z]+");
    private static final Pattern AZ = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d[a-z]");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z0-9-]+\\.[a-z0-9]+");
    private static final Pattern TEMPLATE_VERSION = Pattern.compile("\\$Default|\\$Latest|[1-9][0-9]*");

    public static FleetSettings fromEnvironment(Map<String, String> environment) {
        EnvironmentReader reader = new EnvironmentReader(environment);
        String clusterId = reader.requiredString(CLUSTER_ID, "lower-case letters, digits and '-', at most 40");
        if (clusterId != null && !CLUSTER_ID_FORM.matcher(clusterId).matches()) {
            reader.problem(CLUSTER_ID + "=" + clusterId + " must match " + CLUSTER_ID_FORM.pattern());
        }
        String template = reader.requiredString(WORKER_LAUNCH_TEMPLATE, "a launch template id (lt-…) or name");
        String version = reader.string(WORKER_LAUNCH_TEMPLATE_VERSION, "$Default");
        if (!TEMPLATE_VERSION.matcher(version).matches()) {
            reader.problem(WORKER_LAUNCH_TEMPLATE_VERSION + "=" + version + " must be $Default, $Latest or a version number");
        }
        List<String> types = reader.list(WORKER_INSTANCE_TYPES, List.of("t3.small"));
        if (types.isEmpty()) {
            reader.problem(WORKER_INSTANCE_TYPES + " must name at least one instance type");
        }
        types.stream().filter(type -> !INSTANCE_TYPE.matcher(type).matches())
                .forEach(type -> reader.problem(WORKER_INSTANCE_TYPES + " has '" + type + "', not an instance type like t3.small"));
        List<WorkerSubnet> subnets = subnets(reader);
        CapacityMode mode = CapacityMode.parse(reader.oneOf(CAPACITY_TYPE, CapacityMode.ON_DEMAND.envValue(),
                Names.values(CapacityMode.class))).orElseThrow();
        URI endpoint = reader.endpoint(EC2_ENDPOINT_URL, "http://127.0.0.1:4566");
        Duration offeringUnavailable = offeringUnavailable(environment, reader);
        reader.throwIfInvalid();
        return new FleetSettings(clusterId, template, version, List.copyOf(new java.util.LinkedHashSet<>(types)),
                subnets, mode, offeringUnavailable, endpoint);
    }

    /** EC2 template ids have the form {@code lt-<hex>}; anything else is taken as a template name. */
    public boolean launchTemplateIsId() {
        return launchTemplate.matches("lt-[0-9a-f]{8,17}");
    }

    /**
     * WORKER_SUBNET_IDS is {@code subnet-1:eu-west-1a,subnet-2:eu-west-1b}: the deployment knows
     * each subnet's AZ, so the step needs neither a DescribeSubnets call at cold start nor the permission.
     */
    private static List<WorkerSubnet> subnets(EnvironmentReader reader) {
        String raw = reader.requiredString(WORKER_SUBNET_IDS, "subnet-id:availability-zone pairs, comma-separated");
        if (raw == null) {
            return List.of();
        }
        List<WorkerSubnet> subnets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String item : reader.list(WORKER_SUBNET_IDS, List.of())) {
            String[] parts = item.split(":");
            if (parts.length != 2 || !SUBNET_ID.matcher(parts[0].trim()).matches() || !AZ.matcher(parts[1].trim()).matches()) {
                reader.problem(WORKER_SUBNET_IDS + " has '" + item + "', expected subnet-id:availability-zone like subnet-0abc:eu-west-1a");
            } else if (seen.add(parts[0].trim())) {
                subnets.add(new WorkerSubnet(parts[0].trim(), parts[1].trim()));
            }
        }
        if (subnets.isEmpty() && reader.problems().isEmpty()) {
            reader.problem(WORKER_SUBNET_IDS + " must name at least one subnet");
        }
        return List.copyOf(subnets);
    }


    /** Shares OFFERING_UNAVAILABLE_SEC with the policy's configuration; its problems join ours. */
    private static Duration offeringUnavailable(Map<String, String> environment, EnvironmentReader reader) {
        try {
            return AutoscalerConfig.fromEnvironment(environment).offeringUnavailable();
        } catch (dev.k3sautoscaler.core.config.InvalidConfigurationException e) {
            e.problems().forEach(reader::problem);
            return Duration.ZERO;
        }
    }

    /** Every offering of one capacity type, AZ-major in subnet order, then instance type order (the preference). */
    public List<Offering> offerings(String capacityType) {
        List<Offering> offerings = new ArrayList<>();
        for (WorkerSubnet subnet : subnets) {
            for (String type : instanceTypes) {
                offerings.add(new Offering(type, subnet.availabilityZone(), subnet.subnetId(), capacityType));
            }
        }
        return offerings;
    }
}
