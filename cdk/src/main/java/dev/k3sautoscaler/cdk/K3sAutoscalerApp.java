package dev.k3sautoscaler.cdk;

import dev.k3sautoscaler.contract.Step;
import dev.k3sautoscaler.core.config.ConfigVariable;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployable app: {@code cdk deploy -c clusterId=demo -c MAX_WORKERS=6 …} (docs/deploy.md).
 * Context keys: clusterId, networkingMode, workerInstanceTypes, capacityType, masterInstanceType,
 * k3sVersion, tickMinutes, notificationEmail, slackWorkspaceId + slackChannelId, apiAllowedCidrs,
 * scalingPolicy, sessionManager, vpcFlowLogs, unschedulableFastPath, and every scaling variable of the README's
 * configuration table by its name.
 */
public final class K3sAutoscalerApp {
    private K3sAutoscalerApp() {
    }

    public static void main(String[] args) {
        // Under the CDK CLI, CDK_OUTDIR and CDK_CONTEXT_JSON come from the environment; run alone
        // (CI), the templates go to target/cdk.out and the context defaults apply.
        App app = System.getenv("CDK_OUTDIR") != null ? new App()
                : new App(AppProps.builder().outdir(System.getProperty("k3sautoscaler.cdkOut", "target/cdk.out")).build());
        build(app, Path.of(System.getProperty("k3sautoscaler.repositoryRoot", "..")));
        app.synth();
    }

    /** The app's stack on {@code app}, props from its context; cdk-nag's AWS Solutions checks run on every synth. */
    public static K3sAutoscalerStack build(App app, Path repositoryRoot) {
        K3sAutoscalerProps props = propsFromContext(app, repositoryRoot);
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");
        String region = System.getenv("CDK_DEFAULT_REGION");
        StackProps.Builder stackProps = StackProps.builder()
                .description("k3s-autoscaler: K3s cluster " + props.clusterId() + " on EC2 and its Step Functions autoscaler");
        if (account != null && region != null) {
            stackProps.env(Environment.builder().account(account).region(region).build());
        }
        K3sAutoscalerStack stack = new K3sAutoscalerStack(app, "K3sAutoscaler-" + props.clusterId(), stackProps.build(), props);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return stack;
    }

    static K3sAutoscalerProps propsFromContext(App app, Path repositoryRoot) {
        K3sAutoscalerProps.Builder builder = K3sAutoscalerProps.builder()
                .repositoryRoot(repositoryRoot)
                .clusterId(context(app, "clusterId", "demo"));
        Map<String, String> scaling = new LinkedHashMap<>();
        for (ConfigVariable variable : ConfigVariable.ALL) {
            String value = context(app, variable.name(), null);
            if (value != null) {
                scaling.put(variable.name(), value);
            }
        }
        builder.settings(scaling);
        String value;
        if ((value = context(app, "networkingMode", null)) != null) {
            builder.networkingMode(NetworkingMode.valueOf(value));
        }
        if ((value = context(app, "workerInstanceTypes", null)) != null) {
            builder.workerInstanceTypes(list(value));
        }
        if ((value = context(app, "capacityType", null)) != null) {
            builder.capacityType(value);
        }
        if ((value = context(app, "masterInstanceType", null)) != null) {
            builder.masterInstanceType(value);
        }
        if ((value = context(app, "k3sVersion", null)) != null) {
            builder.k3sVersion(value);
        }
        if ((value = context(app, "tickMinutes", null)) != null) {
            builder.tickRate(Duration.ofMinutes(Long.parseLong(value)));
        }
        if ((value = context(app, "notificationEmail", null)) != null) {
            builder.notificationEmail(value);
        }
        if ((value = context(app, "apiAllowedCidrs", null)) != null) {
            builder.apiAllowedCidrs(list(value));
        }
        if ((value = context(app, "scalingPolicy", null)) != null) {
            builder.scalingPolicy(value);
        }
        if ((value = context(app, "sessionManager", null)) != null) {
            builder.sessionManager(Boolean.parseBoolean(value));
        }
        if ((value = context(app, "vpcFlowLogs", null)) != null) {
            builder.vpcFlowLogs(Boolean.parseBoolean(value));
        }
        if ((value = context(app, "unschedulableFastPath", null)) != null) {
            builder.unschedulableFastPath(Boolean.parseBoolean(value));
        }
        String workspace = context(app, "slackWorkspaceId", null);
        String channel = context(app, "slackChannelId", null);
        if (workspace != null || channel != null) {
            builder.slack(workspace, channel);
        }
        return builder.build();
    }

    private static String context(App app, String key, String fallback) {
        Object value = app.getNode().tryGetContext(key);
        return value == null ? fallback : value.toString();
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
