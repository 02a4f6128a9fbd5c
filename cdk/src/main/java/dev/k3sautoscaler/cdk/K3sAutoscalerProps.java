package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.PolicyName;
import dev.k3sautoscaler.contract.Names;
import dev.k3sautoscaler.contract.CapacityMode;
import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.core.config.AutoscalerConfig;
import dev.k3sautoscaler.core.config.ConfigVariable;
import dev.k3sautoscaler.core.config.InvalidConfigurationException;
import dev.k3sautoscaler.core.control.TickInput;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything a deployment can tune. Built with {@link #builder()}; {@link Builder#build()} checks
 * every value and reports all problems at once ({@link InvalidPropsException}). The scaling
 * thresholds are validated by {@link AutoscalerConfig#fromEnvironment}, the code the Lambdas run
 * at init, so a value the stack accepts is one the functions accept.
 */
public final class K3sAutoscalerProps {
    /** Same form the functions check (StateSettings, FleetSettings): it becomes tags, names and a partition key. */
    static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9-]{1,40}");
    /** Lambda's limit on function names. */
    private static final int MAX_FUNCTION_NAME = 64;
    private static final int LONGEST_STEP_NAME = java.util.Arrays.stream(Step.values())
            .mapToInt(s -> s.functionName().length()).max().orElseThrow();
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
    private static final Pattern K3S_VERSION = Pattern.compile("v\\d+\\.\\d+\\.\\d+\\+k3s\\d+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}");
    private static final Pattern SLACK_ID = Pattern.compile("[A-Z0-9]{9,11}");
    private static final Set<String> CAPACITY_TYPES = Names.values(CapacityMode.class);
    private static final Set<String> SCALING_POLICIES = Names.values(PolicyName.class);
    /** K3s v1.29.3+ keeps the kubelet's provider ID (docs/bootstrap.md); pinned so master and workers match. */
    public static final String DEFAULT_K3S_VERSION = "v1.33.2+k3s1";
    /** EventBridge Scheduler's finest rate is one minute; past an hour a pending pod waits too long. */
    private static final Duration MIN_TICK = Duration.ofMinutes(1);
    private static final Duration MAX_TICK = Duration.ofMinutes(60);
    /**
     * The longest PENDING_UP_SEC the fast path allows: the alert's tick waits that long inside its
     * Express execution before it observes (K3sAutoscaler.fastPath), so it counts the pods.
     */
    static final Duration MAX_FAST_PATH_WAIT = Duration.ofSeconds(TickInput.MAX_WAIT_SECONDS);

    private final String clusterId;
    private final AutoscalerConfig scaling;
    private final String scalingPolicy;
    private final List<String> workerInstanceTypes;
    private final String capacityType;
    private final String masterInstanceType;
    private final String k3sVersion;
    private final Duration tickRate;
    private final NetworkingMode networkingMode;
    private final List<String> apiAllowedCidrs;
    private final String notificationEmail;
    private final String slackWorkspaceId;
    private final String slackChannelId;
    private final boolean statefulSetPodsBlock;
    private final int eventLogRetentionDays;
    private final int lambdaMemoryMb;
    private final int logRetentionDays;
    private final Path repositoryRoot;
    private final boolean sessionManager;
    private final boolean vpcFlowLogs;
    private final boolean unschedulableFastPath;

    private K3sAutoscalerProps(Builder b, AutoscalerConfig scaling) {
        this.clusterId = b.clusterId;
        this.scaling = scaling;
        this.scalingPolicy = b.scalingPolicy;
        this.workerInstanceTypes = List.copyOf(b.workerInstanceTypes);
        this.capacityType = b.capacityType;
        this.masterInstanceType = b.masterInstanceType;
        this.k3sVersion = b.k3sVersion;
        this.tickRate = b.tickRate;
        this.networkingMode = b.networkingMode;
        this.apiAllowedCidrs = List.copyOf(b.apiAllowedCidrs);
        this.notificationEmail = b.notificationEmail;
        this.slackWorkspaceId = b.slackWorkspaceId;
        this.slackChannelId = b.slackChannelId;
        this.statefulSetPodsBlock = b.statefulSetPodsBlock;
        this.eventLogRetentionDays = b.eventLogRetentionDays;
        this.lambdaMemoryMb = b.lambdaMemoryMb;
        this.logRetentionDays = b.logRetentionDays;
        this.repositoryRoot = b.repositoryRoot.toAbsolutePath().normalize();
        this.sessionManager = b.sessionManager;
        this.vpcFlowLogs = b.vpcFlowLogs;
        this.unschedulableFastPath = b.unschedulableFastPath;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String clusterId() { return clusterId; }
    public AutoscalerConfig scaling() { return scaling; }
    public String scalingPolicy() { return scalingPolicy; }
    public List<String> workerInstanceTypes() { return workerInstanceTypes; }
    public String capacityType() { return capacityType; }
    public String masterInstanceType() { return masterInstanceType; }
    public String k3sVersion() { return k3sVersion; }
    public Duration tickRate() { return tickRate; }
    public NetworkingMode networkingMode() { return networkingMode; }
    public List<String> apiAllowedCidrs() { return apiAllowedCidrs; }
    public String notificationEmail() { return notificationEmail; }
    public String slackWorkspaceId() { return slackWorkspaceId; }
    public String slackChannelId() { return slackChannelId; }
    public boolean statefulSetPodsBlock() { return statefulSetPodsBlock; }
    public int eventLogRetentionDays() { return eventLogRetentionDays; }
    /** The operator's memory size for every function, or else the step's own from the catalogue. */
    public int lambdaMemoryMb(Step step) { return lambdaMemoryMb == 0 ? step.memoryMb() : lambdaMemoryMb; }
    public int logRetentionDays() { return logRetentionDays; }
    public Path repositoryRoot() { return repositoryRoot; }
    public boolean sessionManager() { return sessionManager; }
    public boolean vpcFlowLogs() { return vpcFlowLogs; }
    public boolean unschedulableFastPath() { return unschedulableFastPath; }

    /** Graviton instance families (t4g, m7g, c6gn, …) need the arm64 image. */
    public boolean workersArm64() {
        return isArm64(workerInstanceTypes.getFirst());
    }

    public boolean usesSpot() {
        return !capacityType.equals(CapacityMode.ON_DEMAND.envValue());
    }

    static boolean isArm64(String instanceType) {
        String family = instanceType.substring(0, instanceType.indexOf('.'));
        return family.matches("[a-z]+\\d+[a-z]*g[a-z]*");
    }

    /** The Lambda jar a step's function is deployed from. */
    public Path lambdaJar(String module) {
        return repositoryRoot.resolve("functions").resolve(module).resolve("target").resolve(module + "-lambda.jar");
    }

    /** Thrown by {@link Builder#build()} with every problem found. */
    public static final class InvalidPropsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        InvalidPropsException(List<String> problems) {
            super("Invalid K3sAutoscaler props (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                    + "):\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    public static final class Builder {
        private String clusterId;
        private final Map<String, String> scaling = new LinkedHashMap<>();
        private String scalingPolicy = PolicyName.DEFAULT.value();
        private List<String> workerInstanceTypes = List.of("t3.small");
        private String capacityType = CapacityMode.ON_DEMAND.envValue();
        private String masterInstanceType = "t3.medium";
        private String k3sVersion = DEFAULT_K3S_VERSION;
        private Duration tickRate = Duration.ofMinutes(1);
        private NetworkingMode networkingMode = NetworkingMode.PUBLIC_API;
        private List<String> apiAllowedCidrs = List.of("0.0.0.0/0");
        private String notificationEmail;
        private String slackWorkspaceId;
        private String slackChannelId;
        private boolean statefulSetPodsBlock = true;
        private int eventLogRetentionDays = 30;
        /** 0: each step's size from the catalogue. */
        private int lambdaMemoryMb = 0;
        private int logRetentionDays = 30;
        private Path repositoryRoot = Path.of(".");
        private boolean sessionManager = true;
        private boolean vpcFlowLogs = false;
        // On: nothing polls (SNS invokes a function), so an idle month costs cents, its alarm's
        // (docs/decisions/fast-path-unschedulable-alert.md).
        private boolean unschedulableFastPath = true;

        private Builder() {
        }

        /** Required: {@code [a-z0-9-]{1,40}}; names resources, tags the workers, keys the state. */
        public Builder clusterId(String value) { this.clusterId = value; return this; }

        /** Any scaling variable of the README's configuration table, e.g. {@code setting(ConfigVariable.CPU_UP, 80)}. */
        public Builder setting(ConfigVariable variable, Object value) {
            scaling.put(variable.name(), String.valueOf(value));
            return this;
        }

        /** Scaling variables by name (CDK context, the configuration table); unknown names are reported. */
        public Builder settings(Map<String, String> values) {
            scaling.putAll(values);
            return this;
        }

        public Builder minWorkers(int value) { return setting(ConfigVariable.MIN_WORKERS, value); }
        public Builder maxWorkers(int value) { return setting(ConfigVariable.MAX_WORKERS, value); }
        public Builder scalingPolicy(String value) { this.scalingPolicy = value; return this; }
        /** In preference order; all of one architecture. */
        public Builder workerInstanceTypes(List<String> value) { this.workerInstanceTypes = List.copyOf(value); return this; }
        public Builder capacityType(String value) { this.capacityType = value; return this; }
        public Builder masterInstanceType(String value) { this.masterInstanceType = value; return this; }
        public Builder k3sVersion(String value) { this.k3sVersion = value; return this; }
        /** How often the tick runs: whole minutes, 1..60. */
        public Builder tickRate(Duration value) { this.tickRate = value; return this; }
        public Builder networkingMode(NetworkingMode value) { this.networkingMode = value; return this; }
        /** Who may reach 6443 on the master's public address in {@link NetworkingMode#PUBLIC_API} (Lambdas have no fixed address). */
        public Builder apiAllowedCidrs(List<String> value) { this.apiAllowedCidrs = List.copyOf(value); return this; }
        public Builder notificationEmail(String value) { this.notificationEmail = value; return this; }
        /** Slack through AWS Chatbot: both ids, or neither (the workspace must be authorized in the Chatbot console first). */
        public Builder slack(String workspaceId, String channelId) {
            this.slackWorkspaceId = workspaceId;
            this.slackChannelId = channelId;
            return this;
        }
        public Builder statefulSetPodsBlock(boolean value) { this.statefulSetPodsBlock = value; return this; }
        public Builder eventLogRetentionDays(int value) { this.eventLogRetentionDays = value; return this; }
        public Builder lambdaMemoryMb(int value) { this.lambdaMemoryMb = value; return this; }
        public Builder logRetentionDays(int value) { this.logRetentionDays = value; return this; }
        /** The checkout: function jars, workflow/asl and cluster-bootstrap are read from here. */
        public Builder repositoryRoot(Path value) { this.repositoryRoot = value; return this; }

        /** Session Manager on the master (kubectl, logs without SSH or an open port 22); on by default. */
        public Builder sessionManager(boolean value) { this.sessionManager = value; return this; }
        /** Record the VPC's traffic (accepted and rejected) to a CloudWatch log group kept logRetentionDays. */
        public Builder vpcFlowLogs(boolean value) { this.vpcFlowLogs = value; return this; }
        /**
         * Start the tick when Alertmanager reports unschedulable pods (SNS → the start-tick-on-alert function),
         * besides the schedule; on by default (docs/decisions/fast-path-unschedulable-alert.md).
         */
        public Builder unschedulableFastPath(boolean value) { this.unschedulableFastPath = value; return this; }

        public K3sAutoscalerProps build() {
            List<String> problems = new ArrayList<>();
            if (clusterId == null || !CLUSTER_ID.matcher(clusterId).matches()) {
                problems.add("clusterId=" + clusterId + " must match " + CLUSTER_ID.pattern());
            } else if (clusterId.length() + 1 + LONGEST_STEP_NAME > MAX_FUNCTION_NAME) {
                problems.add("clusterId=" + clusterId + " is longer than " + (MAX_FUNCTION_NAME - 1 - LONGEST_STEP_NAME)
                        + " characters: Lambda names <clusterId>-<step> must fit in " + MAX_FUNCTION_NAME);
            }
            AutoscalerConfig config = scaling(problems);
            if (!SCALING_POLICIES.contains(scalingPolicy)) {
                problems.add("scalingPolicy=" + scalingPolicy + " must be one of " + sorted(SCALING_POLICIES));
            }
            instanceTypes(problems);
            if (!CAPACITY_TYPES.contains(capacityType)) {
                problems.add("capacityType=" + capacityType + " must be one of " + sorted(CAPACITY_TYPES));
            }
            if (masterInstanceType == null || !INSTANCE_TYPE.matcher(masterInstanceType).matches()) {
                problems.add("masterInstanceType=" + masterInstanceType + " is not an instance type like t3.medium");
            }
            if (k3sVersion == null || !K3S_VERSION.matcher(k3sVersion).matches()) {
                problems.add("k3sVersion=" + k3sVersion + " must be a K3s release like " + DEFAULT_K3S_VERSION);
            }
            if (tickRate == null || tickRate.compareTo(MIN_TICK) < 0 || tickRate.compareTo(MAX_TICK) > 0
                    || tickRate.toSeconds() % 60 != 0) {
                problems.add("tickRate=" + tickRate + " must be whole minutes from 1 to 60");
            }
            if (networkingMode == null) {
                problems.add("networkingMode must be one of " + List.of(NetworkingMode.values()));
            }
            if (apiAllowedCidrs.isEmpty() && networkingMode == NetworkingMode.PUBLIC_API) {
                problems.add("apiAllowedCidrs must not be empty with PUBLIC_API: the Lambdas reach the API server through it");
            }
            apiAllowedCidrs.stream().filter(c -> !CIDR.matcher(c).matches())
                    .forEach(c -> problems.add("apiAllowedCidrs has '" + c + "', not an IPv4 CIDR like 203.0.113.0/24"));
            if (notificationEmail != null && !EMAIL.matcher(notificationEmail).matches()) {
                problems.add("notificationEmail=" + notificationEmail + " is not an e-mail address");
            }
            if ((slackWorkspaceId == null) != (slackChannelId == null)) {
                problems.add("slack needs both the workspace id and the channel id");
            } else if (slackWorkspaceId != null && (!SLACK_ID.matcher(slackWorkspaceId).matches()
                    || !SLACK_ID.matcher(slackChannelId).matches())) {
                problems.add("slack ids must look like T0123ABCD (workspace) and C0123ABCD (channel)");
            }
            if (eventLogRetentionDays < 1 || eventLogRetentionDays > 3650) {
                problems.add("eventLogRetentionDays=" + eventLogRetentionDays + " must be 1..3650");
            }
            if (lambdaMemoryMb != 0 && (lambdaMemoryMb < 256 || lambdaMemoryMb > 10240)) {
                problems.add("lambdaMemoryMb=" + lambdaMemoryMb + " must be 256..10240 (the JVM needs 256 MB)");
            }
            if (!LogRetention.VALID_DAYS.contains(logRetentionDays)) {
                problems.add("logRetentionDays=" + logRetentionDays + " must be one of CloudWatch's " + LogRetention.VALID_DAYS);
            }
            if (unschedulableFastPath && config != null && config.pendingUp().compareTo(MAX_FAST_PATH_WAIT) > 0) {
                problems.add("PENDING_UP_SEC=" + config.pendingUp().toSeconds() + " is too long for the fast path: the alert's tick "
                        + "waits PENDING_UP_SEC inside an Express execution (at most " + MAX_FAST_PATH_WAIT.toSeconds()
                        + " s): lower it or set unschedulableFastPath=false");
            }
            if (!problems.isEmpty()) {
                throw new InvalidPropsException(problems);
            }
            return new K3sAutoscalerProps(this, config);
        }

        private AutoscalerConfig scaling(List<String> problems) {
            Set<String> known = new java.util.HashSet<>();
            ConfigVariable.ALL.forEach(v -> known.add(v.name()));
            scaling.keySet().stream().filter(name -> !known.contains(name))
                    .forEach(name -> problems.add(name + " is not a scaling setting (see the README's configuration table)"));
            try {
                return AutoscalerConfig.fromEnvironment(scaling);
            } catch (InvalidConfigurationException e) {
                problems.addAll(e.problems());
                return null;
            }
        }

        private void instanceTypes(List<String> problems) {
            if (workerInstanceTypes.isEmpty()) {
                problems.add("workerInstanceTypes must name at least one instance type");
                return;
            }
            List<String> bad = workerInstanceTypes.stream().filter(t -> !INSTANCE_TYPE.matcher(t).matches()).toList();
            bad.forEach(t -> problems.add("workerInstanceTypes has '" + t + "', not an instance type like t3.small"));
            if (bad.isEmpty() && workerInstanceTypes.stream().map(K3sAutoscalerProps::isArm64).distinct().count() > 1) {
                problems.add("workerInstanceTypes " + workerInstanceTypes
                        + " mix arm64 and x86_64: one launch template has one image");
            }
        }

        private static List<String> sorted(Set<String> values) {
            return values.stream().sorted().toList();
        }
    }
}
