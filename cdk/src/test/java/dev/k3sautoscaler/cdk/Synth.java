package dev.k3sautoscaler.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

import java.nio.file.Path;
import java.util.Map;

/** Synthesizes stacks for tests: the real checkout's jars and files, assets hashed but not copied. */
final class Synth {
    static final Path REPOSITORY_ROOT = Path.of(System.getProperty("k3sautoscaler.repositoryRoot", ".."));
    static final StackProps ENV = StackProps.builder()
            .env(Environment.builder().account("123456789012").region("eu-west-1").build())
            .build();

    private Synth() {
    }

    /**
     * Every optional part deployed, the fast path included (set here, not left to its default), so each
     * test sees the whole stack (FastPathOffTest: without it).
     */
    static K3sAutoscalerProps.Builder props() {
        return K3sAutoscalerProps.builder().clusterId("demo").repositoryRoot(REPOSITORY_ROOT).unschedulableFastPath(true);
    }

    /** Neither account nor region: the template carries {@code AWS::Region} and {@code AWS::AccountId}. */
    static final StackProps ENV_AGNOSTIC = StackProps.builder().build();

    /** A stack with cdk-nag's AWS Solutions checks applied, as the app applies them. */
    static K3sAutoscalerStack stack(K3sAutoscalerProps props) {
        return stack(props, ENV);
    }

    static K3sAutoscalerStack stack(K3sAutoscalerProps props, StackProps environment) {
        // Staging would copy ~100 MB of Lambda jars into cdk.out on every synth.
        App app = new App(AppProps.builder().context(Map.of("aws:cdk:disable-asset-staging", true)).build());
        K3sAutoscalerStack stack = new K3sAutoscalerStack(app, "Test", environment, props);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return stack;
    }
}
