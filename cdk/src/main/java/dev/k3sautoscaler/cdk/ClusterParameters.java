package dev.k3sautoscaler.cdk;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * The cluster's SSM parameters. The master writes the first four at boot (docs/bootstrap.md), and the
 * stack declares none of them: CloudFormation cannot create SecureStrings, and a declared String with a
 * dummy value would send workers to a master address that does not exist (they wait only for
 * ParameterNotFound). The stack grants access to their ARNs only.
 * The headroom one the stack does declare (with the fast path on): its value is the stack's own
 * configuration, no secret, and no node waits for it to appear; the master reads it into Prometheus' rules.
 */
record ClusterParameters(String joinToken, String masterAddress, String apiToken, String caCert, String headroom) {

    static ClusterParameters of(String clusterId) {
        String prefix = "/k3s-autoscaler/" + clusterId + "/";
        return new ClusterParameters(prefix + "join-token", prefix + "master-address", prefix + "api-token",
                prefix + "ca-cert", prefix + "headroom");
    }

    static String arn(Stack stack, String name) {
        return stack.formatArn(ArnComponents.builder()
                .service("ssm")
                .resource("parameter")
                .resourceName(name.substring(1))
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }
}
