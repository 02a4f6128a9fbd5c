package dev.k3sautoscaler.cdk;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * The four SSM parameters the master writes at boot (docs/bootstrap.md). The stack declares none
 * of them: CloudFormation cannot create SecureStrings, and a declared String with a dummy value
 * would send workers to a master address that does not exist (they wait only for ParameterNotFound).
 * The stack grants access to their ARNs only.
 */
record ClusterParameters(String joinToken, String masterAddress, String apiToken, String caCert) {

    static ClusterParameters of(String clusterId) {
        String prefix = "/k3s-autoscaler/" + clusterId + "/";
        return new ClusterParameters(prefix + "join-token", prefix + "master-address", prefix + "api-token",
                prefix + "ca-cert");
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
