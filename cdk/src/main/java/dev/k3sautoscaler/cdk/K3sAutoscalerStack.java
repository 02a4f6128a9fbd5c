package dev.k3sautoscaler.cdk;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** One cluster and its autoscaler per stack. */
public final class K3sAutoscalerStack extends Stack {
    private final K3sAutoscaler autoscaler;

    public K3sAutoscalerStack(Construct scope, String id, StackProps stackProps, K3sAutoscalerProps props) {
        super(scope, id, stackProps);
        this.autoscaler = new K3sAutoscaler(this, "K3sAutoscaler", props);
    }

    public K3sAutoscaler autoscaler() {
        return autoscaler;
    }
}
